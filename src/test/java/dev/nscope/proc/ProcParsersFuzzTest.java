package dev.nscope.proc;

import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Mutations;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every /proc parser and the namespace-link parser on mutations of real files from the captures: a value
 * or a {@link MalformedFileException}, nothing else escapes (the runtime-metadata JSON reader: MetadataJsonTest).
 */
class ProcParsersFuzzTest {

    static List<Path> files(String archive, String tree, String name) {
        File proc = Fixtures.unpack(archive).resolve(tree).resolve("proc").toFile();
        List<Path> out = new ArrayList<>();
        for (File d : proc.listFiles(f -> f.getName().matches("\\d+"))) {
            Path f = d.toPath().resolve(name);
            if (Files.isRegularFile(f)) {
                out.add(f);
            }
            if (out.size() >= 6) {
                break;
            }
        }
        return out;
    }

    static int hammerAll(String name, Mutations.Parser p) throws IOException {
        int tried = 0;
        List<Path> fs = new ArrayList<>(files(Fixtures.V2_CASES, "host", name));
        fs.addAll(files(Fixtures.V1_DOCKER, "", name));
        assertThat(fs).as(name).isNotEmpty();
        long seed = 1;
        for (Path f : fs) {
            tried += Mutations.hammer(p, Files.readAllBytes(f), seed++);
        }
        return tried;
    }

    @Test
    void stat() throws IOException {
        assertThat(hammerAll("stat", ProcStat::parse)).isGreaterThan(1000);
    }

    @Test
    void status() throws IOException {
        assertThat(hammerAll("status", ProcStatus::parse)).isGreaterThan(1000);
    }

    @Test
    void cgroup() throws IOException {
        assertThat(hammerAll("cgroup", ProcCgroup::parse)).isGreaterThan(1000);
    }

    @Test
    void syscallWchanCmdlineAndNetDev() throws IOException {
        assertThat(hammerAll("syscall", ProcSyscall::parse)).isPositive();
        assertThat(hammerAll("wchan", ProcWchan::parse)).isPositive();
        assertThat(hammerAll("cmdline", ProcCmdline::parse)).isPositive();
        assertThat(hammerAll("net/dev", NetDev::parse)).isPositive();
    }

    @Test
    void namespaceLinks() throws IOException {
        for (Path link : files(Fixtures.V2_CASES, "host", "ns/net")) {
            byte[] target = Files.readSymbolicLink(link).toString().getBytes(StandardCharsets.UTF_8);
            Mutations.hammer((b, n) -> NamespaceLink.parseInode(new String(b, 0, n, StandardCharsets.UTF_8), NamespaceType.NET),
                    target, 7);
        }
    }
}
