package dev.nscope.scan;

import dev.nscope.host.ErrorKind;
import dev.nscope.host.HostPaths;
import dev.nscope.isolation.Isolation;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.IsolationCaptures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the scanner reads a container's mount table: once per identity of its PID 1, never in a steady pass;
 * and what a damaged mount table or status does (counted, the part it feeds null, the scan goes on). The v2
 * cases capture with a real Docker container's mount table given to each PID 1 and the host's to kthreadd (the capture has no pid 1).
 */
class IsolationReadsTest {
    @TempDir
    Path tmp;
    Path proc;
    Scanner scanner;

    @BeforeEach
    void tree() throws Exception {
        Path root = tmp.resolve("tree");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V2_CASES).resolve("host").toString(), root.toString())
                .start().waitFor()).isZero();
        proc = root.resolve("proc");
        scanner = new Scanner(new HostPaths(proc, root.resolve("sys")));
        for (int pid : pid1s(scanner.scan())) {
            copy("docker-default.mountinfo", pid);
        }
        Files.copy(IsolationCaptures.DIR.resolve("host.mountinfo"), proc.resolve("2/mountinfo"), StandardCopyOption.REPLACE_EXISTING);
        scanner = new Scanner(new HostPaths(proc, root.resolve("sys")));
    }

    static List<Integer> pid1s(ScanSnapshot s) {
        return s.containers().stream().filter(c -> c.pid1() != null).map(c -> c.pid1().hostPid()).toList();
    }

    void copy(String capture, int pid) throws IOException {
        Files.copy(IsolationCaptures.DIR.resolve(capture), proc.resolve(pid + "/mountinfo"), StandardCopyOption.REPLACE_EXISTING);
    }

    void garbage(int pid, String file) throws IOException {
        Files.writeString(proc.resolve(pid + "/" + file), "\u0000\u00ff not what the kernel writes\n");
    }

    @Test
    void aSteadyPassReadsNoMountTableOfAKnownPid1() throws IOException {
        ScanSnapshot first = scanner.scan();
        List<Integer> pids = pid1s(first);
        assertThat(pids).isNotEmpty();
        assertThat(first.containers()).filteredOn(c -> c.pid1() != null)
                .allSatisfy(c -> assertThat(c.isolation().rootfs().fstype()).isEqualTo("overlay"));
        // were any of them read again, the garbage would be counted and their root filesystems lost
        for (int pid : pids) {
            garbage(pid, "mountinfo");
        }
        for (int i = 0; i < 20; i++) {
            ScanSnapshot s = scanner.scan();
            assertThat(s.node().scanErrors().get(ErrorKind.MALFORMED)).as("pass " + i).isZero();
            assertThat(s.containers()).filteredOn(c -> c.pid1() != null)
                    .allSatisfy(c -> assertThat(c.isolation().rootfs()).isNotNull());
        }
    }

    @Test
    void aNewPid1IsReadAgainAndItsDamagedMountTableIsCountedNotGuessed() throws IOException {
        ScanSnapshot first = scanner.scan();
        ContainerSnapshot c = first.containers().stream().filter(x -> x.pid1() != null).findFirst().orElseThrow();
        int pid = c.pid1().hostPid();
        garbage(pid, "mountinfo");
        // the same pid with another start time: a new identity (a restarted PID 1 that got its pid back)
        Path stat = proc.resolve(pid + "/stat");
        String[] after = Files.readString(stat).substring(Files.readString(stat).lastIndexOf(')') + 2).split(" ");
        after[19] = String.valueOf(Long.parseLong(after[19]) + 100);
        String s = Files.readString(stat);
        Files.writeString(stat, s.substring(0, s.lastIndexOf(')') + 2) + String.join(" ", Arrays.asList(after)));
        ScanSnapshot next = scanner.scan();
        assertThat(next.node().scanErrors().get(ErrorKind.MALFORMED)).isEqualTo(1);
        Isolation iso = next.find(c.id()).orElseThrow().isolation();
        assertThat(iso.rootfs()).isNull();
        assertThat(iso.mounts()).isNull();
        assertThat(iso.privileges()).as("its status is still good").isNotNull();
        assertThat(iso.enter()).contains("--target " + pid);
    }

    @Test
    void aMountTableCutMidLineIsCounted() throws IOException {
        ScanSnapshot first = scanner.scan();
        int pid = pid1s(first).get(0);
        byte[] whole = Files.readAllBytes(IsolationCaptures.DIR.resolve("docker-default.mountinfo"));
        Files.write(proc.resolve(pid + "/mountinfo"), Arrays.copyOf(whole, whole.length / 2));
        // a fresh scanner reads every PID 1 for the first time
        Scanner fresh = new Scanner(new HostPaths(proc, proc.resolveSibling("sys")));
        ScanSnapshot s = fresh.scan();
        assertThat(s.node().scanErrors().get(ErrorKind.MALFORMED)).isEqualTo(1);
        assertThat(s.containers()).filteredOn(c -> c.pid1() != null && c.pid1().hostPid() == pid)
                .singleElement().satisfies(c -> assertThat(c.isolation().mounts()).isNull());
        assertThat(s.containers()).filteredOn(c -> c.pid1() != null && c.pid1().hostPid() != pid)
                .allSatisfy(c -> assertThat(c.isolation().mounts()).isNotNull());
    }

    @Test
    void aContainerWithoutAPid1IsReadFromItsFirstProcessAndItsGarbageStatusIsCounted() throws IOException {
        ScanSnapshot first = scanner.scan();
        ContainerSnapshot noPid1 = first.containers().stream().filter(c -> c.pid1() == null).findFirst().orElseThrow();
        assertThat(noPid1.isolation().privileges()).isNotNull();
        int subject = noPid1.processList().get(0).pid();
        assertThat(noPid1.isolation().enter()).startsWith("nsenter --target " + subject);
        garbage(subject, "status");
        Scanner fresh = new Scanner(new HostPaths(proc, proc.resolveSibling("sys")));
        ScanSnapshot s = fresh.scan();
        assertThat(s.node().scanErrors().get(ErrorKind.MALFORMED)).isGreaterThanOrEqualTo(1);
        assertThat(s.find(noPid1.id())).hasValueSatisfying(c -> assertThat(c.isolation().privileges()).isNull());
    }
}
