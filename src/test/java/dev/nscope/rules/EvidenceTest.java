package dev.nscope.rules;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvidenceTest {

    static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", 1786);
        m.put("comm", "sh");
        m.put("wchan", null);
        m.put("sigCgt", Map.of("hex", "0000000000010000"));
        m.put("looks", 2);
        m.put("fix", "exec the main process");
        return m;
    }

    @Test
    void keepsTheEntriesInTheirOrderNullsIncludedAndEqualsAnyMapOfThem() {
        Map<String, Object> m = sample();
        Evidence e = Evidence.copyOf(m);
        assertThat(e).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(m).isEqualTo(e);
        assertThat(e.keySet()).containsExactly("pid", "comm", "wchan", "sigCgt", "looks", "fix");
        assertThat(e.values()).containsExactly(1786, "sh", null, Map.of("hex", "0000000000010000"), 2, "exec the main process");
        assertThat(e.get("comm")).isEqualTo("sh");
        assertThat(e.get("wchan")).isNull();
        assertThat(e.containsKey("wchan")).isTrue();
        assertThat(e.containsKey("nope")).isFalse();
        assertThat(e.get("nope")).isNull();
        assertThat(e.key(4)).isEqualTo("looks");
        assertThat(e.value(4)).isEqualTo(2);
        assertThat(e.toString()).isEqualTo(m.toString());
    }

    @Test
    void copyOfEvidenceIsItselfAndOfNothingIsEmpty() {
        Evidence e = Evidence.copyOf(sample());
        assertThat(Evidence.copyOf(e)).isSameAs(e);
        assertThat(Evidence.copyOf(null)).isSameAs(Evidence.EMPTY).isEmpty();
        assertThat(Evidence.copyOf(Map.of())).isSameAs(Evidence.EMPTY);
    }

    @Test
    void withReplacesInPlaceOrAppendsAndLeavesTheOriginalAlone() {
        Evidence e = Evidence.copyOf(sample());
        Evidence more = e.with("looks", 3);
        assertThat(more.keySet()).containsExactlyElementsOf(e.keySet());
        assertThat(more.get("looks")).isEqualTo(3);
        assertThat(e.get("looks")).isEqualTo(2);
        assertThat(e.with("looks", 2)).isSameAs(e);
        Evidence appended = e.with("childCount", 8);
        assertThat(appended.keySet()).containsExactly("pid", "comm", "wchan", "sigCgt", "looks", "fix", "childCount");
        assertThat(e).hasSize(6);
    }

    @Test
    void cannotBeChanged() {
        Evidence e = Evidence.copyOf(sample());
        assertThatThrownBy(() -> e.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.remove("pid")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(e::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> e.entrySet().iterator().next().setValue(2)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(e).hasSize(6);
    }

    @Test
    void aFindingKeepsItsEvidenceAsEvidence() {
        Finding f = new Finding("host-user-namespace", Severity.INFO, "m", "f", sample());
        assertThat(f.evidence()).isInstanceOf(Evidence.class).isEqualTo(sample());
        assertThat(new Finding("r", Severity.INFO, "m", "f", null).evidence()).isEmpty();
        assertThat(List.of(f)).containsExactly(new Finding("host-user-namespace", Severity.INFO, "m", "f", new LinkedHashMap<>(sample())));
    }
}
