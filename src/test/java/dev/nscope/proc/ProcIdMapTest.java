package dev.nscope.proc;

import dev.nscope.host.FileBytes;
import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.IsolationCaptures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real {@code uid_map}s: a user namespace whose root is host uid 100000 (its creator wrote
 * {@code 0 100000 65536}, as a runtime with userns-remap does), and one that maps only root to root
 * ({@code unshare --map-root-user} run by root). Captured on the build host.
 */
class ProcIdMapTest {
    static ProcIdMap read(String name) throws IOException {
        return IsolationCaptures.idMap(name);
    }

    @Test
    void aRemappedNamespacesRootIsAnUnprivilegedHostUid() throws IOException {
        ProcIdMap m = read("userns-remapped.uid_map");
        assertThat(m.outside(0)).isEqualTo(100000);
        assertThat(m.inside(100000)).isZero();
        assertThat(m.inside(165535)).isEqualTo(65535);
        assertThat(m.inside(165536)).as("past the range").isEqualTo(-1);
        assertThat(m.inside(0)).as("host root is not mapped in").isEqualTo(-1);
        assertThat(m.identity()).isFalse();
    }

    @Test
    void rootMappedToRootIsRootOnTheHost() throws IOException {
        ProcIdMap m = read("userns-root.uid_map");
        assertThat(m.inside(0)).isZero();
        assertThat(m.outside(1)).isEqualTo(-1);
    }

    @Test
    void theInitialNamespaceMapsEveryIdToItself() throws IOException {
        FileBytes b = new FileBytes().read("/proc/self/uid_map");
        ProcIdMap m = ProcIdMap.parse(b.data(), b.length());
        assertThat(m.identity()).as("the test runs in the host's user namespace").isTrue();
        assertThat(m.inside(4242)).isEqualTo(4242);
    }

    @Test
    void anUnwrittenMapMapsNothingAndGarbageIsMalformed() throws MalformedFileException {
        assertThat(ProcIdMap.parse(new byte[0], 0).inside(0)).isEqualTo(-1);
        for (String bad : new String[] {"0 100000\n", "0 x 1\n", "0 1 2 3\n", "-1 0 1\n", "0 0 99999999999\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThatThrownBy(() -> ProcIdMap.parse(b, b.length)).as(bad).isInstanceOf(MalformedFileException.class);
        }
    }
}
