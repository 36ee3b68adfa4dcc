package dev.nscope.events;

import dev.nscope.host.HostPaths;

/**
 * Starts the connector source in a JVM of its own, the way a test wants it run (under {@code unshare} or
 * {@code setpriv}), and prints {@code <state>|<reason>} once it has settled (at most 3 s), then closes it.
 */
public final class SourceProbe {
    private SourceProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        try (NetlinkProcessEvents s = new NetlinkProcessEvents(HostPaths.live())) {
            s.start(new CountingListener());
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (s.state() == ProcessEventSource.State.STARTING && System.nanoTime() < deadline) {
                // a fork makes an event even where nothing else runs
                new ProcessBuilder("true").start().waitFor();
                Thread.sleep(50);
            }
            System.out.println(s.state() + "|" + s.unavailableReason());
        } catch (java.io.IOException e) {
            System.out.println("ERROR|" + e);
        }
    }
}
