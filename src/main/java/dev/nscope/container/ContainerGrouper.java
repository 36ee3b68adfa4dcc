package dev.nscope.container;

import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the processes of a host into containers.
 *
 * <p>Design note. A container is a set of processes with their own namespaces, kept in a cgroup.
 * Runtimes name their containers in the cgroup path, so a process whose cgroup a runtime claims
 * belongs to that container, whatever its namespaces: a runtime's cgroup may also hold processes of
 * the host's pid namespace (a shim, the {@code unshare} that started it, an {@code exec}'d helper).
 * Those count as the container's processes but are never its PID 1. Processes no runtime claims
 * stay with the host unless they have namespaces of their own: those in a pid namespace other than
 * the host's form a {@link Runtime#SANDBOX} keyed by that namespace ({@code pidns-<inode>}); an
 * unclaimed process in the host's pid namespace but another network namespace joins the pid-namespace
 * sandbox with that network namespace (the {@code unshare} parent of a sandbox), or else forms a
 * network-namespace sandbox ({@code netns-<inode>}, e.g. {@code ip netns exec}).
 *
 * <p>A zombie has already left its cgroup and namespaces; it goes with its parent (which must reap it),
 * or with the host when the parent does.
 *
 * <p>PID 1 is the member whose last NSpid entry is 1 in the shallowest nested pid namespace (earliest
 * start breaks ties). The container's namespaces are PID 1's, completed by the majority of members
 * where PID 1's links could not be read.
 */
public final class ContainerGrouper {
    private ContainerGrouper() {
    }

    public static <P extends GroupableProcess> List<ProcessGroup<P>> group(List<P> processes, Namespaces host) {
        Map<ContainerKey, List<P>> claimed = new LinkedHashMap<>();
        Map<ContainerKey, CgroupClaim> claims = new HashMap<>();
        Map<Long, List<P>> byPidNs = new LinkedHashMap<>();
        List<P> hostPidNs = new ArrayList<>();
        long hostPid = host.get(NamespaceType.PID);
        long hostNet = host.get(NamespaceType.NET);

        List<P> zombies = new ArrayList<>();
        for (P p : processes) {
            if (p.zombie()) {
                zombies.add(p);
                continue;
            }
            CgroupClaim c = p.claim();
            if (c != null) {
                ContainerKey key = ContainerKey.of(c);
                claimed.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
                claims.putIfAbsent(key, c);
                continue;
            }
            long pidNs = p.namespaces().get(NamespaceType.PID);
            if (pidNs != Namespaces.UNKNOWN && hostPid != Namespaces.UNKNOWN && pidNs != hostPid) {
                byPidNs.computeIfAbsent(pidNs, k -> new ArrayList<>()).add(p);
            } else {
                hostPidNs.add(p);
            }
        }

        // unclaimed processes of the host's pid namespace in another network namespace
        Map<Long, Long> netToPidNs = new HashMap<>();
        byPidNs.forEach((pidNs, members) -> {
            for (P m : members) {
                long net = m.namespaces().get(NamespaceType.NET);
                if (net != Namespaces.UNKNOWN && net != hostNet) {
                    netToPidNs.putIfAbsent(net, pidNs);
                }
            }
        });
        Map<Long, List<P>> byNetNs = new LinkedHashMap<>();
        for (P p : hostPidNs) {
            long net = p.namespaces().get(NamespaceType.NET);
            if (net == Namespaces.UNKNOWN || hostNet == Namespaces.UNKNOWN || net == hostNet) {
                continue;
            }
            Long pidNs = netToPidNs.get(net);
            if (pidNs != null) {
                byPidNs.get(pidNs).add(p);
            } else {
                byNetNs.computeIfAbsent(net, k -> new ArrayList<>()).add(p);
            }
        }

        placeZombies(zombies, claimed, byPidNs, byNetNs);
        for (Map<?, List<P>> m : List.<Map<?, List<P>>>of(claimed, byPidNs, byNetNs)) {
            for (List<P> members : m.values()) {
                members.sort(Comparator.comparingInt(GroupableProcess::pid));
            }
        }

        List<ProcessGroup<P>> out = new ArrayList<>();
        claimed.forEach((key, members) -> {
            CgroupClaim c = claims.get(key);
            P pid1 = pid1(members, Namespaces.UNKNOWN);
            out.add(new ProcessGroup<>(c.runtime(), c.id(), c, List.copyOf(members), pid1, namespaces(members, pid1)));
        });
        byPidNs.forEach((pidNs, members) -> {
            P pid1 = pid1(members, pidNs);
            out.add(new ProcessGroup<>(Runtime.SANDBOX, "pidns-" + pidNs, null, List.copyOf(members), pid1,
                    namespaces(members, pid1)));
        });
        byNetNs.forEach((netNs, members) -> out.add(new ProcessGroup<>(Runtime.SANDBOX, "netns-" + netNs, null,
                List.copyOf(members), null, namespaces(members, null))));
        out.sort(Comparator.comparing((ProcessGroup<P> g) -> g.runtime().label()).thenComparing(ProcessGroup::id));
        return out;
    }

    /** Adds each zombie to the member list its parent is in. */
    private static <P extends GroupableProcess> void placeZombies(List<P> zombies, Map<ContainerKey, List<P>> claimed,
                                                                  Map<Long, List<P>> byPidNs, Map<Long, List<P>> byNetNs) {
        if (zombies.isEmpty()) {
            return;
        }
        Map<Integer, List<P>> listOf = new HashMap<>();
        for (Map<?, List<P>> m : List.<Map<?, List<P>>>of(claimed, byPidNs, byNetNs)) {
            for (List<P> members : m.values()) {
                for (P p : members) {
                    listOf.put(p.pid(), members);
                }
            }
        }
        for (P z : zombies) {
            List<P> members = listOf.get(z.ppid());
            if (members != null) {
                members.add(z);
            }
        }
    }

    /** The member that is PID 1 of the shallowest nested pid namespace (of {@code pidNs} if known). */
    static <P extends GroupableProcess> P pid1(List<P> members, long pidNs) {
        P best = null;
        for (P p : members) {
            int[] ns = p.nsPid();
            if (ns == null || ns.length < 2 || ns[ns.length - 1] != 1) {
                continue;
            }
            if (pidNs != Namespaces.UNKNOWN && p.namespaces().get(NamespaceType.PID) != pidNs) {
                continue;
            }
            if (best == null || ns.length < best.nsPid().length
                    || (ns.length == best.nsPid().length && p.startTime() < best.startTime())) {
                best = p;
            }
        }
        return best;
    }

    /** PID 1's namespaces, with unknown types (and all types without a PID 1) from the members' majority. */
    public static <P extends GroupableProcess> Namespaces namespaces(List<P> members, P pid1) {
        Namespaces own = pid1 == null ? null : pid1.namespaces();
        long[] majority = null;
        for (NamespaceType t : NamespaceType.all()) {
            if (own != null && own.known(t)) {
                continue;
            }
            if (majority == null) {
                majority = new long[NamespaceType.all().length];
            }
            majority[t.ordinal()] = majority(members, t);
        }
        if (majority == null) {
            return own; // every link of PID 1 known: no vote needed (the common case, and no allocation)
        }
        Namespaces m = Namespaces.of(majority);
        return own == null ? m : own.orElse(m);
    }

    /**
     * The inode most members have for {@code t}; of two as frequent, the first to get there. Usually all
     * agree, which one pass finds without counting.
     */
    private static <P extends GroupableProcess> long majority(List<P> members, NamespaceType t) {
        long first = Namespaces.UNKNOWN;
        boolean mixed = false;
        for (P p : members) {
            long v = p.namespaces().get(t);
            if (v == Namespaces.UNKNOWN) {
                continue;
            }
            if (first == Namespaces.UNKNOWN) {
                first = v;
            } else if (v != first) {
                mixed = true;
                break;
            }
        }
        if (!mixed) {
            return first;
        }
        Map<Long, Integer> votes = new HashMap<>();
        long best = Namespaces.UNKNOWN;
        int bestVotes = 0;
        for (P p : members) {
            long v = p.namespaces().get(t);
            if (v == Namespaces.UNKNOWN) {
                continue;
            }
            int n = votes.merge(v, 1, Integer::sum);
            if (n > bestVotes) {
                best = v;
                bestVotes = n;
            }
        }
        return best;
    }
}
