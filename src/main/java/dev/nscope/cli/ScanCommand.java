package dev.nscope.cli;

import dev.nscope.host.ErrorKind;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.web.ContainersJson;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code nscope scan}: a scan, printed as a table or as the contract's JSON document. PID-1 verdicts
 * are never made on one look, so the scanner looks twice: the second look comes {@link #SECOND_LOOK}
 * after the first, or, when the first found zombies, after {@code nscope.pid1.zombie-grace}, so that
 * only zombies that outlive the grace are judged unreaped; that wait is said on stderr. What the two looks
 * met is merged kind by kind, the larger count of the two ({@code node.scanErrors}): a file the first look could
 * not read counts even when the second did not try it again, and a refusal that lasts (a runtime file counted at
 * every pass that uses its read) counts once, not once per look.
 *
 * <p>stdout carries only the table or the document; the summary line, warnings and the wait go to stderr.
 */
public final class ScanCommand {
    private final Scanner scanner;
    private final Duration zombieGrace;

    public ScanCommand(Scanner scanner, Duration zombieGrace) {
        this.scanner = scanner;
        this.zombieGrace = zombieGrace;
    }

    static final Duration SECOND_LOOK = Duration.ofMillis(200);

    public int run(CommandLine cl, PrintStream out, PrintStream err) throws InterruptedException {
        ScanSnapshot first = scanner.scan();
        long zombies = first.containers().stream().mapToLong(c -> c.processes().zombies()).sum();
        Duration wait = SECOND_LOOK;
        if (zombies > 0 && !zombieGrace.isZero()) {
            wait = zombieGrace.plus(SECOND_LOOK);
            err.println("nscope: " + zombies + (zombies == 1 ? " zombie" : " zombies") + " seen; looking again in "
                    + seconds(wait) + " (nscope.pid1.zombie-grace=" + seconds(zombieGrace) + ") to judge whether PID 1 reaps them");
            err.flush();
        }
        Thread.sleep(wait.toMillis());
        ScanSnapshot second = scanner.scan();
        ScanSnapshot both = new ScanSnapshot(second.node().withScanErrors(larger(first.node().scanErrors(), second.node().scanErrors())),
                second.containers());
        List<ContainerSnapshot> shown = cl.filter().apply(both.containers());
        if (cl.format() == CommandLine.Format.JSON) {
            byte[] doc = new ContainersJson().bytes(shown == both.containers() ? both : new ScanSnapshot(both.node(), shown));
            out.write(doc, 0, doc.length);
            out.println();
        } else {
            out.print(TableFormat.render(both, shown, cl.headers()));
        }
        out.flush();
        err.print(TableFormat.summary(both, shown.size()));
        err.flush();
        return 0;
    }

    /** Both looks' counts, kind by kind the larger, in the order of the kinds. */
    static Map<ErrorKind, Long> larger(Map<ErrorKind, Long> a, Map<ErrorKind, Long> b) {
        Map<ErrorKind, Long> m = new EnumMap<>(ErrorKind.class);
        a.forEach((k, v) -> m.merge(k, v, Math::max));
        b.forEach((k, v) -> m.merge(k, v, Math::max));
        return Collections.unmodifiableMap(m);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
}
