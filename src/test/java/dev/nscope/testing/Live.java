package dev.nscope.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for tests on the live host: they need root (namespaces, cgroups) and sometimes Docker.
 * Outside CI a missing prerequisite skips the test; in CI ({@code CI=true}) it fails it, so a CI run
 * can never pass by skipping what it was meant to prove.
 */
public final class Live {
    private Live() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static void require(boolean condition, String what) {
        if (!condition) {
            if (inCi()) {
                Assertions.fail("CI=true but " + what);
            }
            Assumptions.abort(what);
        }
    }

    public static void requireRoot() {
        require("root".equals(System.getProperty("user.name")) && Files.isDirectory(Path.of("/proc/1")),
                "these tests need root on a Linux host");
    }

    /** A namespaced sandbox: {@code unshare --pid --fork --kill-child --mount-proc --uts --ipc --net CMD}. */
    public static final class Sandbox implements AutoCloseable {
        public final Process unshare;
        public final long pid1;

        private Sandbox(Process unshare, long pid1) {
            this.unshare = unshare;
            this.pid1 = pid1;
        }

        public static Sandbox start(String... command) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc",
                    "--uts", "--ipc", "--net"));
            cmd.addAll(List.of(command));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 100; i++) {
                Optional<ProcessHandle> child = p.toHandle().children().findFirst();
                if (child.isPresent()) {
                    return new Sandbox(p, child.get().pid());
                }
                Thread.sleep(20);
            }
            p.destroyForcibly();
            throw new IOException("unshare did not start a child");
        }

        public String nsLink(String type) throws IOException {
            return Files.readSymbolicLink(Path.of("/proc/" + pid1 + "/ns/" + type)).toString();
        }

        public long nsInode(String type) throws IOException {
            String l = nsLink(type);
            return Long.parseLong(l.substring(l.indexOf('[') + 1, l.length() - 1));
        }

        @Override
        public void close() throws InterruptedException {
            unshare.destroyForcibly();
            unshare.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@code java -cp <this test classpath> dev.nscope.NscopeApplication args…} as a command line. */
    public static List<String> nscopeCommand(String... args) {
        return nscopeCommand(List.of(), args);
    }

    /** Same, with JVM options before the class name. */
    public static List<String> nscopeCommand(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.nscope.NscopeApplication");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The result of a command run to completion. */
    public record Result(int exit, String stdout, String stderr) {
    }

    public static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("nscope-out", ".txt");
        Path err = Files.createTempFile("nscope-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
