package dev.nscope.pid1;

import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcWchan;

/**
 * What the kernel will do, at the moment of one look, with the stop signal sent to a PID 1 from the
 * host (as {@code docker stop} and the kubelet do). Pure; one look only: {@link Pid1Analyzer} confirms
 * a verdict over several looks before it reports it.
 *
 * <p>The kernel ({@code kernel/signal.c}: {@code sig_ignored}, {@code sig_task_ignored}) keeps a
 * signal that is blocked ({@code SigBlk}) or was blocked before a {@code sigtimedwait}
 * ({@code real_blocked}, not in /proc: seen as {@code rt_sigtimedwait} in {@code syscall} or
 * {@code sigtimedwait} in {@code wchan}); otherwise it drops an ignored one ({@code SigIgn}) and, for a
 * namespace's init ({@code SIGNAL_UNKILLABLE}), one whose action is the default (not in {@code SigCgt}).
 * Identity corrects what masks cannot say: runit blocks SIGTERM and never reads it; Node.js's handler
 * re-raises with the default action; and when neither {@code syscall} nor {@code wchan} can be read,
 * an init known to wait for signals (tini, docker-init, dumb-init, catatonit, s6-svscan, systemd) is
 * taken as waiting.
 *
 * @param delivery what happens to the signal
 * @param how      a short machine-readable reason ("handler", "blocked", "sigtimedwait", "ignored",
 *                 "default-action", "blocked-never-read", "handler-re-raises", "known-waiting-init",
 *                 "status-unreadable")
 * @param reason   one sentence for the user
 * @param waitSeen true/false when syscall or wchan told whether it waits in sigtimedwait, null when neither could be read
 */
public record SigtermVerdict(Delivery delivery, String how, String reason, Boolean waitSeen) {

    public enum Delivery {
        DELIVERED, DROPPED, UNKNOWN;

        /** The JSON {@code catchesSigterm}: true, false, or null when it cannot be told. */
        public Boolean asBoolean() {
            return this == DELIVERED ? Boolean.TRUE : this == DROPPED ? Boolean.FALSE : null;
        }
    }

    public static SigtermVerdict judge(Pid1Facts f, InitKind kind, Arch arch) {
        ProcStatus st = f.status();
        String sig = Signals.name(f.stopSignal());
        if (st == null) {
            return new SigtermVerdict(Delivery.UNKNOWN, "status-unreadable", "status could not be read", null);
        }
        Boolean waiting = waiting(f, arch);
        int s = f.stopSignal();
        if (Signals.has(st.sigBlk(), s)) {
            if (kind.neverReadsTerm() && s == Signals.SIGTERM) {
                return new SigtermVerdict(Delivery.DROPPED, "blocked-never-read",
                        sig + " is blocked and " + kind.label() + " never reads it: it stays pending, and the stop ends in SIGKILL", waiting);
            }
            return new SigtermVerdict(Delivery.DELIVERED, "blocked",
                    sig + " is blocked (SigBlk): the kernel keeps it for the process to read (signalfd or sigwait)", waiting);
        }
        // a handler: the kernel delivers, whether or not it also waits (so syscall and wchan are not needed)
        if (Signals.has(st.sigCgt(), s)) {
            if (kind.reRaisesTerm() && (s == Signals.SIGTERM || s == Signals.SIGINT)) {
                return new SigtermVerdict(Delivery.DROPPED, "handler-re-raises",
                        "Node.js's own " + sig + " handler restores the default action and re-raises it, which the kernel discards for PID 1"
                                + " (unless the application listens with process.on('" + sig + "'))", waiting);
            }
            return new SigtermVerdict(Delivery.DELIVERED, "handler", "it has a " + sig + " handler (SigCgt)", waiting);
        }
        if (Boolean.TRUE.equals(waiting)) {
            return new SigtermVerdict(Delivery.DELIVERED, "sigtimedwait",
                    "it waits in rt_sigtimedwait: the kernel keeps signals blocked before the wait, which SigBlk does not show", true);
        }
        if (waiting == null && kind.waitsForSignals()) {
            return new SigtermVerdict(Delivery.DELIVERED, "known-waiting-init",
                    kind.label() + " takes signals with sigwait or signalfd; syscall and wchan could not be read to see it", null);
        }
        if (Signals.has(st.sigIgn(), s)) {
            return new SigtermVerdict(Delivery.DROPPED, "ignored",
                    sig + " is ignored (SigIgn, which is inherited across exec): the kernel discards it", waiting);
        }
        if (waiting == null && !kind.neverWaitsForSignals()) {
            // no ptrace rights over it, and nothing known about the program: it might wait in sigtimedwait
            return new SigtermVerdict(Delivery.UNKNOWN, "wait-unreadable",
                    sig + " has no handler and is not blocked, but syscall and wchan could not be read (no ptrace rights) "
                            + "and " + kind.label() + " is not known to never wait for signals: it cannot be told", null);
        }
        String unseen = waiting == null ? "; syscall and wchan could not be read (no ptrace rights), but "
                + kind.label() + " never waits for signals" : "";
        return new SigtermVerdict(Delivery.DROPPED, "default-action",
                sig + " has no handler, is not blocked and is not waited for: the kernel discards it for a PID 1" + unseen, waiting);
    }

    /** True/false when syscall or wchan tells whether it waits in sigtimedwait; null when neither can be read. */
    static Boolean waiting(Pid1Facts f, Arch arch) {
        boolean known = false;
        if (f.syscall() != null && arch != null) {
            if (f.syscall().isIn(arch.rtSigtimedwait())) {
                return true;
            }
            known = true;
        }
        if (f.wchan() != null) {
            if (ProcWchan.isSigtimedwait(f.wchan())) {
                return true;
            }
            known = true;
        }
        return known ? Boolean.FALSE : null;
    }
}
