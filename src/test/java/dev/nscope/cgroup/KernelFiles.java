package dev.nscope.cgroup;

import dev.nscope.testing.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths and bytes of the captured cgroup trees the parser tests read. */
final class KernelFiles {
    static final String D1 = "system.slice/docker-d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1.scope";
    static final String E1 = "machine.slice/libpod-e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1.scope";
    static final String CRIO_1E = "kubepods.slice/kubepods-besteffort.slice/"
            + "kubepods-besteffort-pod7e0c2a51_93d4_4c7e_a0b2_5d1f6e8a9c30.slice/"
            + "crio-1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e.scope";
    static final String DOCKER_3C = "system.slice/docker-3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c.scope";
    /** fx-limits in docker-inspect.txt: --memory 64m --cpus 0.5 --pids-limit 50, an OOM-killed dd. */
    static final String FX_LIMITS = "docker/05d0b1fe46e3ae98e8f7cc58e1ff0ada558895137b3da098130368c7813983e6";
    static final int FX_LIMITS_PID = 21772;

    private KernelFiles() {
    }

    /** {@code sys/fs/cgroup} of the v2 cases' host tree. */
    static Path v2Cases() {
        return Fixtures.unpack(Fixtures.V2_CASES).resolve("host/sys/fs/cgroup");
    }

    static Path v2Node() {
        return Fixtures.unpack(Fixtures.V2_NODE).resolve("sys/fs/cgroup");
    }

    static Path v1Docker() {
        return Fixtures.unpack(Fixtures.V1_DOCKER).resolve("sys/fs/cgroup");
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] resource(String name) {
        try (var in = KernelFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
