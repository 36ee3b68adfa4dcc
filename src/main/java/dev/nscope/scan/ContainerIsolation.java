package dev.nscope.scan;

import dev.nscope.cgroup.CgroupLayout;
import dev.nscope.cgroup.Hierarchy;
import dev.nscope.container.RuntimeDirs;
import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.KernelErrors;
import dev.nscope.isolation.Capabilities;
import dev.nscope.isolation.Confinement;
import dev.nscope.isolation.HostMounts;
import dev.nscope.isolation.HostPathPolicy;
import dev.nscope.isolation.Isolation;
import dev.nscope.isolation.IsolationFacts;
import dev.nscope.isolation.MountView;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcIdMap;
import dev.nscope.proc.ProcMountinfo;
import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcessIdentity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's {@link Isolation}: its mount table, id maps and LSM label are read once per identity of the
 * process it is read from (PID 1, else the container's first process), like the namespace links; the host's
 * mount table at most once per pass, and only in a pass that reads some container's. The privileges follow
 * PID 1's {@code status} as the PID-1 look reads it; the other members' capabilities are those the scan read
 * from their {@code status} when they started or exec'd. A pass in which none of that changed hands back
 * the last pass's facts, the same object. Reads nothing it cannot keep: a capture without these files, or a
 * kernel without them, leaves the facts null (and is not counted); a damaged file is counted.
 */
final class ContainerIsolation {
    /** The largest mount table read (a node with thousands of containers has a host table of megabytes). */
    static final int MOUNTINFO_CAP = 32 << 20;

    private final HostPaths paths;
    private final CgroupLayout layout;
    private final HostPathPolicy policy;
    private final FileBytes buf = new FileBytes(16 << 10, MOUNTINFO_CAP);
    private final FileBytes small = new FileBytes(512, 64 << 10);
    private int lastCap = -2;
    private long hostTablePass = -1;
    private HostMounts hostTable;

    ContainerIsolation(HostPaths paths, CgroupLayout layout, RuntimeDirs dirs) {
        this.paths = paths;
        this.layout = layout;
        this.policy = new HostPathPolicy(dirs.perContainerFileDirs());
    }

    /** What is read once per identity of the process the isolation is read from. */
    static final class Base {
        final ProcessIdentity of;
        final Namespaces namespaces;
        final MountView.View view;
        final ProcIdMap uidMap;
        final ProcIdMap gidMap;
        final Confinement.Labels labels;
        /** The subject's status when it is not a PID 1 (a PID 1's comes with each look). */
        final ProcStatus status;
        String devices;
        boolean devicesRead;

        Base(ProcessIdentity of, Namespaces namespaces, MountView.View view, ProcIdMap uidMap, ProcIdMap gidMap,
             Confinement.Labels labels, ProcStatus status) {
            this.of = of;
            this.namespaces = namespaces;
            this.view = view;
            this.uidMap = uidMap;
            this.gidMap = gidMap;
            this.labels = labels;
            this.status = status;
        }
    }

    /** What a container carries of its isolation between passes (in {@link PassMemory.Container}). */
    static final class Carried {
        Base base;
        IsolationFacts facts;
        ProcStatus status;
        Members members;
        Namespaces host;
    }

    /**
     * The isolation facts of a container in this pass.
     *
     * @param subject    PID 1, else its first live process; null: none (no facts)
     * @param pid1Status PID 1's status of this look (null when it is not a PID 1, or it could not be read)
     * @param members    the container's members as this pass has them (the same object while they are the same)
     */
    IsolationFacts facts(Carried c, ProcessInfo subject, boolean isPid1, ProcStatus pid1Status, Namespaces ns,
                         Members members, List<ProcessInfo> processes, ThisPass pass, long passNumber) {
        if (subject == null) {
            c.base = null;
            c.facts = null;
            return null;
        }
        ProcessIdentity id = subject.identity();
        if (c.base == null || !c.base.of.equals(id) || !c.base.namespaces.equals(ns)) {
            c.base = readBase(subject, isPid1, ns, pass.host(), pass.errors(), passNumber);
            c.facts = null;
        }
        ProcStatus status = isPid1 ? pid1Status : c.base.status;
        if (c.facts != null && c.members == members && c.host == pass.host() && sameSecurity(c.status, status)) {
            return c.facts;
        }
        c.status = status;
        c.members = members;
        c.host = pass.host();
        IsolationFacts now = build(c.base, subject, status, ns, pass.host(), processes);
        if (!now.equals(c.facts)) {
            c.facts = now; // else the last pass's object stays: the document compares it cheaply
        }
        return c.facts;
    }

    private static boolean sameSecurity(ProcStatus a, ProcStatus b) {
        if (a == b) {
            return true;
        }
        return a != null && b != null && a.capEff() == b.capEff() && a.security().equals(b.security());
    }

    private IsolationFacts build(Base base, ProcessInfo subject, ProcStatus status, Namespaces ns, Namespaces host,
                                 List<ProcessInfo> processes) {
        int last = lastCap();
        Boolean ownUser = ns.known(NamespaceType.USER) && host.known(NamespaceType.USER)
                ? ns.get(NamespaceType.USER) != host.get(NamespaceType.USER) : null;
        Isolation.Privileges privileges = status == null ? null
                : Confinement.privileges(status, base.uidMap, base.gidMap, base.labels, ownUser, last);
        long effective = status == null ? -1 : status.capEff();
        List<Isolation.Member> elevated = new ArrayList<>();
        long extra = 0;
        if (effective != -1) {
            for (ProcessInfo p : processes) {
                if (p == subject || p.capEff == -1 || p.stat.isZombie()) {
                    continue;
                }
                long beyond = p.capEff & ~effective;
                if (beyond != 0) {
                    extra |= beyond;
                    if (elevated.size() < Isolation.MEMBERS_LISTED) {
                        elevated.add(new Isolation.Member(p.pid, p.stat.comm(), Capabilities.names(beyond, last)));
                    }
                }
            }
        }
        MountView.View view = base.view;
        Isolation iso = new Isolation(view == null ? null : view.rootfs(), view == null ? null : view.mounts(), privileges,
                Confinement.enter(subject.pid, ns, host), List.copyOf(elevated));
        boolean hostUser = Boolean.FALSE.equals(ownUser);
        int seccomp = status == null ? -1 : status.security().seccomp();
        IsolationFacts facts = new IsolationFacts(iso, effective, extra, seccomp, hostUser, null);
        if (facts.privileged()) {
            facts = new IsolationFacts(iso, effective, extra, seccomp, hostUser, devices(base, subject));
        }
        return facts;
    }

    private Base readBase(ProcessInfo subject, boolean isPid1, Namespaces ns, Namespaces host, ErrorCounts errors, long pass) {
        int pid = subject.pid;
        MountView.View view;
        if (ns.known(NamespaceType.MNT) && host.known(NamespaceType.MNT) && ns.get(NamespaceType.MNT) == host.get(NamespaceType.MNT)) {
            view = new MountView.View(null, List.of()); // the host's own mounts: the namespace rule says so
        } else {
            List<ProcMountinfo.Mount> mounts = mountinfo(pid, errors);
            view = mounts == null ? null : MountView.of(mounts, hostTable(errors, pass), policy);
        }
        ProcIdMap uidMap = idMap(pid, "uid_map", errors);
        ProcIdMap gidMap = idMap(pid, "gid_map", errors);
        byte[] apparmor = null;
        int apparmorLen = 0;
        if (read(small, pid, "attr/apparmor/current")) {
            apparmor = small.data().clone();
            apparmorLen = small.length();
        }
        byte[] current = null;
        int currentLen = 0;
        if (read(small, pid, "attr/current")) {
            current = small.data();
            currentLen = small.length();
        }
        Confinement.Labels labels = Confinement.labels(apparmor, apparmorLen, current, currentLen);
        ProcStatus status = null;
        if (!isPid1) {
            try {
                small.read(paths.pidFile(pid, "status"));
                status = ProcStatus.parse(small.data(), small.length());
            } catch (IOException e) {
                countUnlessAbsent(e, errors);
            }
        }
        return new Base(subject.identity(), ns, view, uidMap, gidMap, labels, status);
    }

    private List<ProcMountinfo.Mount> mountinfo(int pid, ErrorCounts errors) {
        try {
            buf.read(paths.pidFile(pid, "mountinfo"));
            return ProcMountinfo.parse(buf.data(), buf.length());
        } catch (IOException e) {
            countUnlessAbsent(e, errors);
            return null;
        }
    }

    /** The host's mount table, from its PID 1 (else kthreadd, in the same namespace), read at most once a pass. */
    private HostMounts hostTable(ErrorCounts errors, long pass) {
        if (hostTablePass != pass) {
            hostTablePass = pass;
            hostTable = null;
            for (int pid : new int[] {1, 2}) {
                try {
                    buf.read(paths.pidFile(pid, "mountinfo"));
                    hostTable = new HostMounts(ProcMountinfo.parse(buf.data(), buf.length()));
                    break;
                } catch (IOException e) {
                    if (pid == 2) {
                        countUnlessAbsent(e, errors);
                    }
                }
            }
        }
        return hostTable;
    }

    private ProcIdMap idMap(int pid, String file, ErrorCounts errors) {
        try {
            small.read(paths.pidFile(pid, file));
            return ProcIdMap.parse(small.data(), small.length());
        } catch (IOException e) {
            countUnlessAbsent(e, errors);
            return null;
        }
    }

    /** The first line of the subject's v1 {@code devices.list}, read once per identity and only for a privileged one. */
    private String devices(Base base, ProcessInfo subject) {
        if (!base.devicesRead) {
            base.devicesRead = true;
            Hierarchy h = layout.forController("devices");
            String path = h == null || h.unified() || subject.cgroups() == null ? null : subject.cgroups().get(h);
            if (path != null) {
                try {
                    small.read(h.resolve(path).resolve("devices.list").toString());
                    String s = new String(small.data(), 0, small.length(), StandardCharsets.UTF_8);
                    int nl = s.indexOf('\n');
                    base.devices = (nl < 0 ? s : s.substring(0, nl)).trim();
                } catch (IOException e) {
                    base.devices = null;
                }
            }
        }
        return base.devices;
    }

    /** The kernel's highest capability number, read once; -1 when the procfs lacks it (before 3.2, or a capture). */
    private int lastCap() {
        if (lastCap == -2) {
            lastCap = -1;
            try {
                small.read(paths.proc("sys/kernel/cap_last_cap"));
                lastCap = Integer.parseInt(new String(small.data(), 0, small.length(), StandardCharsets.US_ASCII).trim());
            } catch (IOException | NumberFormatException e) {
                lastCap = -1;
            }
        }
        return lastCap;
    }

    /** Reads a small file of {@code pid} into {@code into}; false when the kernel offers none (no LSM, an older kernel). */
    private boolean read(FileBytes into, int pid, String file) {
        try {
            into.read(paths.pidFile(pid, file));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void countUnlessAbsent(IOException e, ErrorCounts errors) {
        if (KernelErrors.classify(e) != ErrorKind.VANISHED) {
            errors.count(e);
        }
    }
}
