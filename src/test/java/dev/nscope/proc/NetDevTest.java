package dev.nscope.proc;

import dev.nscope.host.HostPaths;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetDevTest {
    private static final String HEADER = "Inter-|   Receive                                                |  Transmit\n"
            + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls"
            + " carrier compressed\n";

    private static NetDev parse(byte[] b) throws MalformedFileException {
        return NetDev.parse(b, b.length);
    }

    private static NetDev parse(String s) throws MalformedFileException {
        return parse(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void hostNamespaceOfTheCasesFixture() throws Exception {
        Path file = Fixtures.unpack(Fixtures.V2_CASES).resolve("host/proc/2/net/dev");
        NetDev d = parse(Files.readAllBytes(file));
        assertThat(d.interfaces()).extracting(NetDev.Interface::name).containsExactly("lo", "ifb0", "ifb1", "eth0");
        assertThat(d.find("lo")).isEqualTo(new NetDev.Interface("lo", 6079, 69, 0, 0, 6079, 69, 0, 0));
        assertThat(d.find("eth0")).isEqualTo(new NetDev.Interface("eth0", 625, 10, 0, 0, 1473, 18, 0, 0));
        assertThat(d.find("eth1")).isNull();
    }

    @Test
    void hostNetworkContainerOfTheDockerFixture() throws Exception {
        Path file = Fixtures.unpack(Fixtures.V1_DOCKER).resolve("proc/21661/net/dev");
        NetDev d = parse(Files.readAllBytes(file));
        assertThat(d.find("eth0")).isEqualTo(new NetDev.Interface("eth0", 301048393, 6509, 0, 0, 468114, 4081, 0, 0));
    }

    @Test
    void containerNamespaceWithOnlyLoopback() throws Exception {
        Path file = Fixtures.unpack(Fixtures.V2_CASES).resolve("cgroupns/proc/504/net/dev");
        assertThat(parse(Files.readAllBytes(file)).interfaces())
                .containsExactly(new NetDev.Interface("lo", 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void colonTouchingTheFirstNumberAndErrorsAndDrops() throws Exception {
        NetDev d = parse(HEADER + "  eth0:123456789012 1000 3 4 0 0 0 0 98765 900 5 6 0 0 0 0\n"
                + "veth1a2b3c4:1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n");
        assertThat(d.find("eth0")).isEqualTo(new NetDev.Interface("eth0", 123456789012L, 1000, 3, 4, 98765, 900, 5, 6));
        assertThat(d.find("veth1a2b3c4")).isEqualTo(new NetDev.Interface("veth1a2b3c4", 1, 2, 0, 0, 3, 4, 0, 0));
    }

    @Test
    void u64CountersSaturate() throws Exception {
        NetDev d = parse(HEADER + "eth0: 18446744073709551615 1 0 0 0 0 0 0 2 3 0 0 0 0 0 0\n");
        assertThat(d.find("eth0").rxBytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void liveOwnNamespace() throws Exception {
        NetDev d = parse(Files.readAllBytes(Path.of(HostPaths.live().proc("self/net/dev"))));
        assertThat(d.find("lo")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Inter-|   Receive\n", "garbage\n face |bytes\n",
            "Inter-|\n face |\neth0 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n",
            "Inter-|\n face |\neth0: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0\n",
            "Inter-|\n face |\neth0: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 x\n",
            "Inter-|\n face |\n: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n",
            "Inter-|\n face |\neth 0: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n"})
    void malformed(String content) {
        assertThatThrownBy(() -> parse(content)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void truncatedRealFileIsMalformed() throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.unpack(Fixtures.V2_CASES).resolve("host/proc/2/net/dev"));
        int cut = new String(b).indexOf("1473");
        assertThatThrownBy(() -> NetDev.parse(b, cut)).isInstanceOf(MalformedFileException.class);
    }
}
