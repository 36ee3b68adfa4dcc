package dev.nscope.pid1;

import java.time.Duration;
import java.util.List;

/**
 * The input of the three PID 1 rules: one look's facts with what {@link Pid1Analyzer} made of them
 * and of the looks before. Plain data, so each rule's check is a pure function of it.
 *
 * @param init             what kind of init PID 1 is, and what told it
 * @param verdict          this look's verdict on the stop signal
 * @param confirmed        the verdict confirmed over {@code confirmLooks} looks in a row (the latest look
 *                         that agreed with it), null while none is
 * @param sigtermStreak    how many looks in a row saw this look's delivery
 * @param notForwarding    the signals-not-forwarded condition, confirmed over looks
 * @param pid1Zombies      zombies whose parent is PID 1, with their ages since first seen
 * @param zombieGrace      how long a zombie must persist to count as unreaped
 */
public record Pid1Look(Pid1Facts facts, InitIdentifier.Identification init, SigtermVerdict verdict,
                       SigtermVerdict confirmed, int sigtermStreak, boolean notForwarding, int notForwardingStreak,
                       List<ZombieTracker.Tracked> pid1Zombies, Duration zombieGrace, Arch arch) {

    public Pid1Look {
        pid1Zombies = pid1Zombies == null ? List.of() : List.copyOf(pid1Zombies);
    }

    public InitKind kind() {
        return init.kind();
    }

    /** The confirmed delivery, UNKNOWN while none is. */
    public SigtermVerdict.Delivery confirmedDelivery() {
        return confirmed == null ? SigtermVerdict.Delivery.UNKNOWN : confirmed.delivery();
    }

    /** PID 1's children that are not zombies. */
    public List<Pid1Facts.Child> liveChildren() {
        return facts.children().stream().filter(c -> !c.isZombie()).toList();
    }

    /** PID 1's zombies seen at least {@link #zombieGrace} ago (and in an earlier look). */
    public List<ZombieTracker.Tracked> unreapedZombies() {
        long grace = zombieGrace.toNanos();
        return pid1Zombies.stream().filter(z -> z.ageNanos() > 0 && z.ageNanos() >= grace).toList();
    }
}
