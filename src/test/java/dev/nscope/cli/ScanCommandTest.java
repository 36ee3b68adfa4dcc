package dev.nscope.cli;

import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nscope scan} in this JVM (it starts no context) over a copy of the hybrid Docker capture with a few
 * things broken or crafted: what goes to stdout and what to stderr, the filters, the table's escaping of names
 * from outside, and the error counts of both looks.
 */
class ScanCommandTest {
    @TempDir
    static Path tmp;
    static Path root;
    /** A container name a hostile image or compose file could give: colours, a bell, a newline, a NUL, a bidi override. */
    static final String EVIL = "fx-\u001b[31mred\u0007\nline2\u0000\u202eevil";

    @BeforeAll
    static void craft() throws Exception {
        root = tmp.resolve("tree");
        assertThat(new ProcessBuilder("cp", "-a", Fixtures.unpack(Fixtures.V1_DOCKER).toString(), root.toString()).start().waitFor()).isZero();
        // fx-compose's name, as config.v2.json spells it (JSON escapes)
        Path config = root.resolve("var/lib/docker/containers/" + id("fx-compose") + "/config.v2.json");
        String json = Files.readString(config);
        assertThat(json).contains("\"Name\":\"/fx-compose\"");
        Files.writeString(config, json.replace("\"Name\":\"/fx-compose\"", "\"Name\":\"/fx-\\u001b[31mred\\u0007\\nline2\\u0000\\u202eevil\""));
        // a status file of 50 MB (read once, at first sight of the process, and refused: too large)
        Path status = root.resolve("proc/" + pid1("fx-limits") + "/status");
        Files.delete(status);
        try (RandomAccessFile f = new RandomAccessFile(status.toFile(), "rw")) {
            f.setLength(50L << 20);
        }
    }

    static String[] inspect(String name) throws Exception {
        for (String line : Files.readAllLines(root.resolve("docker-inspect.txt"))) {
            String[] f = line.split(" ", -1);
            if (f.length > 2 && f[1].equals("/" + name)) {
                return f;
            }
        }
        throw new AssertionError("no " + name);
    }

    static String id(String name) throws Exception {
        return inspect(name)[0];
    }

    static String pid1(String name) throws Exception {
        return inspect(name)[2];
    }

    record Run(int exit, String out, String err) {
    }

    static Run scan(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("scan"));
        args.addAll(List.of(options));
        args.addAll(List.of("--nscope.procfs=" + root.resolve("proc"), "--nscope.sysfs=" + root.resolve("sys"),
                "--nscope.runtime.docker-root=" + root.resolve("var/lib/docker")));
        if (args.stream().noneMatch(a -> a.startsWith("--nscope.pid1.zombie-grace="))) {
            args.add("--nscope.pid1.zombie-grace=0s");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(Object.class, CommandLine.parse(args.toArray(String[]::new)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void stdoutIsTheTableAloneAndTheSummaryGoesToStderr() throws Exception {
        Run r = scan();
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("ID ");
        assertThat(lines).hasSize(15).noneSatisfy(l -> assertThat(l).contains("containers, "));
        assertThat(r.err()).startsWith("14 containers, ");
        // REACH marks the isolation findings: the captured unshare sandbox ran as root with every capability and no seccomp
        int reach = lines.get(0).indexOf("REACH");
        assertThat(lines).filteredOn(l -> l.contains("pidns-")).singleElement()
                .satisfies(l -> assertThat(l.substring(reach)).startsWith("privileged "));
        assertThat(lines).filteredOn(l -> l.contains(" docker ")).allSatisfy(l -> assertThat(l.substring(reach)).startsWith("- "));
        Run bare = scan("--no-headers");
        assertThat(bare.out().lines().toList()).hasSize(14).noneSatisfy(l -> assertThat(l).startsWith("ID "));
    }

    /** Control characters in a name cannot reach the terminal: ESC is \e, a newline \n, BEL, NUL and the bidi override ?. */
    @Test
    void namesFromOutsideAreEscapedInTheTable() throws Exception {
        Run r = scan();
        assertThat(r.out()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u0000").doesNotContain("\u202e");
        assertThat(r.out()).contains("fx-\\e[31mred?\\nline2??evil");
        assertThat(r.out().lines()).hasSize(15);
        // the JSON document keeps the name as it is: JSON escapes it
        JsonNode doc = new ObjectMapper().readTree(scan("--format=json").out());
        List<String> names = new ArrayList<>();
        doc.get("containers").forEach(c -> names.add(c.get("name").asString(null)));
        assertThat(names).contains(EVIL);
    }

    @Test
    void filtersPickContainersInTheTableAndTheDocument() throws Exception {
        Run docker = scan("--runtime=docker");
        assertThat(docker.out().lines().skip(1)).hasSize(12).allSatisfy(l -> assertThat(l).contains(" docker "));
        assertThat(docker.err()).startsWith("12 of 14 containers, ");
        Run one = scan("--container", "fx-hostnet", "--format", "json");
        JsonNode doc = new ObjectMapper().readTree(one.out());
        assertThat(doc.get("containers")).hasSize(1);
        assertThat(doc.get("containers").get(0).get("name").asString()).isEqualTo("fx-hostnet");
        assertThat(doc.get("node").get("processes").asInt()).as("the node is the whole node").isEqualTo(26);
        String prefix = id("fx-init").substring(0, 12);
        assertThat(scan("--container=" + prefix, "--no-headers").out().lines()).singleElement().asString().startsWith(prefix);
        // no pod in this capture: nothing in any namespace, and that is not an error
        Run none = scan("--namespace=kube-system");
        assertThat(none.exit()).isZero();
        assertThat(none.out().lines()).containsExactly(none.out().lines().findFirst().orElseThrow());
        assertThat(none.err()).startsWith("0 of 14 containers, ");
    }

    /**
     * The 50 MB status is refused at the first look, which reads each process's status once; the second look
     * does not read it again. Both looks count: the document's node.scanErrors and the summary line say so.
     */
    @Test
    void whatTheFirstLookMetIsReportedToo() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(scan("--format=json").out());
        assertThat(doc.get("node").get("scanErrors").get("too_large").asLong()).isPositive();
        assertThat(scan().err().lines().findFirst().orElseThrow()).contains("scan error").contains("too_large");
    }

    /** The capture has zombies (fx-zombies): the second look waits the configured grace, and says so on stderr. */
    @Test
    void theZombieGraceWaitIsTheConfiguredOneAndIsSaid() throws Exception {
        Run r = scan("--no-headers", "--nscope.pid1.zombie-grace=1s");
        assertThat(r.exit()).isZero();
        assertThat(r.err().lines().findFirst().orElseThrow()).matches("nscope: \\d+ zombies? seen; looking again in 1\\.2s "
                + "\\(nscope\\.pid1\\.zombie-grace=1s\\) to judge whether PID 1 reaps them");
        assertThat(r.out()).doesNotContain("seen; looking again");
        assertThat(scan("--nscope.pid1.zombie-grace=0s").err()).as("no wait beyond the second look's: nothing said")
                .doesNotContain("looking again");
    }
}
