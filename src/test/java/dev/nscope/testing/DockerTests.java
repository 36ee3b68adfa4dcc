package dev.nscope.testing;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import dev.nscope.isolation.Capabilities;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Real Docker containers for tests, from the local image {@code .ci/test-image.sh} builds (nothing can
 * be pulled here). Without Docker or the image the test is skipped, except in CI where it fails.
 */
public final class DockerTests {
    public static final String IMAGE = "nscope-test/busybox:1";

    private DockerTests() {
    }

    public static void requireDocker() {
        Live.requireRoot();
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        Live.require(docker, "a Docker engine is needed (.ci/run starts dockerd)");
        boolean image;
        try {
            DockerClientFactory.instance().client().inspectImageCmd(IMAGE).exec();
            image = true;
        } catch (RuntimeException e) {
            image = false;
        }
        Live.require(image, "the image " + IMAGE + " is needed (.ci/test-image.sh builds it)");
    }

    /** A container of the test image without networking, named {@code name}, running {@code command}. */
    @SuppressWarnings("resource")
    public static GenericContainer<?> container(String name, String... command) {
        return new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("none")
                .withCreateContainerCmdModifier(c -> c.withName(name))
                .withCommand(command);
    }

    /** Same, with a change to the host config (pid mode, init, limits …). */
    public static GenericContainer<?> container(String name, Consumer<com.github.dockerjava.api.model.HostConfig> host,
                                                String... command) {
        return new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("none")
                .withCreateContainerCmdModifier(c -> {
                    c.withName(name);
                    host.accept(c.getHostConfig());
                })
                .withCommand(command);
    }

    /**
     * A host config that makes a container privileged as the agent judges it: {@code --privileged} where this
     * process's bounding set is full; where it is not (a test run inside a container that lacks a capability, which
     * Docker then cannot grant), every capability this process holds up to CAP_AUDIT_READ with seccomp unconfined,
     * which is the same in effect (CAP_SYS_ADMIN, seccomp disabled, the host's user namespace).
     */
    public static void privileged(HostConfig h) {
        try {
            long bounding = Long.parseLong(Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().substring(7).trim(), 16);
            int lastCap = Integer.parseInt(Files.readString(Path.of("/proc/sys/kernel/cap_last_cap")).trim());
            if (bounding == Capabilities.all(lastCap)) {
                h.withPrivileged(true);
                return;
            }
            List<Capability> grantable = new ArrayList<>();
            for (Capability cap : Capability.values()) {
                int bit = Capabilities.bit("CAP_" + cap.name());
                // bits up to CAP_AUDIT_READ (37): a Docker older than 20.10.? refuses the names of CAP_BPF and later
                if (bit >= 0 && bit <= Capabilities.bit("CAP_AUDIT_READ") && (bounding & (1L << bit)) != 0) {
                    grantable.add(cap);
                }
            }
            h.withCapAdd(grantable.toArray(new Capability[0])).withSecurityOpts(List.of("seccomp=unconfined"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
