package dev.nscope.testing;

import dev.nscope.host.HostPaths;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Unpacks the captured host trees of {@code src/test/resources/fixtures} (once per test JVM) with
 * {@code tar}, which keeps the namespace links as the symlinks they were captured as.
 */
public final class Fixtures {
    public static final String V2_NODE = "cgroup2-node.tar.gz";
    public static final String V2_CASES = "cgroup2-cases.tar.gz";
    public static final String V1_DOCKER = "cgroup1-docker.tar.gz";

    private static final Map<String, Path> UNPACKED = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /** The root of the unpacked archive. */
    public static Path unpack(String archive) {
        return UNPACKED.computeIfAbsent(archive, Fixtures::extract);
    }

    /** The host paths of a tree inside an unpacked archive ("" for its root, "host" or "cgroupns" for the v2 cases). */
    public static HostPaths paths(String archive, String tree) {
        Path root = tree.isEmpty() ? unpack(archive) : unpack(archive).resolve(tree);
        return new HostPaths(root.resolve("proc"), root.resolve("sys"));
    }

    public static HostPaths paths(String archive) {
        return paths(archive, "");
    }

    private static Path extract(String archive) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + archive)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + archive);
            }
            Path dir = Files.createTempDirectory("nscope-fixture-");
            Path tgz = dir.resolve(archive);
            Files.copy(in, tgz);
            Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-xzf", tgz.toString())
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("tar failed on " + archive + ": " + new String(p.getInputStream().readAllBytes()));
            }
            Files.delete(tgz);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
