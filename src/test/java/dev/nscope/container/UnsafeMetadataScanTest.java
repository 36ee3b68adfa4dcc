package dev.nscope.container;

import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code scan} command (its own JVM) over the captured Docker host, with a copy of its
 * {@code /var/lib/docker} where one container's {@code config.v2.json} is a FIFO, one is larger than the
 * cap and one is a symbolic link to a root-only file. The scan completes, all containers are listed, those
 * three without a name, and the refusals are counted (too_large, io).
 */
class UnsafeMetadataScanTest {
    @TempDir
    Path dir;

    static String idOf(String name) throws Exception {
        return RuntimeMetadataReaderTest.idOf(name);
    }

    @Test
    void aFifoAnOversizedFileAndASymlinkLeaveTheScanWhole() throws Exception {
        Path root = Fixtures.unpack(Fixtures.V1_DOCKER);
        Path docker = dir.resolve("docker");
        assertThat(new ProcessBuilder("cp", "-a", root.resolve("var/lib/docker").toString(), docker.toString()).inheritIO().start()
                .waitFor()).isZero();
        Path containers = docker.resolve("containers");
        Path fifo = containers.resolve(idOf("fx-plain")).resolve("config.v2.json");
        Files.delete(fifo);
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        try (RandomAccessFile f = new RandomAccessFile(containers.resolve(idOf("fx-init")).resolve("config.v2.json").toFile(), "rw")) {
            f.setLength(RuntimeMetadataReader.MAX_FILE + 1L);
        }
        Path secret = Files.writeString(dir.resolve("secret.json"), "{\"Name\":\"/pwned-secret\",\"Config\":{\"Image\":\"pwned\"}}");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path link = containers.resolve(idOf("fx-stopsig")).resolve("config.v2.json");
        Files.delete(link);
        Files.createSymbolicLink(link, secret);

        long t0 = System.nanoTime();
        Live.Result r = Live.run(Live.nscopeCommand("scan", "--format=json", "--nscope.procfs=" + root.resolve("proc"),
                "--nscope.sysfs=" + root.resolve("sys"), "--nscope.runtime.docker-root=" + docker, "--nscope.pid1.zombie-grace=0s"), 120);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("scan with a FIFO, an oversized file and a symlink: exit %d in %.1f s%n", r.exit(), seconds);
        assertThat(r.exit()).as(r.stderr()).isZero();

        JsonNode doc = new JsonMapper().readTree(r.stdout());
        Map<String, String> names = new HashMap<>();
        for (JsonNode c : doc.get("containers")) {
            names.put(c.get("id").asString(), c.get("name").isNull() ? null : c.get("name").asString());
        }
        assertThat(names).as("every container is still listed").hasSize(14);
        for (String refused : new String[] {"fx-plain", "fx-init", "fx-stopsig"}) {
            assertThat(names).as(refused).containsEntry(idOf(refused), null);
        }
        assertThat(names).containsEntry(idOf("fx-hostnet"), "fx-hostnet").containsEntry(idOf("fx-compose"), "fx-compose");
        assertThat(r.stdout()).doesNotContain("pwned");
        JsonNode errors = doc.get("node").get("scanErrors");
        assertThat(errors.get("too_large").asLong()).as(errors.toString()).isEqualTo(1);
        assertThat(errors.get("io").asLong()).as("the FIFO and the link: " + errors).isGreaterThanOrEqualTo(2);
    }
}
