package dev.nscope.container;

import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerGrouperTest {
    static final long HPID = 100, HNET = 200, HMNT = 300;
    static final Namespaces HOST = ns(HPID, HNET, HMNT);
    static final String ID = "a".repeat(64);
    static final CgroupClaim DOCKER = new CgroupClaim(Runtime.DOCKER, ID, "/docker/" + ID, null, null);

    record P(int pid, long startTime, int[] nsPid, Namespaces namespaces, CgroupClaim claim, int ppid, boolean zombie)
            implements GroupableProcess {
    }

    static Namespaces ns(long pid, long net, long mnt) {
        return Namespaces.of(pid, net, mnt, 7, 8, 9, 10, 11);
    }

    static P proc(int pid, int[] nsPid, Namespaces ns, CgroupClaim claim) {
        return new P(pid, pid * 10L, nsPid, ns, claim, 1, false);
    }

    @Test
    void runtimeCgroupTakesItsShimAndItsPid1IsTheNamespaceInit() {
        List<P> ps = List.of(
                proc(1, new int[] {1}, HOST, null),
                proc(50, new int[] {50}, ns(HPID, 201, 301), DOCKER),          // the unshare/shim in the host pid ns
                proc(51, new int[] {51, 1}, ns(101, 201, 301), DOCKER),         // PID 1
                proc(52, new int[] {52, 2}, ns(101, 201, 301), DOCKER));
        List<ProcessGroup<P>> g = ContainerGrouper.group(ps, HOST);
        assertThat(g).singleElement().satisfies(c -> {
            assertThat(c.runtime()).isEqualTo(Runtime.DOCKER);
            assertThat(c.members()).extracting(P::pid).containsExactly(50, 51, 52);
            assertThat(c.pid1().pid()).isEqualTo(51);
            assertThat(c.namespaces().get(NamespaceType.PID)).isEqualTo(101);
        });
    }

    @Test
    void withoutAPid1TheMajorityNamesTheNamespaces() {
        List<P> ps = List.of(
                proc(60, new int[] {60}, ns(HPID, HNET, 302), DOCKER),
                proc(61, new int[] {61}, ns(HPID, HNET, 302), DOCKER),
                proc(62, new int[] {62}, ns(HPID, 999, 303), DOCKER));
        ProcessGroup<P> c = ContainerGrouper.group(ps, HOST).get(0);
        assertThat(c.pid1()).isNull();
        assertThat(c.namespaces().get(NamespaceType.PID)).isEqualTo(HPID);
        assertThat(c.namespaces().get(NamespaceType.NET)).isEqualTo(HNET);
        assertThat(c.namespaces().get(NamespaceType.MNT)).isEqualTo(302);
    }

    @Test
    void theVoteIgnoresUnknownLinksBreaksTiesByWhoGotThereFirstAndNeverOverrulesAKnownPid1Link() {
        P a = proc(80, new int[] {80}, Namespaces.of(0, 210, 310, 7, 8, 9, 10, 11), DOCKER);
        P b = proc(81, new int[] {81}, Namespaces.of(0, 211, 310, 7, 8, 9, 10, 11), DOCKER);
        P c = proc(82, new int[] {82}, Namespaces.of(0, 211, 311, 7, 8, 9, 10, 11), DOCKER);
        P d = proc(83, new int[] {83}, Namespaces.of(0, 210, 0, 7, 8, 9, 10, 11), DOCKER);
        Namespaces voted = ContainerGrouper.namespaces(List.of(a, b, c, d), null);
        assertThat(voted.known(NamespaceType.PID)).isFalse();       // nobody knows it
        assertThat(voted.get(NamespaceType.NET)).isEqualTo(211);    // 2 against 2: 211 had its two votes first
        assertThat(voted.get(NamespaceType.MNT)).isEqualTo(310);    // 2 against 1, the unknown not counted
        assertThat(voted.get(NamespaceType.UTS)).isEqualTo(7);      // all agree
        P pid1 = proc(84, new int[] {84, 1}, Namespaces.of(104, 204, 304, 1, 2, 3, 4, 5), DOCKER);
        assertThat(ContainerGrouper.namespaces(List.of(a, b, c, d, pid1), pid1)).isSameAs(pid1.namespaces());
        P halfKnown = proc(85, new int[] {85, 1}, Namespaces.of(105, 0, 305, 1, 2, 3, 4, 5), DOCKER);
        Namespaces completed = ContainerGrouper.namespaces(List.of(a, b, c, d, halfKnown), halfKnown);
        assertThat(completed.get(NamespaceType.PID)).isEqualTo(105);
        assertThat(completed.get(NamespaceType.NET)).isEqualTo(211);
        assertThat(completed.get(NamespaceType.MNT)).isEqualTo(305);
    }

    @Test
    void unreadablePid1LinksAreCompletedByTheMembers() {
        List<P> ps = List.of(
                proc(70, new int[] {70, 1}, Namespaces.none(), DOCKER),
                proc(71, new int[] {71, 2}, ns(105, 205, 305), DOCKER));
        ProcessGroup<P> c = ContainerGrouper.group(ps, HOST).get(0);
        assertThat(c.pid1().pid()).isEqualTo(70);
        assertThat(c.namespaces().get(NamespaceType.NET)).isEqualTo(205);
    }

    @Test
    void unclaimedPidNamespaceIsASandboxAndItsUnshareParentJoinsIt() {
        List<P> ps = List.of(
                proc(1, new int[] {1}, HOST, null),
                proc(80, new int[] {80}, ns(HPID, 210, 310), null),             // unshare, host pid ns, sandbox net
                proc(81, new int[] {81, 1}, ns(110, 210, 310), null),
                proc(82, new int[] {82, 2}, ns(110, 210, 310), null),
                proc(90, new int[] {90}, ns(HPID, 220, HMNT), null));           // ip netns exec
        List<ProcessGroup<P>> g = ContainerGrouper.group(ps, HOST);
        assertThat(g).extracting(ProcessGroup::id).containsExactly("netns-220", "pidns-110");
        ProcessGroup<P> sandbox = g.get(1);
        assertThat(sandbox.runtime()).isEqualTo(Runtime.SANDBOX);
        assertThat(sandbox.members()).extracting(P::pid).containsExactly(80, 81, 82);
        assertThat(sandbox.pid1().pid()).isEqualTo(81);
        assertThat(g.get(0).pid1()).isNull();
        assertThat(g.get(0).members()).extracting(P::pid).containsExactly(90);
    }

    @Test
    void nestedNamespaceInsideAContainerIsNotItsPid1() {
        List<P> ps = List.of(
                proc(200, new int[] {200, 5, 1}, ns(130, 230, 330), DOCKER),      // init of a namespace nested in the container's
                proc(201, new int[] {201, 1}, ns(120, 230, 330), DOCKER));
        assertThat(ContainerGrouper.group(ps, HOST).get(0).pid1().pid()).isEqualTo(201);
    }

    @Test
    void zombiesGoWithTheParentThatMustReapThem() {
        List<P> ps = new ArrayList<>(List.of(
                proc(1, new int[] {1}, HOST, null),
                proc(300, new int[] {300, 1}, ns(140, 240, 340), DOCKER)));
        // a zombie has left its cgroup (reads "/": no claim) and its namespaces
        ps.add(new P(301, 3010, new int[] {301, 7}, Namespaces.none(), null, 300, true));
        ps.add(new P(302, 3020, new int[] {302}, Namespaces.none(), null, 1, true));
        List<ProcessGroup<P>> g = ContainerGrouper.group(ps, HOST);
        assertThat(g).singleElement().satisfies(c -> assertThat(c.members()).extracting(P::pid).containsExactly(300, 301));
    }

    @Test
    void unknownHostNamespacesNeverMakeSandboxes() {
        List<P> ps = List.of(proc(400, new int[] {400, 1}, ns(150, 250, 350), null));
        assertThat(ContainerGrouper.group(ps, Namespaces.none())).isEmpty();
    }
}
