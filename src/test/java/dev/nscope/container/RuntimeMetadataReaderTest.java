package dev.nscope.container;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RuntimeMetadataReaderTest {
    static final String UID = "3f9a1c2e-7b4d-4e8a-9c1f-2d3e4f5a6b7c";

    static String idOf(String name) throws IOException {
        return Files.readString(Fixtures.unpack(Fixtures.V1_DOCKER).resolve("docker-inspect.txt")).lines()
                .filter(l -> l.contains("/" + name + " ")).findFirst().orElseThrow().split(" ")[0];
    }

    static RuntimeDirs dockerFixture() {
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        return new RuntimeDirs(root.resolve("var/lib/docker"), root.resolve("run/containerd"), List.of(), root.resolve("run/user"));
    }

    static ContainerMetadata lookup(RuntimeDirs dirs, Runtime rt, String id, String scope) {
        return new RuntimeMetadataReader(dirs).read(new CgroupClaim(rt, id, scope, null, null)).counted(new ErrorCounts());
    }

    @Test
    void dockerNameImageLabelsStopSignalAndInitFromRealConfigFiles() throws IOException {
        RuntimeDirs dirs = dockerFixture();
        ContainerMetadata stop = lookup(dirs, Runtime.DOCKER, idOf("fx-stopsig"), "/docker/x");
        assertThat(stop.name()).isEqualTo("fx-stopsig");
        assertThat(stop.image()).isEqualTo("nscope-test/busybox:1");
        assertThat(stop.stopSignal()).isEqualTo("SIGUSR1");
        assertThat(stop.dockerInit()).as("HostConfig.Init not given: the daemon default applies").isNull();
        assertThat(stop.podSandbox()).isFalse();
        assertThat(stop.source()).endsWith("config.v2.json");

        ContainerMetadata compose = lookup(dirs, Runtime.DOCKER, idOf("fx-compose"), "/docker/x");
        assertThat(compose.labels()).containsEntry("com.docker.compose.service", "api").containsEntry("com.docker.compose.project", "shop");
        assertThat(lookup(dirs, Runtime.DOCKER, idOf("fx-init"), "/docker/x").dockerInit()).isTrue();
    }

    @Test
    void missingMetadataIsEmptyAndNotAnError() {
        ErrorCounts errors = new ErrorCounts();
        ContainerMetadata m = new RuntimeMetadataReader(dockerFixture())
                .read(new CgroupClaim(Runtime.DOCKER, "e".repeat(64), "/docker/x", null, null)).counted(errors);
        assertThat(m.isEmpty()).isTrue();
        assertThat(errors.snapshot().values()).allMatch(v -> v == 0);
    }

    @Test
    void aBrokenConfigIsCountedAsMalformed(@TempDir Path dir) throws IOException {
        String id = "b".repeat(64);
        Files.createDirectories(dir.resolve("containers/" + id));
        Files.writeString(dir.resolve("containers/" + id + "/config.v2.json"), "{\"Name\":\"/half");
        ErrorCounts errors = new ErrorCounts();
        RuntimeDirs dirs = new RuntimeDirs(dir, dir.resolve("none"), List.of(), dir.resolve("none"));
        ContainerMetadata m = new RuntimeMetadataReader(dirs).read(new CgroupClaim(Runtime.DOCKER, id, "/docker/" + id, null, null)).counted(errors);
        assertThat(m.isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.MALFORMED)).isEqualTo(1);
    }

    @Test
    void containerdCriBundleAnnotations(@TempDir Path dir) throws IOException {
        String app = "c".repeat(64);
        String pause = "d".repeat(64);
        write(dir.resolve("io.containerd.runtime.v2.task/k8s.io/" + app + "/config.json"), Map.of(
                "io.kubernetes.cri.container-type", "container", "io.kubernetes.cri.container-name", "nginx",
                "io.kubernetes.cri.image-name", "docker.io/library/nginx:1.25", "io.kubernetes.cri.sandbox-name", "web-7d9c",
                "io.kubernetes.cri.sandbox-namespace", "shop", "io.kubernetes.cri.sandbox-uid", UID));
        write(dir.resolve("io.containerd.runtime.v2.task/k8s.io/" + pause + "/config.json"), Map.of(
                "io.kubernetes.cri.container-type", "sandbox", "io.kubernetes.cri.sandbox-name", "web-7d9c",
                "io.kubernetes.cri.sandbox-namespace", "shop", "io.kubernetes.cri.sandbox-uid", UID));
        RuntimeDirs dirs = new RuntimeDirs(dir.resolve("docker"), dir, List.of(), dir);
        ContainerMetadata m = lookup(dirs, Runtime.CONTAINERD, app, "/kubepods/x");
        assertThat(m.name()).isEqualTo("nginx");
        assertThat(m.containerName()).isEqualTo("nginx");
        assertThat(m.image()).isEqualTo("docker.io/library/nginx:1.25");
        assertThat(m.podName()).isEqualTo("web-7d9c");
        assertThat(m.podNamespace()).isEqualTo("shop");
        assertThat(m.podUid()).isEqualTo(UID);
        ContainerMetadata s = lookup(dirs, Runtime.CONTAINERD, pause, "/kubepods/x");
        assertThat(s.podSandbox()).isTrue();
        assertThat(s.containerName()).isNull();
        assertThat(s.name()).isEqualTo("POD");
    }

    @Test
    void crioAndRootlessPodmanBundles(@TempDir Path dir) throws IOException {
        String crio = "e".repeat(64);
        String podman = "f".repeat(64);
        Path storage = dir.resolve("run/containers/storage");
        write(storage.resolve("overlay-containers/" + crio + "/userdata/config.json"), Map.of(
                "io.kubernetes.cri-o.ContainerType", "container", "io.kubernetes.container.name", "api",
                "io.kubernetes.cri-o.ImageName", "quay.io/acme/api:2", "io.kubernetes.pod.name", "api-0",
                "io.kubernetes.pod.namespace", "prod", "io.kubernetes.pod.uid", UID));
        long user = user(dir);
        Path rootless = dir.resolve("run/user/" + user + "/containers/overlay-containers/" + podman + "/userdata/config.json");
        write(rootless, Map.of("io.container.manager", "libpod", "org.opencontainers.image.stopSignal", "SIGQUIT"));
        // rootless podman's files belong to the user
        chown(rootless, user);
        RuntimeDirs dirs = new RuntimeDirs(dir.resolve("docker"), dir.resolve("containerd"), List.of(storage), dir.resolve("run/user"));
        ContainerMetadata c = lookup(dirs, Runtime.CRIO, crio, "/kubepods.slice/x");
        assertThat(c.name()).isEqualTo("api");
        assertThat(c.image()).isEqualTo("quay.io/acme/api:2");
        assertThat(c.podNamespace()).isEqualTo("prod");
        ContainerMetadata p = lookup(dirs, Runtime.PODMAN, podman,
                "/user.slice/user-" + user + ".slice/user@" + user + ".service/user.slice/libpod-" + podman + ".scope");
        assertThat(p.isEmpty()).isFalse();
        assertThat(p.stopSignal()).isEqualTo("SIGQUIT");
    }

    @Test
    void onlyValidatedIdsBecomePaths(@TempDir Path dir) throws IOException {
        // a config outside the state dir that a crafted id would point at
        Files.createDirectories(dir.resolve("secret"));
        Files.writeString(dir.resolve("secret/config.v2.json"), "{\"Name\":\"/leak\"}");
        RuntimeDirs dirs = new RuntimeDirs(dir.resolve("docker"), dir, List.of(dir), dir);
        for (Runtime rt : Runtime.values()) {
            assertThat(lookup(dirs, rt, "../../secret", "/x").isEmpty()).as(rt.label()).isTrue();
        }
    }

    /** The uid of a rootless podman user in these tests: 1000 when the tests run as root (files are chowned), else our own. */
    static long user(Path dir) throws IOException {
        long self = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        return self == 0 ? 1000 : self;
    }

    /** Gives the file (not what a link points to) to {@code uid}. */
    static void chown(Path file, long uid) throws IOException {
        if (((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() != uid) {
            Files.setAttribute(file, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        }
    }

    static void write(Path file, Map<String, String> annotations) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder("{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/pause\"]},\"annotations\":{");
        annotations.forEach((k, v) -> sb.append('"').append(k).append("\":\"").append(v).append("\","));
        sb.setLength(sb.length() - 1);
        Files.writeString(file, sb.append("}}").toString());
    }
}
