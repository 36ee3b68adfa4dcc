package dev.nscope.deploy;

import dev.nscope.settings.NscopeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static dev.nscope.deploy.Chart.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The chart's processEvents values, rendered by real Helm: NET_ADMIN and the agent's nscope.events.enabled follow them. */
class HelmChartProcessEventsTest {

    @SuppressWarnings("unchecked")
    static List<String> caps(Chart.Rendered r) {
        return (List<String>) at(r.agent(), "securityContext", "capabilities", "add");
    }

    @Test
    void byDefaultTheAgentListensWithNetAdmin() {
        Chart.Rendered r = Chart.render(null);
        assertThat(caps(r)).containsExactly("SYS_PTRACE", "DAC_READ_SEARCH", "NET_ADMIN");
        assertThat(at(r.agent(), "securityContext", "capabilities", "drop")).isEqualTo(List.of("ALL"));
        assertThat(r.agentArgs()).noneMatch(a -> a.startsWith("--nscope.events."));
        NscopeProperties p = HelmChartTest.bindNscopeArguments(r.agentArgs());
        assertThat(p.events().enabled()).isTrue();
        assertThat(p.events().capacity()).isEqualTo(1000);
    }

    @Test
    void turnedOffNoNetAdminAndTheAgentPollsAlone() {
        Chart.Rendered r = Chart.render(null, Map.of("processEvents.enabled", "false"));
        assertThat(caps(r)).containsExactly("SYS_PTRACE", "DAC_READ_SEARCH");
        assertThat(r.agentArgs()).contains("--nscope.events.enabled=false");
        assertThat(HelmChartTest.bindNscopeArguments(r.agentArgs()).events().enabled()).isFalse();
        // the ci values file does the same
        Chart.Rendered ci = Chart.render(Chart.DIR.resolve("ci/no-process-events-values.yaml"));
        assertThat(caps(ci)).containsExactly("SYS_PTRACE", "DAC_READ_SEARCH");
        assertThat(ci.agentArgs()).contains("--nscope.events.enabled=false");
    }

    @Test
    void withoutNetAdminOnLinux66AndLaterTheAgentStillListens() {
        Chart.Rendered r = Chart.render(null, Map.of("processEvents.netAdmin", "false"));
        assertThat(caps(r)).containsExactly("SYS_PTRACE", "DAC_READ_SEARCH");
        assertThat(r.agentArgs()).noneMatch(a -> a.startsWith("--nscope.events."));
    }

    @Test
    void aCapabilityListThatHasNetAdminAlreadyKeepsItOnce(@TempDir Path tmp) throws IOException {
        Path values = Files.writeString(tmp.resolve("caps-values.yaml"), """
                securityContext:
                  runAsUser: 0
                  readOnlyRootFilesystem: true
                  capabilities:
                    drop: [ALL]
                    add: [SYS_PTRACE, NET_ADMIN]
                  seccompProfile:
                    type: RuntimeDefault
                """);
        Chart.Rendered r = Chart.render(values);
        assertThat(caps(r)).containsExactly("SYS_PTRACE", "NET_ADMIN");
        // and the rest of the security context is the value's
        assertThat(at(r.agent(), "securityContext", "runAsUser")).isEqualTo(0);
        assertThat(at(r.agent(), "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(r.agent(), "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    }
}
