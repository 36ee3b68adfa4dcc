package dev.nscope.container;

import dev.nscope.host.MalformedFileException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void parsesTheShapesRuntimeFilesUse() throws MalformedFileException {
        Object v = Json.parse("{\"Name\":\"/web\",\"Config\":{\"Labels\":{\"a\":\"b\",\"n\":1},\"Env\":[\"X=1\"],\"Tty\":false},"
                + "\"Pid\":123,\"Ratio\":-1.5e3,\"Nothing\":null,\"Esc\":\"q\\\"\\u00e9\\n\\/\",\"Utf\":\"ü\"}");
        assertThat(Json.string(v, "Name")).isEqualTo("/web");
        assertThat(Json.strings(v, "Config", "Labels")).isEqualTo(Map.of("a", "b"));
        assertThat(Json.at(v, "Config", "Env")).isEqualTo(List.of("X=1"));
        assertThat(Json.at(v, "Config", "Tty")).isEqualTo(false);
        assertThat(Json.at(v, "Pid")).isEqualTo(123L);
        assertThat(Json.at(v, "Ratio")).isEqualTo(-1500.0);
        assertThat(Json.at(v, "Nothing")).isNull();
        assertThat(Json.string(v, "Esc")).isEqualTo("q\"é\n/");
        assertThat(Json.string(v, "Utf")).isEqualTo("ü");
        assertThat(Json.at(v, "Config", "Missing", "Deeper")).isNull();
        assertThat(Json.string(v, "Pid")).isNull();
    }

    @Test
    void brokenDocumentsAreTypedErrors() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{\"a\" 1}", "[1,]", "tru", "\"abc", "{\"a\":1} x", "-", "01x",
                "{\"a\":\"\\x\"}", "\"\\u12\"", "{1:2}", "[".repeat(100) + "]".repeat(100), "\"a\u0001\""}) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(MalformedFileException.class);
        }
    }
}
