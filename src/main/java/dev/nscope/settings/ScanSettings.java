package dev.nscope.settings;

import dev.nscope.cgroup.ResourceThresholds;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.HostPaths;
import dev.nscope.host.InvalidHostPathException;
import dev.nscope.pid1.ExitTimes;
import dev.nscope.scan.ScanOptions;
import dev.nscope.scan.Scanner;

import java.time.Clock;

/**
 * The core's inputs made from the validated {@link NscopeProperties}: its {@link HostPaths}, its
 * {@link ScanOptions}, a {@link Scanner}. The one check left to make here is the host's: whether the
 * procfs is one ({@link HostPaths#validate()}), a one-line {@link InvalidConfigurationException} if not.
 */
public final class ScanSettings {
    private ScanSettings() {
    }

    public static HostPaths hostPaths(NscopeProperties p) {
        HostPaths paths = new HostPaths(p.procfs(), p.sysfs());
        try {
            paths.validate();
        } catch (InvalidHostPathException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        return paths;
    }

    public static ScanOptions options(NscopeProperties p, HostPaths paths) {
        NscopeProperties.RuntimeState r = p.runtime();
        NscopeProperties.Rules rules = p.rules();
        return new ScanOptions(new RuntimeDirs(r.dockerRoot(), r.containerdState(), r.containersStorage(), r.userRuntimeDir()),
                rules.disabled(), new ResourceThresholds(rules.memoryNearLimit(), rules.pidsNearLimit(), rules.cpuThrottled(),
                        rules.fdsNearLimit(), rules.pressure()),
                p.pid1().zombieGrace(), OshiNodeFacts.of(paths), Clock.systemUTC(), p.web().commandLines());
    }

    /** A scanner of the host the properties name. */
    public static Scanner scanner(NscopeProperties p) {
        return scanner(p, ExitTimes.NONE);
    }

    /** A scanner of the host the properties name, aging zombies from the exits {@code exits} knows. */
    public static Scanner scanner(NscopeProperties p, ExitTimes exits) {
        HostPaths paths = hostPaths(p);
        return new Scanner(paths, options(p, paths).withExitTimes(exits));
    }
}
