package dev.nscope.scan;

import dev.nscope.container.Runtime;
import dev.nscope.host.HostPaths;
import dev.nscope.proc.NamespaceType;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Real {@code unshare} sandboxes on this host, found as {@code sandbox} containers. */
class LiveSandboxTest {

    @BeforeAll
    static void root() {
        Live.requireRoot();
    }

    @Test
    void anUnshareSandboxIsFoundWithItsPid1AndNamespaces() throws Exception {
        try (Live.Sandbox sb = Live.Sandbox.start("sh", "-c", "sleep 300 & sleep 300 & wait")) {
            Thread.sleep(300);
            Scanner scanner = new Scanner(HostPaths.live());
            ScanSnapshot s = scanner.scan();
            ContainerSnapshot c = s.find("pidns-" + sb.nsInode("pid")).orElseThrow();
            assertThat(c.runtime()).isEqualTo(Runtime.SANDBOX);
            assertThat(c.pid1().hostPid()).isEqualTo((int) sb.pid1);
            assertThat(c.pid1().comm()).isIn("sh", "dash", "bash");
            assertThat(c.pid1().children()).isEqualTo(2);
            // the unshare parent belongs to it (same network namespace) but is not its PID 1
            assertThat(c.processList()).extracting(ProcessEntry::pid).contains((int) sb.unshare.pid());
            assertThat(c.processes().total()).isEqualTo(4);
            for (NamespaceType t : NamespaceType.all()) {
                long live = sb.nsInode(t.link());
                assertThat(c.namespaces().get(t)).as(t.link()).isEqualTo(live);
            }
            assertThat(c.findings()).extracting(f -> f.rule()).contains("host-user-namespace")
                    .doesNotContain("host-network-namespace", "host-pid-namespace", "host-mount-namespace");
            // host namespaces come from kthreadd when PID 1's links are unreadable
            long kthreaddNet = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/2/ns/net")).toString().replaceAll("\\D", ""));
            assertThat(s.node().hostNamespaces().get(NamespaceType.NET)).isEqualTo(kthreaddNet);

            // a second pass reuses what cannot change and still sees the same
            ScanSnapshot again = scanner.scan();
            assertThat(again.find(c.id()).orElseThrow().pid1().hostPid()).isEqualTo((int) sb.pid1);
        }
    }

    @Test
    void aSandboxThatEndsIsGoneFromTheNextScan() throws Exception {
        Scanner scanner = new Scanner(HostPaths.live());
        String id;
        try (Live.Sandbox sb = Live.Sandbox.start("sleep", "300")) {
            id = "pidns-" + sb.nsInode("pid");
            assertThat(scanner.scan().find(id)).isPresent();
        }
        Thread.sleep(200);
        assertThat(scanner.scan().find(id)).isEmpty();
    }
}
