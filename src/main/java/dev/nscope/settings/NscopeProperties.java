package dev.nscope.settings;

import jakarta.validation.GroupSequence;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code nscope.*} properties (environment {@code NSCOPE_…}, or {@code --nscope.x=y}), bound once and
 * checked by Bean Validation before anything uses them. Each constraint's message is the whole line a
 * user reads ({@link ConfigurationProblem}: one line on stderr, exit 2), so it names the property as
 * users write it. A property given empty keeps its default. Whether the procfs is one is a question for
 * the host, asked when the scanner is made ({@link ScanSettings#hostPaths}). The descriptions below
 * become the configuration metadata (IDE completion); a test keeps docs/configuration.md's table in step
 * with it.
 *
 * @param procfs       the host's procfs (/host/proc in the DaemonSet, a fixture tree in tests)
 * @param sysfs        the host's sysfs; cgroups are read under ${nscope.sysfs}/fs/cgroup
 * @param scanInterval time between background scans, at least 100ms
 * @param pid1         how PID 1 is judged
 * @param runtime      where the runtimes keep their state, read-only
 * @param rules        which finding rules run, and when the resource rules fire
 * @param history      the short per-container history the web page charts
 * @param web          who may read what over HTTP
 * @param metrics      what the per-container series carry
 * @param events       the kernel's process events and the ring of container events
 */
@ConfigurationProperties("nscope")
@Validated
// a scan interval of 0 is reported as not positive, not as under 100ms: the range checks come second
@GroupSequence({NscopeProperties.class, NscopeProperties.Ranges.class})
public record NscopeProperties(
        @DefaultValue("/proc") Path procfs,
        @DefaultValue("/sys") Path sysfs,
        @DurationMin(inclusive = false, message = "nscope.scan-interval must be positive (got ${validatedValue})")
        @DurationMin(millis = 100, groups = Ranges.class,
                message = "nscope.scan-interval must be at least 100ms (got ${validatedValue})")
        @DefaultValue("10s") Duration scanInterval,
        @Valid @DefaultValue Pid1 pid1,
        @Valid @DefaultValue RuntimeState runtime,
        @Valid @DefaultValue Rules rules,
        @Valid @DefaultValue History history,
        @Valid @DefaultValue Web web,
        @Valid @DefaultValue Metrics metrics,
        @Valid @DefaultValue Events events) {

    /**
     * The kernel's process events and the ring of container events.
     *
     * @param enabled  listen to the kernel's process events connector (it needs the host's pid and user namespaces,
     *                 and CAP_NET_ADMIN before Linux 6.6); off: polling alone, new containers seen at the next scan
     * @param capacity container events kept for /actuator/containers/events (1 to 100000); the oldest go first
     */
    public record Events(
            @DefaultValue("true") boolean enabled,
            @Min(value = 1, message = CAPACITY) @Max(value = 100_000, message = CAPACITY) @DefaultValue("1000") int capacity) {
        static final String CAPACITY = "nscope.events.capacity must be between 1 and 100000 (got ${validatedValue})";
    }

    /**
     * What the per-container series carry besides id, name, runtime and the Kubernetes names.
     *
     * @param extraLabels labels added to every per-container series, for queries ported from cAdvisor: image,
     *                    cgroup_path, pod_uid; none by default (each multiplies nothing, but lengthens every series)
     */
    public record Metrics(List<@jakarta.validation.constraints.Pattern(regexp = "image|cgroup_path|pod_uid", message = EXTRA)
            String> extraLabels) {
        static final String EXTRA = "nscope.metrics.extra-labels: unknown label '${validatedValue}' (known: image, cgroup_path, pod_uid)";

        public Metrics {
            extraLabels = extraLabels == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(extraLabels));
        }
    }

    /** The checks made only once the basic ones passed. */
    public interface Ranges {
    }

    /**
     * How PID 1 is judged.
     *
     * @param zombieGrace a zombie counts as unreaped only when seen again at least this long after it was
     *                    first seen; scan takes its second look after this grace only when the first look
     *                    found zombies
     */
    public record Pid1(
            @DurationMin(message = "nscope.pid1.zombie-grace must not be negative (got ${validatedValue})")
            @DefaultValue("5s") Duration zombieGrace) {
    }

    /**
     * Where the runtimes keep their state; read-only.
     *
     * @param dockerRoot        Docker's data root (containers/{id}/config.v2.json)
     * @param containerdState   containerd's state dir (OCI bundles under io.containerd.runtime.v2.task)
     * @param containersStorage containers/storage roots of CRI-O and podman
     * @param userRuntimeDir    parent of the users' runtime dirs, for rootless podman
     */
    public record RuntimeState(
            @DefaultValue("/var/lib/docker") Path dockerRoot,
            @DefaultValue("/run/containerd") Path containerdState,
            @DefaultValue("/run/containers/storage,/var/lib/containers/storage")
            List<@NotNull(message = "nscope.runtime.containers-storage has an empty entry") Path> containersStorage,
            @DefaultValue("/run/user") Path userRuntimeDir) {

        public RuntimeState {
            containersStorage = containersStorage == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(containersStorage));
        }
    }

    /**
     * Which finding rules run, and when the resource rules fire.
     *
     * @param disabled        rule ids not to evaluate
     * @param memoryNearLimit share of the memory limit the working set must pass for memory-near-limit
     * @param pidsNearLimit   share of pids.max for pids-near-limit
     * @param cpuThrottled    throttled share of CFS periods between two scans for cpu-throttled
     * @param fdsNearLimit    share of a process's soft open-files limit its descriptors must pass for fds-near-limit
     * @param pressure        PSI some avg60 (percent) a resource must pass for pressure-stalled
     */
    public record Rules(
            Set<@KnownRule String> disabled,
            @DecimalMin(value = "0", inclusive = false, message = MEMORY) @DecimalMax(value = "1", message = MEMORY)
            @DefaultValue("0.9") double memoryNearLimit,
            @DecimalMin(value = "0", inclusive = false, message = PIDS) @DecimalMax(value = "1", message = PIDS)
            @DefaultValue("0.9") double pidsNearLimit,
            @DecimalMin(value = "0", inclusive = false, message = CPU) @DecimalMax(value = "1", message = CPU)
            @DefaultValue("0.25") double cpuThrottled,
            @DecimalMin(value = "0", inclusive = false, message = FDS) @DecimalMax(value = "1", message = FDS)
            @DefaultValue("0.9") double fdsNearLimit,
            @DecimalMin(value = "0", inclusive = false, message = PRESSURE) @DecimalMax(value = "100", message = PRESSURE)
            @DefaultValue("25") double pressure) {
        static final String MEMORY = "nscope.rules.memory-near-limit must be a share in (0, 1] (got ${validatedValue})";
        static final String PIDS = "nscope.rules.pids-near-limit must be a share in (0, 1] (got ${validatedValue})";
        static final String CPU = "nscope.rules.cpu-throttled must be a share in (0, 1] (got ${validatedValue})";
        static final String FDS = "nscope.rules.fds-near-limit must be a share in (0, 1] (got ${validatedValue})";
        static final String PRESSURE = "nscope.rules.pressure must be a percentage in (0, 100] (got ${validatedValue})";

        /** Keeps the order the ids were given in. */
        public Rules {
            disabled = disabled == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(disabled));
        }
    }

    /**
     * The short per-container history the web page charts (/actuator/containers/{id}/history).
     *
     * @param points points of history kept per container, one per scan (2 to 10000; 120 at the default
     *               10s interval: 20 minutes); a rate needs two
     */
    public record History(
            @Min(value = 2, message = POINTS) @Max(value = 10_000, message = POINTS) @DefaultValue("120") int points) {
        static final String POINTS = "nscope.history.points must be between 2 and 10000 (got ${validatedValue})";
    }

    /**
     * Who may read what over HTTP.
     *
     * @param commandLines add each process's command line to /actuator/containers/{id}; off by default:
     *                     command lines carry secrets, and when off none is read
     * @param configFile   exporter-style web config (tls_server_config, basic_auth_users with bcrypt hashes);
     *                     none by default: plain HTTP, no authentication
     */
    public record Web(boolean commandLines, Path configFile) {
    }
}
