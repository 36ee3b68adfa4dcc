package dev.nscope.monitoring;

import dev.nscope.testing.Live;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules are a jsonnet mixin ({@code mixin/}, Debian's {@code jsonnet}): the rule file in
 * {@code prometheus/} and the chart's copy are its output with the default config, byte for byte; a
 * site's config ({@code nscopeSelector}, {@code clusterLabel}, {@code runbookURLPattern}) reaches every
 * alert and still makes rules promtool accepts.
 */
class MixinTest {
    static final Pattern ON = Pattern.compile("\\bon \\(([^)]*)\\)");

    static Live.Result jsonnet(String... args) throws Exception {
        String jsonnet = Tools.require("jsonnet", "jsonnet").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(jsonnet, "-J", Tools.MIXIN.toString()));
        cmd.addAll(List.of(args));
        Live.Result r = Live.run(cmd, 60);
        assertThat(r.exit()).as("jsonnet %s: %s", cmd, r.stderr()).isZero();
        return r;
    }

    @Test
    void theRuleFilesAreTheMixinsOutput() throws Exception {
        String generated = jsonnet("-S", Tools.MIXIN.resolve("nscope-rules.jsonnet").toString()).stdout();
        assertThat(Files.readString(Tools.RULES)).as("%s differs from the mixin's output: run mixin/generate.sh", Tools.RULES)
                .isEqualTo(generated);
        assertThat(Files.readString(Tools.CHART_RULES)).as("%s differs from the mixin's output: run mixin/generate.sh", Tools.CHART_RULES)
                .isEqualTo(generated);
    }

    @Test
    void theDefaultsSelectJobNscopeAndJoinOnTheClusterLabel() {
        for (RuleFile.Alert a : RuleFile.load(Tools.RULES).alerts()) {
            Matcher on = ON.matcher(a.expr());
            while (on.find()) {
                assertThat(on.group(1)).as("%s: %s", a.name(), on.group()).startsWith("cluster, job, instance");
            }
        }
        RuleFile.Alert absent = alert(RuleFile.load(Tools.RULES), "NscopeAgentAbsent");
        // the agent observes; its absence is no page
        assertThat(absent.labels()).isEqualTo(Map.of("severity", "warning", "job", "nscope"));
    }

    @Test
    void aSitesConfigReachesEveryAlert(@TempDir Path tmp) throws Exception {
        String selector = "job=\"node-agents\", env=\"prod\"";
        // the same generator as the shipped file, with a site's config as its top-level argument
        String custom = jsonnet("-S", "--tla-code", "config=" + """
                {
                  nscopeSelector: 'job="node-agents", env="prod"',
                  clusterLabel: 'k8s_cluster',
                  runbookURLPattern: 'https://runbooks.example.com/nscope/%s.html',
                }""", Tools.MIXIN.resolve("nscope-rules.jsonnet").toString()).stdout();
        Path file = Files.writeString(tmp.resolve("custom-rules.yaml"), custom);
        Live.Result check = Live.run(List.of(Tools.require("promtool").toString(), "check", "rules", file.toString()), 60);
        assertThat(check.exit()).as("promtool check rules:\n%s%s", check.stdout(), check.stderr()).isZero();

        RuleFile defaults = RuleFile.load(Tools.RULES);
        RuleFile site = RuleFile.load(file);
        assertThat(site.alerts()).extracting(RuleFile.Alert::name).isEqualTo(defaults.alerts().stream().map(RuleFile.Alert::name).toList());
        Map<String, RuleFile.Alert> byName = defaults.alerts().stream().collect(Collectors.toMap(RuleFile.Alert::name, Function.identity()));
        for (RuleFile.Alert a : site.alerts()) {
            assertThat(a.expr()).as(a.name()).doesNotContain("job=\"nscope\"");
            for (String s : RuleFile.selectors(a.expr())) {
                assertThat(s).as("%s: %s", a.name(), s).contains("{" + selector);
            }
            Matcher on = ON.matcher(a.expr());
            while (on.find()) {
                assertThat(on.group(1)).as("%s: %s", a.name(), on.group()).startsWith("k8s_cluster, job, instance");
            }
            assertThat(a.annotations().get("runbook_url")).isEqualTo("https://runbooks.example.com/nscope/"
                    + a.name().toLowerCase(Locale.ROOT) + ".html");
            assertThat(a.labels().get("severity")).as(a.name()).isEqualTo(byName.get(a.name()).labels().get("severity"));
            assertThat(a.forDuration()).as(a.name()).isEqualTo(byName.get(a.name()).forDuration());
        }
        // a selector that is not job="…" alone gives absent() no job to name
        RuleFile.Alert absent = alert(site, "NscopeAgentAbsent");
        assertThat(absent.labels()).isEqualTo(Map.of("severity", "warning"));
        assertThat(absent.annotations().get("description")).startsWith("No target of {" + selector + "} has been up")
                .contains("$externalLabels.k8s_cluster");
    }

    static RuleFile.Alert alert(RuleFile rules, String name) {
        return rules.alerts().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
    }
}
