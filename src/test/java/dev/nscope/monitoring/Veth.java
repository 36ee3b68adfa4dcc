package dev.nscope.monitoring;

import dev.nscope.testing.Live;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A veth pair between two processes' network namespaces, made with {@code ip} inside them through
 * {@code nsenter} (util-linux, iproute2), and a ping across it (busybox, from Debian's busybox-static):
 * non-loopback traffic for the network metrics where Docker runs with {@code --bridge=none}. Link-local
 * addresses on a /30 that exists only between the two namespaces: nothing leaves the machine. The pair
 * goes away with either namespace.
 */
final class Veth {
    static final String BURNER_END = "nsv-burner";
    static final String LEAKER_END = "nsv-leaker";
    static final String A = "169.254.98.1";
    static final String B = "169.254.98.2";

    private Veth() {
    }

    /** Links the network namespaces of {@code pidA} and {@code pidB} and pings B from A every second until destroyed. */
    static Process linkAndPing(long pidA, long pidB) throws IOException, InterruptedException {
        String ip = Tools.require("ip", "iproute2").toString();
        String nsenter = Tools.require("nsenter", "util-linux").toString();
        String busybox = Tools.require("busybox", "busybox-static").toString();
        String a = String.valueOf(pidA);
        String b = String.valueOf(pidB);
        run(nsenter, "-t", a, "-n", ip, "link", "add", BURNER_END, "type", "veth", "peer", "name", LEAKER_END);
        // the pid is the host's: nsenter -n changes the network namespace only
        run(nsenter, "-t", a, "-n", ip, "link", "set", LEAKER_END, "netns", b);
        run(nsenter, "-t", a, "-n", ip, "addr", "add", A + "/30", "dev", BURNER_END);
        run(nsenter, "-t", a, "-n", ip, "link", "set", BURNER_END, "up");
        run(nsenter, "-t", b, "-n", ip, "addr", "add", B + "/30", "dev", LEAKER_END);
        run(nsenter, "-t", b, "-n", ip, "link", "set", LEAKER_END, "up");
        return new ProcessBuilder(nsenter, "-t", a, "-n", busybox, "ping", "-q", "-i", "1", B)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Live.Result r = Live.run(new ArrayList<>(List.of(command)), 30);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + r.exit() + ": " + r.stdout() + r.stderr());
        }
    }
}
