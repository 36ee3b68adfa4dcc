package dev.nscope.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

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
}
