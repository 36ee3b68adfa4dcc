package dev.nscope.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The {@code nscope.*} properties (environment {@code NSCOPE_…}, or {@code --nscope.x=y}). */
@ConfigurationProperties("nscope")
public class NscopeProperties {
    /** The host's procfs ({@code /host/proc} in the DaemonSet, a fixture tree in tests). */
    private Path procfs = Path.of("/proc");
    /** The host's sysfs; cgroups are read under {@code ${sysfs}/fs/cgroup}. */
    private Path sysfs = Path.of("/sys");
    /** Time between background scans. */
    private Duration scanInterval = Duration.ofSeconds(10);
    private final Pid1 pid1 = new Pid1();
    private final RuntimeState runtime = new RuntimeState();
    private final Rules rules = new Rules();
    private final History history = new History();
    private final Web web = new Web();

    public Path getProcfs() {
        return procfs;
    }

    public void setProcfs(Path procfs) {
        this.procfs = procfs;
    }

    public Path getSysfs() {
        return sysfs;
    }

    public void setSysfs(Path sysfs) {
        this.sysfs = sysfs;
    }

    public Duration getScanInterval() {
        return scanInterval;
    }

    public void setScanInterval(Duration scanInterval) {
        this.scanInterval = scanInterval;
    }

    public Pid1 getPid1() {
        return pid1;
    }

    public RuntimeState getRuntime() {
        return runtime;
    }

    public Rules getRules() {
        return rules;
    }

    public History getHistory() {
        return history;
    }

    /** The short per-container history the web page charts ({@code /actuator/containers/{id}/history}). */
    public static class History {
        /** Points kept per container, one per scan (120 at the default 10s interval: 20 minutes). */
        private int points = 120;

        public int getPoints() {
            return points;
        }

        public void setPoints(int points) {
            this.points = points;
        }
    }

    public Web getWeb() {
        return web;
    }

    /** Who may read what over HTTP. */
    public static class Web {
        /**
         * Adds each process's command line ({@code cmdline}) to the process list of
         * {@code /actuator/containers/{id}}. Off by default: command lines carry secrets, and when off none is read.
         */
        private boolean commandLines = false;
        /**
         * A web configuration file in the format of the Prometheus exporters ({@code tls_server_config},
         * {@code basic_auth_users} with bcrypt hashes); none by default (plain HTTP, no authentication).
         */
        private Path configFile;

        public boolean isCommandLines() {
            return commandLines;
        }

        public void setCommandLines(boolean commandLines) {
            this.commandLines = commandLines;
        }

        public Path getConfigFile() {
            return configFile;
        }

        public void setConfigFile(Path configFile) {
            this.configFile = configFile;
        }
    }

    public static class Pid1 {
        /** A zombie counts as unreaped only when seen again at least this long after it was first seen. */
        private Duration zombieGrace = Duration.ofSeconds(5);

        public Duration getZombieGrace() {
            return zombieGrace;
        }

        public void setZombieGrace(Duration zombieGrace) {
            this.zombieGrace = zombieGrace;
        }
    }

    /** Where the runtimes keep their state; read-only. */
    public static class RuntimeState {
        /** Docker's data root ({@code containers/<id>/config.v2.json}). */
        private Path dockerRoot = Path.of("/var/lib/docker");
        /** containerd's state directory (OCI bundles under {@code io.containerd.runtime.v2.task}). */
        private Path containerdState = Path.of("/run/containerd");
        /** containers/storage roots of CRI-O and podman. */
        private List<Path> containersStorage = new ArrayList<>(List.of(Path.of("/run/containers/storage"),
                Path.of("/var/lib/containers/storage")));
        /** Parent of the users' runtime dirs, for rootless podman. */
        private Path userRuntimeDir = Path.of("/run/user");

        public Path getDockerRoot() {
            return dockerRoot;
        }

        public void setDockerRoot(Path dockerRoot) {
            this.dockerRoot = dockerRoot;
        }

        public Path getContainerdState() {
            return containerdState;
        }

        public void setContainerdState(Path containerdState) {
            this.containerdState = containerdState;
        }

        public List<Path> getContainersStorage() {
            return containersStorage;
        }

        public void setContainersStorage(List<Path> containersStorage) {
            this.containersStorage = containersStorage;
        }

        public Path getUserRuntimeDir() {
            return userRuntimeDir;
        }

        public void setUserRuntimeDir(Path userRuntimeDir) {
            this.userRuntimeDir = userRuntimeDir;
        }
    }

    public static class Rules {
        /** Rule ids that are not evaluated. */
        private Set<String> disabled = new LinkedHashSet<>();
        /** memory-near-limit: working set over this share of the memory limit. */
        private double memoryNearLimit = 0.9;
        /** pids-near-limit: tasks over this share of pids.max. */
        private double pidsNearLimit = 0.9;
        /** cpu-throttled: throttled share of the CFS periods between two scans. */
        private double cpuThrottled = 0.25;

        public double getMemoryNearLimit() {
            return memoryNearLimit;
        }

        public void setMemoryNearLimit(double memoryNearLimit) {
            this.memoryNearLimit = memoryNearLimit;
        }

        public double getPidsNearLimit() {
            return pidsNearLimit;
        }

        public void setPidsNearLimit(double pidsNearLimit) {
            this.pidsNearLimit = pidsNearLimit;
        }

        public double getCpuThrottled() {
            return cpuThrottled;
        }

        public void setCpuThrottled(double cpuThrottled) {
            this.cpuThrottled = cpuThrottled;
        }

        public Set<String> getDisabled() {
            return disabled;
        }

        public void setDisabled(Set<String> disabled) {
            this.disabled = disabled;
        }
    }
}
