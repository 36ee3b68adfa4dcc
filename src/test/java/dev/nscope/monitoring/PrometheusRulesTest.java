package dev.nscope.monitoring;

import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules: {@code promtool check rules}, the unit tests of {@code nscope-rules.test.yaml}
 * ({@code promtool test rules}), and the conventions every alert keeps. The end-to-end run against a
 * live agent is {@link MonitoringLiveTest}.
 */
class PrometheusRulesTest {
    static final String RUNBOOK_BASE = "https://github.com/nscope/nscope/blob/main/docs/runbook.md#";

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        String promtool = Tools.require("promtool").toString();
        Live.Result r = Live.run(List.of(promtool, "check", "rules", Tools.RULES.toString()), 60);
        assertThat(r.exit()).as("promtool check rules:\n%s%s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout() + r.stderr()).contains("SUCCESS: " + RuleFile.load(Tools.RULES).alerts().size() + " rules found");
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        String promtool = Tools.require("promtool").toString();
        Live.Result r = Live.run(List.of(promtool, "test", "rules", Tools.RULE_TESTS.toString()), 120);
        assertThat(r.exit()).as("promtool test rules:\n%s%s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout() + r.stderr()).contains("SUCCESS");
    }

    @Test
    void everyAlertKeepsTheConventions() {
        List<RuleFile.Alert> alerts = RuleFile.load(Tools.RULES).alerts();
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
        Set<String> names = new HashSet<>();
        for (RuleFile.Alert a : alerts) {
            String n = a.name();
            assertThat(names.add(n)).as("duplicate alert %s", n).isTrue();
            assertThat(n).as("CamelCase name with the Nscope prefix").matches("Nscope[A-Z][A-Za-z0-9]+");
            assertThat(a.labels().get("severity")).as("%s severity", n).isIn("critical", "warning", "info");
            assertThat(a.annotations().keySet()).as("%s annotations", n).containsExactlyInAnyOrder("summary", "description", "runbook_url");
            assertThat(a.annotations().get("summary")).as("%s summary is static", n).doesNotContain("{{").endsWith(".");
            assertThat(a.annotations().get("description")).as("%s description is templated", n).contains("{{");
            assertThat(a.annotations().get("runbook_url")).as("%s runbook_url", n).isEqualTo(RUNBOOK_BASE + n.toLowerCase());
            if (a.forDuration() != null) {
                assertThat(a.forDuration()).as("%s for:", n).matches("\\d+[mh]");
            }
            for (String s : RuleFile.selectors(a.expr())) {
                assertThat(s).as("%s: every selector names the job (kubernetes-mixin style)", n).contains("job=\"nscope\"");
            }
        }
    }

    /**
     * {@code nscope_container_*} families that are the node's, with no per-container labels (docs/metrics.md: the
     * containers they count are gone): an alert on them names the node, not a container.
     */
    static final Set<String> NODE_LEVEL_CONTAINER_FAMILIES = Set.of("nscope_container_stops_total");

    @Test
    void everyContainerAlertNamesTheContainerTheKubernetesWay() {
        for (RuleFile.Alert a : RuleFile.load(Tools.RULES).alerts()) {
            boolean perContainer = RuleFile.selectors(a.expr()).stream().map(s -> s.replaceFirst("\\{.*", ""))
                    .anyMatch(m -> m.startsWith("nscope_container_") && !NODE_LEVEL_CONTAINER_FAMILIES.contains(m));
            if (perContainer) {
                assertThat(a.annotations().get("description")).as(a.name())
                        .contains("{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }})")
                        .contains("{{ $labels.instance }}");
            } else if (a.expr().contains("nscope_container_")) {
                // a node's stops: the node and how they ended; the containers are named by `nscope events`
                assertThat(a.annotations().get("description")).as(a.name()).contains("{{ $labels.instance }}")
                        .doesNotContain("$labels.pod");
            }
        }
    }

    @Test
    void everyAlertHasARunbookSectionAndEveryRunbookSectionAnAlert() throws Exception {
        List<String> alerts = RuleFile.load(Tools.RULES).alerts().stream().map(RuleFile.Alert::name).toList();
        List<String> sections = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^## (\\S+)\\s*$").matcher(Files.readString(Tools.RUNBOOK));
        while (m.find()) {
            sections.add(m.group(1));
        }
        // GitHub's anchor of "## NscopeAgentDown" is #nscopeagentdown: the runbook_url of each alert
        assertThat(sections).containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void everyAlertIsUnitTestedFiringAndNotFiring() throws Exception {
        String tests = Files.readString(Tools.RULE_TESTS);
        for (RuleFile.Alert a : RuleFile.load(Tools.RULES).alerts()) {
            // a case where it fires (an expected alert with labels) and one where it must not (exp_alerts: [])
            Pattern firing = Pattern.compile("alertname: " + a.name() + "\\s*\\n\\s*exp_alerts:\\s*\\n\\s*- exp_labels:");
            Pattern silent = Pattern.compile("alertname: " + a.name() + "\\s*\\n\\s*exp_alerts: \\[]");
            assertThat(firing.matcher(tests).find()).as("%s has a firing case in %s", a.name(), Tools.RULE_TESTS).isTrue();
            assertThat(silent.matcher(tests).find()).as("%s has a not-firing case in %s", a.name(), Tools.RULE_TESTS).isTrue();
        }
    }

    @Test
    void selectorsAreFoundInExpressions() {
        assertThat(RuleFile.selectors("max without (severity) (nscope_container_finding{job=\"nscope\", rule=\"x\"}) * on (job, instance, id) group_left (pid1_comm) nscope_container_info{job=\"nscope\"}"))
                .containsExactly("nscope_container_finding{job=\"nscope\", rule=\"x\"}", "nscope_container_info{job=\"nscope\"}");
        assertThat(RuleFile.selectors("absent(up{job=\"nscope\"} == 1)")).containsExactly("up{job=\"nscope\"}");
        assertThat(RuleFile.selectors("process_cpu_usage")).containsExactly("process_cpu_usage");
    }
}
