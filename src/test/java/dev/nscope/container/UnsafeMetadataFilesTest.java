package dev.nscope.container;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.nscope.container.RuntimeMetadataReaderTest.chown;
import static dev.nscope.container.RuntimeMetadataReaderTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Metadata files a user can place (issue 18, defect 2): a FIFO, a symbolic link, a file of someone else in a
 * user's runtime dir, an oversized file. Each is refused unread, without blocking, and counted; the
 * container stays without a name. The scan-level view of the same files: UnsafeMetadataScanTest.
 */
class UnsafeMetadataFilesTest {
    static final String ID = "a1".repeat(32);
    static final Duration BOUND = Duration.ofSeconds(10);
    static final String SECRET = "{\"Name\":\"/pwned-secret\",\"Config\":{\"Image\":\"pwned\"},"
            + "\"annotations\":{\"io.podman.annotations.name\":\"pwned-secret\"}}";

    @TempDir
    Path dir;

    RuntimeDirs dirs() {
        return new RuntimeDirs(dir.resolve("docker"), dir.resolve("containerd"), List.of(dir.resolve("storage")), dir.resolve("run/user"));
    }

    ContainerMetadata lookup(Runtime rt, String scope, ErrorCounts errors) {
        return bounded(() -> new RuntimeMetadataReader(dirs()).read(new CgroupClaim(rt, ID, scope, null, null)).counted(errors));
    }

    /** FIFOs made by the test: after each test a reader stuck on one (a regression) is released, so it fails, not hangs. */
    final List<Path> fifos = new java.util.ArrayList<>();

    <T> T bounded(org.junit.jupiter.api.function.ThrowingSupplier<T> lookup) {
        return assertTimeoutPreemptively(BOUND, lookup, "the lookup returns (a FIFO must not block it)");
    }

    @org.junit.jupiter.api.AfterEach
    void releaseStuckReaders() throws IOException {
        for (Path f : fifos) {
            // opening a FIFO read-write never blocks on Linux and lets a blocked open for reading return
            new RandomAccessFile(f.toFile(), "rw").close();
        }
    }

    ContainerMetadata docker(ErrorCounts errors) {
        return lookup(Runtime.DOCKER, "/docker/" + ID, errors);
    }

    ContainerMetadata podman(long uid, ErrorCounts errors) {
        return lookup(Runtime.PODMAN, "/user.slice/user-" + uid + ".slice/user@" + uid + ".service/user.slice/libpod-" + ID + ".scope",
                errors);
    }

    Path dockerDir() throws IOException {
        return Files.createDirectories(dir.resolve("docker/containers/" + ID));
    }

    Path userBundle(long uid) {
        return dir.resolve("run/user/" + uid + "/containers/overlay-containers/" + ID + "/userdata/config.json");
    }

    void mkfifo(Path p) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", p.toString()).inheritIO().start().waitFor()).isZero();
        fifos.add(p);
    }

    /** A file only root may read, holding what must never be shown. */
    Path rootOnlySecret() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.json"), SECRET);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        return secret;
    }

    @Test
    void aFifoAtConfigV2JsonIsRefusedWithoutBlocking() throws Exception {
        mkfifo(dockerDir().resolve("config.v2.json"));
        ErrorCounts errors = new ErrorCounts();
        assertThat(docker(errors).isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.IO)).isEqualTo(1);
    }

    @Test
    void aFifoAtHostconfigJsonLeavesTheNameAndIsRefused() throws Exception {
        Path d = dockerDir();
        Files.writeString(d.resolve("config.v2.json"), "{\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx\",\"Labels\":{}}}");
        mkfifo(d.resolve("hostconfig.json"));
        ErrorCounts errors = new ErrorCounts();
        ContainerMetadata m = docker(errors);
        assertThat(m.name()).isEqualTo("web");
        assertThat(m.dockerInit()).isNull();
        assertThat(errors.get(ErrorKind.IO)).isEqualTo(1);
    }

    @Test
    void aFifoAtARootlessPodmanConfigIsRefusedWithoutBlocking() throws Exception {
        long uid = RuntimeMetadataReaderTest.user(dir);
        Files.createDirectories(userBundle(uid).getParent());
        mkfifo(userBundle(uid));
        chown(userBundle(uid), uid);
        ErrorCounts errors = new ErrorCounts();
        assertThat(podman(uid, errors).isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.IO)).isEqualTo(1);
    }

    @Test
    void aSymlinkAtConfigV2JsonIsNotFollowed() throws Exception {
        Files.createSymbolicLink(dockerDir().resolve("config.v2.json"), rootOnlySecret());
        ErrorCounts errors = new ErrorCounts();
        ContainerMetadata m = docker(errors);
        assertThat(m.isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.IO)).isEqualTo(1);
    }

    @Test
    void aUsersSymlinkToARootOnlyFileIsNotFollowedAndItsContentNeverShown() throws Exception {
        Live.requireRoot();
        long uid = 1000;
        Path secret = rootOnlySecret();
        Path link = userBundle(uid);
        Files.createDirectories(link.getParent());
        for (Path p = link.getParent(); !p.equals(dir.resolve("run/user")); p = p.getParent()) {
            chown(p, uid);
        }
        Files.createSymbolicLink(link, secret);
        chown(link, uid);
        ErrorCounts errors = new ErrorCounts();
        ContainerMetadata m = podman(uid, errors);
        assertThat(m.isEmpty()).isTrue();
        assertThat(m.name()).isNull();
        assertThat(m.labels()).isEmpty();
        assertThat(errors.get(ErrorKind.IO)).as("counted as a refused file").isEqualTo(1);

        // control: the same bytes as the user's own regular file are read (so the refusal above is the link's)
        Files.delete(link);
        Files.writeString(link, SECRET);
        chown(link, uid);
        assertThat(podman(uid, new ErrorCounts()).name()).isEqualTo("pwned-secret");
    }

    @Test
    void aFileInAUsersRuntimeDirThatTheUserDoesNotOwnIsNotRead() throws Exception {
        Live.requireRoot();
        long uid = 1000;
        write(userBundle(uid), Map.of("io.podman.annotations.name", "planted"));
        ErrorCounts errors = new ErrorCounts();
        ContainerMetadata m = podman(uid, errors);
        assertThat(Files.getAttribute(userBundle(uid), "unix:uid")).as("root's file").isEqualTo(0);
        assertThat(m.isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.PERMISSION)).isEqualTo(1);

        chown(userBundle(uid), uid);
        assertThat(podman(uid, new ErrorCounts()).name()).as("the user's own file is read").isEqualTo("planted");
    }

    @Test
    void aUsersDirectoryLinkedToSomeoneElsesStorageLeadsToNothing() throws Exception {
        Live.requireRoot();
        long uid = 1000;
        // root's (not a configured storage root): the user links their containers dir there
        Path elsewhere = dir.resolve("elsewhere");
        write(elsewhere.resolve("overlay-containers/" + ID + "/userdata/config.json"), Map.of("io.podman.annotations.name", "roots"));
        Path userDir = Files.createDirectories(dir.resolve("run/user/" + uid));
        chown(userDir, uid);
        Path containers = Files.createSymbolicLink(userDir.resolve("containers"), elsewhere);
        chown(containers, uid);
        ErrorCounts errors = new ErrorCounts();
        assertThat(podman(uid, errors).isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.PERMISSION)).isEqualTo(1);
    }

    @Test
    void anOversizedConfigIsRefusedAsTooLarge() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dockerDir().resolve("config.v2.json").toFile(), "rw")) {
            f.write("{\"Name\":\"/big\"}".getBytes());
            f.setLength(RuntimeMetadataReader.MAX_FILE + 1L);
        }
        ErrorCounts errors = new ErrorCounts();
        assertThat(docker(errors).isEmpty()).isTrue();
        assertThat(errors.get(ErrorKind.TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void aRefusalIsCountedInEveryScanThatUsesTheCachedResult() throws Exception {
        mkfifo(dockerDir().resolve("config.v2.json"));
        RuntimeMetadataReader reader = new RuntimeMetadataReader(dirs());
        CgroupClaim claim = new CgroupClaim(Runtime.DOCKER, ID, "/docker/" + ID, null, null);
        for (long pass = 0; pass < 3; pass++) {
            ErrorCounts errors = new ErrorCounts();
            long now = pass * 1_000_000_000L;
            assertThat(bounded(() -> reader.read(claim).counted(errors)).isEmpty()).isTrue();
            assertThat(errors.get(ErrorKind.IO)).as("pass " + pass).isEqualTo(1);
        }
    }
}
