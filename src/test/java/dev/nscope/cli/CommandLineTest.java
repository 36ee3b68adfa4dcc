package dev.nscope.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    @Test
    void noCommandRunsTheAgentWithEveryOptionForSpring() throws UsageException {
        CommandLine cl = CommandLine.parse(new String[] {"--server.port=0", "--anything.else=1"});
        assertThat(cl.mode()).isEqualTo(CommandLine.Mode.AGENT);
        assertThat(cl.springArgs()).containsExactly("--server.port=0", "--anything.else=1");
    }

    @Test
    void scanTakesAFormatAndSpringProperties() throws UsageException {
        CommandLine cl = CommandLine.parse(new String[] {"scan", "--format=json", "--nscope.procfs=/x"});
        assertThat(cl.mode()).isEqualTo(CommandLine.Mode.SCAN);
        assertThat(cl.format()).isEqualTo(CommandLine.Format.JSON);
        assertThat(cl.springArgs()).containsExactly("--nscope.procfs=/x");
        assertThat(CommandLine.parse(new String[] {"scan", "--format", "table"}).format()).isEqualTo(CommandLine.Format.TABLE);
        assertThat(CommandLine.parse(new String[] {"bench", "--passes=7"}).passes()).isEqualTo(7);
        assertThat(CommandLine.parse(new String[] {"scan", "--help"}).mode()).isEqualTo(CommandLine.Mode.HELP);
    }

    @Test
    void mistakesAreUsageErrors() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--format=yaml"})).hasMessageContaining("unknown format 'yaml'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scna"})).hasMessageContaining("unknown command 'scna'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--fromat=json"})).hasMessageContaining("unknown option '--fromat=json'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "extra"})).hasMessageContaining("unexpected argument 'extra'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--format=json"})).hasMessageContaining("needs a command");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"bench", "--passes=1"})).hasMessageContaining("--passes");
    }

    @Test
    void versionIsACommandAndATopLevelOption() throws UsageException {
        assertThat(CommandLine.parse(new String[] {"version"}).mode()).isEqualTo(CommandLine.Mode.VERSION);
        assertThat(CommandLine.parse(new String[] {"--version"}).mode()).isEqualTo(CommandLine.Mode.VERSION);
        assertThat(CommandLine.parse(new String[] {"--server.port=0", "--version"}).mode()).isEqualTo(CommandLine.Mode.VERSION);
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--version"})).hasMessageContaining("unknown option '--version' for scan");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"version", "--nscope.procfs=/x"})).hasMessageContaining("for version");
    }

    @Test
    void eachCommandHasItsHelp() throws UsageException {
        for (String[] args : new String[][] {{"scan", "--help"}, {"help", "scan"}, {"scan", "-h", "--fromat=x"}, {"--nscope.procfs=/x", "scan", "--help"}}) {
            CommandLine cl = CommandLine.parse(args);
            assertThat(cl.mode()).as(String.join(" ", args)).isEqualTo(CommandLine.Mode.HELP);
            assertThat(cl.helpFor()).as(String.join(" ", args)).isEqualTo(CommandLine.Mode.SCAN);
        }
        assertThat(CommandLine.parse(new String[] {"bench", "--help"}).helpFor()).isEqualTo(CommandLine.Mode.BENCH);
        assertThat(CommandLine.parse(new String[] {"help"}).helpFor()).isEqualTo(CommandLine.Mode.AGENT);
        assertThat(CommandLine.parse(new String[] {"--help"}).helpFor()).isEqualTo(CommandLine.Mode.AGENT);
        assertThat(Usage.of(CommandLine.Mode.SCAN)).contains("--runtime=", "--namespace=", "--container=", "--no-headers", "stderr");
        assertThat(Usage.of(CommandLine.Mode.BENCH)).contains("--passes=N");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"help", "scna"})).hasMessageContaining("unknown command 'scna'");
    }

    @Test
    void scanTakesFiltersAndNoHeaders() throws UsageException {
        CommandLine cl = CommandLine.parse(new String[] {"scan", "--runtime=cri-o", "-n", "kube-system", "--container", "coredns",
                "--no-headers", "--nscope.procfs=/x"});
        assertThat(cl.filter()).isEqualTo(new ScanFilter("cri-o", "kube-system", "coredns"));
        assertThat(cl.headers()).isFalse();
        assertThat(cl.springArgs()).containsExactly("--nscope.procfs=/x");
        assertThat(CommandLine.parse(new String[] {"scan"}).filter().all()).isTrue();
        assertThat(CommandLine.parse(new String[] {"scan", "--namespace=default"}).filter().namespace()).isEqualTo("default");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--runtime=dokcer"}))
                .hasMessageContaining("unknown runtime 'dokcer' (expected docker, containerd, cri-o, podman, lxc, systemd-nspawn, sandbox)");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--runtime"})).hasMessageContaining("--runtime needs a value");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--container=a", "--container=b"})).hasMessageContaining("given twice");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"scan", "--no-headers=yes"})).hasMessageContaining("takes no value");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--runtime=docker"})).hasMessageContaining("needs a command");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"bench", "--runtime=docker"})).hasMessageContaining("unknown option");
    }

    /** The agent hands Spring its --name=value properties; what is not one is refused, not ignored. */
    @Test
    void theAgentRefusesWhatIsNotAProperty() throws UsageException {
        assertThat(CommandLine.parse(new String[] {"--debug", "--logging.level.root=INFO"}).mode()).isEqualTo(CommandLine.Mode.AGENT);
        for (String bad : new String[] {"-v", "--verbose", "--", "-server.port=1", "--=x"}) {
            assertThatThrownBy(() -> CommandLine.parse(new String[] {bad})).as(bad).hasMessageContaining("unknown option '" + bad + "'");
        }
    }

    @Test
    void aUsageErrorIsOneLineEndingInTheCommandsUsage() {
        UsageException scan = catchUsage("scan", "--fromat=json");
        assertThat(scan.line()).startsWith("unknown option '--fromat=json' for scan; usage: nscope scan [--format=table|json]")
                .endsWith("(see 'nscope scan --help')").doesNotContain("\n");
        assertThat(catchUsage("scna").line()).contains("; usage: nscope [scan|bench|events|version|help]").doesNotContain("\n");
    }

    static UsageException catchUsage(String... args) {
        try {
            CommandLine.parse(args);
        } catch (UsageException e) {
            return e;
        }
        throw new AssertionError("accepted: " + String.join(" ", args));
    }
}
