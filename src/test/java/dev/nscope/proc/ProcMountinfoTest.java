package dev.nscope.proc;

import dev.nscope.testing.IsolationCaptures;
import dev.nscope.host.MalformedFileException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real mount tables of Docker containers and of the host they ran on (tools/capture-isolation.sh). */
class ProcMountinfoTest {
    static final Path DIR = IsolationCaptures.DIR;

    static List<ProcMountinfo.Mount> read(String name) throws IOException {
        return IsolationCaptures.mountinfo(name);
    }

    static ProcMountinfo.Mount at(List<ProcMountinfo.Mount> mounts, String mountPoint) {
        return mounts.stream().filter(m -> m.mountPoint().equals(mountPoint)).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void aDockerContainersRootIsAnOverlayWhoseUpperLayerIsInDockersDataRoot() throws IOException {
        List<ProcMountinfo.Mount> m = read("docker-default.mountinfo");
        ProcMountinfo.Mount root = at(m, "/");
        assertThat(root.fstype()).isEqualTo("overlay");
        assertThat(root.source()).isEqualTo("overlay");
        assertThat(root.root()).isEqualTo("/");
        assertThat(root.readOnly()).isFalse();
        assertThat(root.propagation()).as("master:N, a slave of the host's shared /var/lib/docker").isEqualTo("slave");
        assertThat(root.superOption("upperdir")).startsWith("/var/lib/docker/overlay2/").endsWith("/diff");
        assertThat(root.superOption("lowerdir")).contains(":");
        assertThat(root.superOption("upper")).isNull();
    }

    @Test
    void dockersOwnFilesAreBindsOfTheHostDiskWithTheirPathOnItAsRoot() throws IOException {
        ProcMountinfo.Mount hosts = at(read("docker-default.mountinfo"), "/etc/hosts");
        assertThat(hosts.fstype()).isEqualTo("ext4");
        assertThat(hosts.source()).isEqualTo("/dev/vda");
        assertThat(hosts.major()).isEqualTo(254);
        assertThat(hosts.minor()).isZero();
        assertThat(hosts.root()).startsWith("/var/lib/docker/containers/").endsWith("/hosts");
        assertThat(hosts.propagation()).isEqualTo("private");
    }

    @Test
    void readOnlyComesFromTheMountOptionsOrTheFilesystems() throws IOException {
        List<ProcMountinfo.Mount> m = read("docker-sock-host.mountinfo");
        assertThat(at(m, "/host").readOnly()).as("-v /:/host:ro").isTrue();
        assertThat(at(m, "/host-etc").readOnly()).isFalse();
        assertThat(at(m, "/sys").readOnly()).isTrue();
        assertThat(at(m, "/var/run/docker.sock").root()).isEqualTo("/run/docker.sock");
    }

    @Test
    void theHostsSharedMountsSayShared() throws IOException {
        List<ProcMountinfo.Mount> host = read("host.mountinfo");
        assertThat(at(host, "/var/lib/docker").propagation()).isEqualTo("shared");
        assertThat(at(host, "/").propagation()).isEqualTo("private");
        assertThat(host).filteredOn(m -> m.fstype().equals("nsfs")).first().satisfies(
                m -> assertThat(m.root()).as("a bound namespace").startsWith("net:["));
    }

    @Test
    void octalEscapesInPathsAreUndone() throws MalformedFileException {
        byte[] b = ("36 35 98:0 /mnt\\040dir\\134x /a\\011b rw,noatime master:1 shared:7 - ext3 /dev/my\\040disk rw,errors=continue\n")
                .getBytes(StandardCharsets.US_ASCII);
        ProcMountinfo.Mount m = ProcMountinfo.parse(b, b.length).get(0);
        assertThat(m.root()).isEqualTo("/mnt dir\\x");
        assertThat(m.mountPoint()).isEqualTo("/a\tb");
        assertThat(m.source()).isEqualTo("/dev/my disk");
        assertThat(m.propagation()).as("shared and a slave").isEqualTo("shared");
        assertThat(m.id()).isEqualTo(36);
        assertThat(m.parent()).isEqualTo(35);
    }

    @Test
    void aBindOfAFileReplacedOnTheHostLosesTheKernelsDeletedMark() throws MalformedFileException {
        byte[] b = "1 0 8:1 /srv/app.conf//deleted /etc/app.conf ro - ext4 /dev/sda1 rw\n".getBytes(StandardCharsets.US_ASCII);
        ProcMountinfo.Mount m = ProcMountinfo.parse(b, b.length).get(0);
        assertThat(m.root()).isEqualTo("/srv/app.conf");
        assertThat(m.readOnly()).isTrue();
    }

    @Test
    void aTableCutMidLineOrGarbageIsMalformed() throws IOException {
        byte[] whole = Files.readAllBytes(DIR.resolve("docker-default.mountinfo"));
        int cut = new String(whole, StandardCharsets.US_ASCII).indexOf(" - overlay") - 5;
        assertThatThrownBy(() -> ProcMountinfo.parse(whole, cut)).isInstanceOf(MalformedFileException.class);
        byte[] garbage = "\u0000\u00ff not a mount table\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ProcMountinfo.parse(garbage, garbage.length)).isInstanceOf(MalformedFileException.class);
        byte[] noSeparator = "1 0 8:1 / / rw shared:1 ext4 /dev/sda1 rw\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ProcMountinfo.parse(noSeparator, noSeparator.length)).isInstanceOf(MalformedFileException.class);
        assertThatThrownBy(() -> ProcMountinfo.parse(new byte[0], 0)).isInstanceOf(MalformedFileException.class);
        byte[] relative = "1 0 8:1 / x rw - ext4 /dev/sda1 rw\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ProcMountinfo.parse(relative, relative.length)).isInstanceOf(MalformedFileException.class);
        // every prefix of a real table either parses (cut at a line's end) or is refused: never a half mount
        for (int n = 1; n < whole.length; n += 7) {
            try {
                List<ProcMountinfo.Mount> m = ProcMountinfo.parse(Arrays.copyOf(whole, n), n);
                assertThat(m).allSatisfy(x -> assertThat(x.superOptions()).isNotNull());
            } catch (MalformedFileException expected) {
                // refused
            }
        }
    }
}
