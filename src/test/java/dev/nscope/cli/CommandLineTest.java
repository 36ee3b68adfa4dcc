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
}
