package dev.nscope.host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one configurable root of everything nscope reads: the host's procfs and sysfs.
 * In a DaemonSet they are {@code /host/proc} and {@code /host/sys}; in tests, a fixture tree.
 * No other code names {@code /proc} or {@code /sys}.
 */
public final class HostPaths {
    private final Path procfs;
    private final Path sysfs;
    private final String procPrefix;

    public HostPaths(Path procfs, Path sysfs) {
        this.procfs = procfs.toAbsolutePath().normalize();
        this.sysfs = sysfs.toAbsolutePath().normalize();
        this.procPrefix = this.procfs.toString().endsWith("/") ? this.procfs.toString() : this.procfs + "/";
    }

    /** The live host: {@code /proc} and {@code /sys}. */
    public static HostPaths live() {
        return new HostPaths(Path.of("/proc"), Path.of("/sys"));
    }

    public Path procfs() {
        return procfs;
    }

    public Path sysfs() {
        return sysfs;
    }

    /** {@code ${sysfs}/fs/cgroup}: where the cgroup hierarchies are mounted. */
    public Path cgroupRoot() {
        return sysfs.resolve("fs/cgroup");
    }

    /** A file of the procfs as a plain string path, e.g. {@code proc("loadavg")}. */
    public String proc(String relative) {
        return procPrefix + relative;
    }

    /** {@code ${procfs}/<pid>/<file>} as a plain string path (the hot path of a scan builds these). */
    public String pidFile(int pid, String file) {
        return procPrefix + pid + '/' + file;
    }

    /** The procfs directory of a process. */
    public String pidDir(int pid) {
        return procPrefix + pid;
    }

    /**
     * Checks that the procfs looks like one: a directory with at least one numeric process directory
     * holding a {@code stat} file. Throws {@link InvalidHostPathException} with a one-line reason.
     */
    public void validate() {
        if (!Files.isDirectory(procfs)) {
            throw new InvalidHostPathException("nscope.procfs " + procfs + " is not a directory");
        }
        String[] names = procfs.toFile().list();
        boolean found = false;
        if (names != null) {
            for (String n : names) {
                if (Pids.parse(n) > 0 && Files.isRegularFile(procfs.resolve(n).resolve("stat"))) {
                    found = true;
                    break;
                }
            }
        }
        if (!found) {
            throw new InvalidHostPathException("nscope.procfs " + procfs + " is not a procfs (no <pid>/stat entries)");
        }
        if (!Files.isDirectory(sysfs)) {
            throw new InvalidHostPathException("nscope.sysfs " + sysfs + " is not a directory");
        }
    }

    @Override
    public String toString() {
        return "HostPaths[procfs=" + procfs + ", sysfs=" + sysfs + "]";
    }
}
