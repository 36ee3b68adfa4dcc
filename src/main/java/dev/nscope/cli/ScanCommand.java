package dev.nscope.cli;

import dev.nscope.scan.ScanSnapshot;
import dev.nscope.scan.Scanner;
import dev.nscope.web.ContainersDocument;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.time.Duration;

/**
 * {@code nscope scan}: one scan, printed as a table or as the contract's JSON document. When the
 * first look finds zombies, a second look follows after {@code nscope.pid1.zombie-grace}, so that only
 * zombies that outlive the grace are judged unreaped.
 */
public final class ScanCommand {
    private final Scanner scanner;
    private final JsonMapper json;
    private final Duration zombieGrace;

    public ScanCommand(Scanner scanner, JsonMapper json, Duration zombieGrace) {
        this.scanner = scanner;
        this.json = json;
        this.zombieGrace = zombieGrace;
    }

    public int run(CommandLine.Format format, PrintStream out) throws InterruptedException {
        ScanSnapshot s = scanner.scan();
        if (s.containers().stream().mapToInt(c -> c.processes().zombies()).sum() > 0 && !zombieGrace.isZero()) {
            Thread.sleep(zombieGrace.toMillis());
            s = scanner.scan();
        }
        if (format == CommandLine.Format.JSON) {
            out.println(json.writeValueAsString(ContainersDocument.of(s)));
        } else {
            out.print(TableFormat.render(s));
        }
        out.flush();
        return 0;
    }
}
