package dev.nscope.isolation;

import dev.nscope.proc.ProcStatus;
import dev.nscope.rules.Finding;
import dev.nscope.rules.FindingRule;
import dev.nscope.rules.RuleCatalog;
import dev.nscope.rules.Severity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.nscope.testing.IsolationCaptures.mountinfo;
import static dev.nscope.testing.IsolationCaptures.status;
import static org.assertj.core.api.Assertions.assertThat;

/** The isolation rules on the facts of real Docker containers (tools/capture-isolation.sh). */
@SuppressWarnings("unchecked")
class IsolationRulesTest {

    static IsolationFacts facts(String name, boolean hostUser, List<Isolation.Member> members, long membersExtra) throws IOException {
        ProcStatus s = status("docker-" + name + ".status");
        MountView.View v = MountView.of(mountinfo("docker-" + name + ".mountinfo"), new HostMounts(mountinfo("host.mountinfo")),
                MountViewTest.POLICY);
        Isolation iso = new Isolation(v.rootfs(), v.mounts(),
                Confinement.privileges(s, null, null, Confinement.Labels.NONE, !hostUser, 40), "nsenter --target 1", members);
        return new IsolationFacts(iso, s.capEff(), membersExtra, s.security().seccomp(), hostUser,
                name.equals("privileged-equivalent") ? "a *:* rwm" : null);
    }

    static Map<String, Finding> findings(IsolationFacts f) {
        return IsolationRules.all().stream().map(r -> r.check(f)).flatMap(java.util.Optional::stream)
                .collect(Collectors.toMap(Finding::rule, x -> x));
    }

    @Test
    void aDefaultContainerAndAConfinedOneRaiseNothing() throws IOException {
        assertThat(findings(facts("default", true, List.of(), 0))).isEmpty();
        assertThat(findings(facts("confined", true, List.of(), 0))).isEmpty();
    }

    @Test
    void everyCapabilityWithSeccompOffIsPrivilegedAndNothingLessIsSaidOfIt() throws IOException {
        Map<String, Finding> f = findings(facts("privileged-equivalent", true, List.of(), 0));
        assertThat(f.keySet()).containsExactly("privileged");
        Finding p = f.get("privileged");
        assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
        assertThat((List<Object>) p.evidence().get("capabilitiesBeyondDefault")).contains("CAP_SYS_ADMIN", "CAP_SYS_MODULE")
                .doesNotContain("CAP_CHOWN");
        assertThat(p.evidence()).containsEntry("seccomp", "disabled").containsEntry("devices", "a *:* rwm");
        assertThat(p.fix()).contains("--privileged");
    }

    @Test
    void inAUserNamespaceOfItsOwnCapabilitiesReachOnlyThatNamespace() throws IOException {
        Map<String, Finding> f = findings(facts("privileged-equivalent", false, List.of(), 0));
        assertThat(f.keySet()).as("seccomp off still opens the kernel").containsExactly("seccomp-unconfined");
    }

    @Test
    void aDangerousCapabilityHeldByAnotherProcessIsNamedWithIt() throws IOException {
        Isolation.Member m = new Isolation.Member(4242, "helper", List.of("CAP_NET_ADMIN"));
        Map<String, Finding> f = findings(facts("default", true, List.of(m), 1L << Capabilities.bit("CAP_NET_ADMIN")));
        Finding d = f.get("dangerous-capabilities");
        assertThat(d.evidence()).containsEntry("capabilities", List.of("CAP_NET_ADMIN")).containsEntry("pid1", List.of())
                .containsEntry("otherProcesses", List.of(4242));
        assertThat(d.fix()).contains("--cap-drop NET_ADMIN");
    }

    @Test
    void theDockerSocketIsCriticalAndTheHostsRootAndEtcAreAWritableHostPath() throws IOException {
        Map<String, Finding> f = findings(facts("sock-host", true, List.of(), 0));
        assertThat(f.keySet()).containsExactlyInAnyOrder("runtime-socket-mounted", "host-path-mounted");
        Finding sock = f.get("runtime-socket-mounted");
        assertThat(sock.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(sock.evidence()).containsEntry("hostPaths", List.of("/run/docker.sock"))
                .containsEntry("mountPoints", List.of("/var/run/docker.sock"));
        Finding host = f.get("host-path-mounted");
        assertThat(host.severity()).as("/etc is writable").isEqualTo(Severity.WARNING);
        assertThat((List<Object>) host.evidence().get("mounts")).hasSize(2)
                .anySatisfy(s -> assertThat(s.toString()).startsWith("/ at /host ro"))
                .anySatisfy(s -> assertThat(s.toString()).isEqualTo("/etc at /host-etc rw"));
    }

    @Test
    void aReadOnlySensitiveMountWithNothingWritableBelowIsInfo() {
        Isolation.Mount ro = new Isolation.Mount("/host-etc", "/etc", "ext4", true, "private", true, false, 0, 0);
        Isolation iso = new Isolation(null, List.of(ro), null, "nsenter --target 1", List.of());
        Finding f = IsolationRules.hostPathMounted(new IsolationFacts(iso, 0, 0, 2, true, null));
        assertThat(f.severity()).isEqualTo(Severity.INFO);
        Isolation.Mount roWithRwBelow = new Isolation.Mount("/host", "/", "ext4", true, "private", true, false, 5, 2);
        Isolation iso2 = new Isolation(null, List.of(roWithRwBelow), null, "nsenter --target 1", List.of());
        assertThat(IsolationRules.hostPathMounted(new IsolationFacts(iso2, 0, 0, 2, true, null)).severity())
                .as("two writable mounts came with it").isEqualTo(Severity.WARNING);
    }

    @Test
    void unknownFactsRaiseNothing() {
        Isolation iso = new Isolation(null, null, null, "nsenter --target 1", List.of());
        IsolationFacts f = new IsolationFacts(iso, -1, 0, -1, true, null);
        assertThat(findings(f)).isEmpty();
    }

    @Test
    void everyIsolationRuleIsInTheCatalog() {
        for (FindingRule<IsolationFacts> r : IsolationRules.all()) {
            assertThat(RuleCatalog.find(r.id())).contains(r.spec());
        }
    }
}
