package dev.nscope.proc;

import dev.nscope.host.MalformedFileException;
import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamespaceLinkTest {

    @Test
    void capturedLinksParseToTheirInodes() throws IOException {
        Path ns = Fixtures.unpack(Fixtures.V2_NODE).resolve("proc/2/ns");
        assertThat(NamespaceLink.parseInode(Files.readSymbolicLink(ns.resolve("net")).toString(), NamespaceType.NET))
                .isEqualTo(4026531833L);
        assertThat(NamespaceLink.parseInode(Files.readSymbolicLink(ns.resolve("time")).toString(), NamespaceType.TIME))
                .isEqualTo(4026531834L);
    }

    @Test
    void liveLinksOfEveryType() throws IOException {
        for (NamespaceType t : NamespaceType.all()) {
            String target = Files.readSymbolicLink(Path.of("/proc/self/ns/" + t.link())).toString();
            assertThat(NamespaceLink.parseInode(target, t)).as(t.link()).isGreaterThan(4026531800L);
        }
    }

    @Test
    void wrongTypeOrShapeIsATypedError() {
        for (String bad : new String[] {"pid:[1]x", "net:[4026531833]", "pid:4026531836", "pid:[]", "pid:[abc]", "pid:[0]",
                "pid:[99999999999999999999]", ""}) {
            assertThatThrownBy(() -> NamespaceLink.parseInode(bad, NamespaceType.PID)).as(bad)
                    .isInstanceOf(MalformedFileException.class);
        }
        assertThatThrownBy(() -> NamespaceLink.parseInode(null, NamespaceType.PID)).isInstanceOf(MalformedFileException.class);
    }

    @Test
    void namespacesFallBackTypeByType() {
        Namespaces a = Namespaces.of(1, 0, 3, 0, 0, 0, 0, 0);
        Namespaces b = Namespaces.of(9, 8, 9, 9, 9, 9, 9, 9);
        Namespaces m = a.orElse(b);
        assertThat(m.get(NamespaceType.PID)).isEqualTo(1);
        assertThat(m.get(NamespaceType.NET)).isEqualTo(8);
        assertThat(m.get(NamespaceType.MNT)).isEqualTo(3);
        assertThat(Namespaces.none().isEmpty()).isTrue();
        assertThat(a.isEmpty()).isFalse();
        assertThat(a.known(NamespaceType.NET)).isFalse();
    }
}
