package dev.nscope.cli;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.web.ContainersJson;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code nscope scan}: a scan, printed as a table or as the contract's JSON document. PID-1 verdicts
 * are never made on one look, so the scanner looks twice: the second look comes {@link #SECOND_LOOK}
 * after the first, or, when the first found zombies, after {@code nscope.pid1.zombie-grace}, so that
 * only zombies that outlive the grace are judged unreaped.
 */
public final class ScanCommand {
    private final Scanner scanner;
    private final Duration zombieGrace;

    public ScanCommand(Scanner scanner, Duration zombieGrace) {
        this.scanner = scanner;
        this.zombieGrace = zombieGrace;
    }

    static final Duration SECOND_LOOK = Duration.ofMillis(200);

    public int run(CommandLine.Format format, PrintStream out) throws InterruptedException {
        ScanSnapshot first = scanner.scan();
        boolean zombies = first.containers().stream().anyMatch(c -> c.processes().zombies() > 0);
        Thread.sleep((zombies ? zombieGrace.plus(SECOND_LOOK) : SECOND_LOOK).toMillis());
        ScanSnapshot s = scanner.scan();
        if (format == CommandLine.Format.JSON) {
            byte[] doc = new ContainersJson().bytes(s);
            out.write(doc, 0, doc.length);
            out.println();
        } else {
            out.print(TableFormat.render(s));
        }
        out.flush();
        return 0;
    }
}
