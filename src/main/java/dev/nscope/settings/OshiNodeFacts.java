package dev.nscope.settings;

import dev.nscope.host.HostPaths;
import dev.nscope.scan.NodeFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.util.GlobalConfig;
import oshi.util.platform.linux.ProcPath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The node's memory, logical CPUs and boot time from OSHI, pointed at the host's procfs and sysfs
 * (the DaemonSet's {@code /host/proc}), and its OS from the host's own {@code os-release} (through
 * PID 1's root: the agent's image has another one). OSHI fixes its paths once per JVM, when its
 * classes load: a JVM that already set others (tests scanning several trees) gets what still applies.
 */
public final class OshiNodeFacts {
    private static final Logger log = LoggerFactory.getLogger(OshiNodeFacts.class);

    private OshiNodeFacts() {
    }

    public static synchronized NodeFacts of(HostPaths paths) {
        GlobalConfig.set(GlobalConfig.OSHI_UTIL_PROC_PATH, paths.procfs().toString());
        GlobalConfig.set(GlobalConfig.OSHI_UTIL_SYS_PATH, paths.sysfs().toString());
        String os = osRelease(paths);
        if (!Path.of(ProcPath.PROC).normalize().equals(paths.procfs())) {
            log.debug("OSHI already reads {}, not {}: node memory, CPUs and boot time left unknown", ProcPath.PROC, paths.procfs());
            return new NodeFacts(null, null, null, os);
        }
        try {
            SystemInfo si = new SystemInfo();
            long memory = si.getHardware().getMemory().getTotal();
            int cpus = si.getHardware().getProcessor().getLogicalProcessorCount();
            long boot = si.getOperatingSystem().getSystemBootTime();
            return new NodeFacts(memory > 0 ? memory : null, cpus > 0 ? cpus : null,
                    boot > 0 ? Instant.ofEpochSecond(boot) : null, os);
        } catch (RuntimeException | LinkageError e) {
            log.warn("node facts unavailable: {}", e.toString());
            return new NodeFacts(null, null, null, os);
        }
    }

    /** PRETTY_NAME of the host's os-release, seen through PID 1's root; null when unreadable. */
    static String osRelease(HostPaths paths) {
        for (String f : new String[] {"1/root/etc/os-release", "1/root/usr/lib/os-release"}) {
            try {
                for (String line : Files.readAllLines(Path.of(paths.proc(f)))) {
                    if (line.startsWith("PRETTY_NAME=")) {
                        return line.substring("PRETTY_NAME=".length()).replace("\"", "").trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no rights to PID 1's root, or not a live procfs
            }
        }
        return null;
    }
}
