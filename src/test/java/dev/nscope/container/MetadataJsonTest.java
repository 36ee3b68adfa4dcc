package dev.nscope.container;

import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import dev.nscope.testing.Mutations;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nscope.container.MetadataJson.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runtime-metadata JSON reader (jackson-core's streaming parser, strict and bounded). */
class MetadataJsonTest {
    static final List<List<String>> ALL = List.of(path("Name"), path("Config", "Labels"), path("Config", "Env"),
            path("Config", "Tty"), path("Pid"), path("Ratio"), path("Nothing"), path("Esc"), path("Utf"),
            path("Config", "Missing", "Deeper"));

    static MetadataJson.Fields read(String json, List<List<String>> wanted) throws MalformedFileException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return MetadataJson.read(b, b.length, wanted);
    }

    @Test
    void parsesTheShapesRuntimeFilesUse() throws MalformedFileException {
        MetadataJson.Fields v = read("{\"Name\":\"/web\",\"Config\":{\"Labels\":{\"a\":\"b\",\"n\":1,\"o\":{\"x\":\"y\"}},\"Env\":[\"X=1\"],"
                + "\"Tty\":false},\"Pid\":123,\"Ratio\":-1.5e3,\"Nothing\":null,\"Esc\":\"q\\\"\\u00e9\\n\\/\",\"Utf\":\"ü\"}", ALL);
        assertThat(v.string(path("Name"))).isEqualTo("/web");
        assertThat(v.strings(path("Config", "Labels"))).as("only string members").isEqualTo(Map.of("a", "b"));
        assertThat(v.bool(path("Config", "Tty"))).isFalse();
        assertThat(v.string(path("Esc"))).isEqualTo("q\"é\n/");
        assertThat(v.string(path("Utf"))).isEqualTo("ü");
        assertThat(v.string(path("Nothing"))).isNull();
        assertThat(v.string(path("Config", "Missing", "Deeper"))).isNull();
        assertThat(v.string(path("Pid"))).as("a number is not a string").isNull();
        assertThat(v.strings(path("Name"))).as("a string is not an object").isEmpty();
        assertThat(v.values()).as("arrays, numbers and nulls are not kept").containsOnlyKeys(path("Name"), path("Config", "Labels"),
                path("Config", "Tty"), path("Esc"), path("Utf"));
    }

    @Test
    void onlyWantedPathsAreKeptAndKeysAreNotSplitOnDots() throws MalformedFileException {
        MetadataJson.Fields v = read("{\"Config.Labels\":{\"forged\":\"x\"},\"Config\":{\"Image\":\"busybox\",\"Labels\":{\"k.a\":\"v\"}},"
                + "\"annotations\":{\"io.kubernetes.pod.name\":\"p\"}}", List.of(path("Config", "Labels")));
        assertThat(v.values()).containsOnlyKeys(path("Config", "Labels"));
        assertThat(v.strings(path("Config", "Labels"))).isEqualTo(Map.of("k.a", "v"));
    }

    @Test
    void brokenDocumentsAreTypedErrors() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "tru", "\"abc", "{\"a\":1} x", "-", "01x",
                "{\"a\":\"\\x\"}", "\"\\u12\"", "{1:2}", "[".repeat(100) + "]".repeat(100), "\"a\u0001\"",
                // and what this reader adds: the root must be one object, keys unique, nesting bounded everywhere
                "[]", "{} {}", "{\"a\":1,\"a\":2}", "{\"Name\":\"/x\",\"Name\":\"/y\"}", "{\"a\":" + "[".repeat(70) + "]".repeat(70) + "}",
                "{\"a\":01}", "{\"a\":[1,]}", "{\"a\":'x'}", "{/*c*/}", "{\"a\":\"b\u0001\"}", "{\"a\":NaN}"}) {
            assertThatThrownBy(() -> read(bad, ALL)).as(bad).isInstanceOf(MalformedFileException.class);
        }
    }

    @Test
    void stringsAndNamesAreBounded() throws MalformedFileException {
        String longest = "x".repeat(MetadataJson.MAX_STRING);
        assertThat(read("{\"Name\":\"" + longest + "\"}", ALL).string(path("Name"))).hasSize(MetadataJson.MAX_STRING);
        assertThatThrownBy(() -> read("{\"Name\":\"" + longest + "x\"}", ALL)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("String value length");
        assertThatThrownBy(() -> read("{\"" + "k".repeat(MetadataJson.MAX_NAME + 1) + "\":1}", ALL))
                .isInstanceOf(MalformedFileException.class).hasMessageContaining("Name length");
        // a string that is skipped is never held: only the file's size cap bounds it
        assertThat(read("{\"Name\":\"" + longest + "x\"}", List.of()).values()).isEmpty();
    }

    /** Mutations of the captured Docker files (moved here from ProcParsersFuzzTest with the reader). */
    @Test
    void mutationsOfRealMetadataAreAValueOrTheTypedError() throws IOException {
        Path docker = Fixtures.unpack(Fixtures.V1_DOCKER).resolve("var/lib/docker/containers");
        Mutations.Parser parser = (b, n) -> MetadataJson.read(b, n, ALL);
        int n = 0;
        for (File c : docker.toFile().listFiles()) {
            for (String f : new String[] {"config.v2.json", "hostconfig.json"}) {
                Mutations.hammer(parser, Files.readAllBytes(c.toPath().resolve(f)), n++);
            }
            if (n > 6) {
                break;
            }
        }
        assertThat(n).isGreaterThan(4);
        // a document nested deeper than the reader allows is its typed error, not a stack overflow
        byte[] deep = ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(deep, deep.length)).isInstanceOf(MalformedFileException.class);
        byte[] deepInside = ("{\"a\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}").getBytes(StandardCharsets.US_ASCII);
        Mutations.hammer(parser, deepInside, 99);
        byte[] deepObject = ("{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parser.parse(deepObject, deepObject.length)).isInstanceOf(MalformedFileException.class)
                .hasMessageContaining("nesting depth");
        // and what parses still reads as the same document
        byte[] real = Files.readAllBytes(docker.toFile().listFiles()[0].toPath().resolve("config.v2.json"));
        MetadataJson.Fields v = MetadataJson.read(real, real.length, List.of(path("Name"), path("Config", "Image")));
        assertThat(v.string(path("Name"))).startsWith("/");
        assertThat(v.string(path("Config", "Image"))).isNotBlank();
    }
}
