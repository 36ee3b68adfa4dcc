package dev.nscope.testing;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.container.Runtime;
import dev.nscope.isolation.Isolation;
import dev.nscope.pid1.Pid1Facts;
import dev.nscope.pid1.Signals;
import dev.nscope.proc.Namespaces;
import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcSyscall;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.KubernetesRef;
import dev.nscope.scan.Pid1Info;
import dev.nscope.scan.ProcessEntry;
import dev.nscope.scan.ProcessSummary;

import java.util.List;
import java.util.Map;

/**
 * Test data by name, not by position: {@code pid1().comm("tini").build()} instead of thirteen arguments,
 * {@code container("a").name("api").stats(s).build()} instead of twelve. Every field has a plain default.
 */
public final class TestData {
    private TestData() {
    }

    /** A PID 1: pid 100 started at tick 5000, {@code sleep}, nothing read, stopped with SIGTERM. */
    public static Pid1 pid1() {
        return new Pid1();
    }

    /** The same facts, to change a field or two. */
    public static Pid1 pid1(Pid1Facts f) {
        return new Pid1().pid(f.pid()).startTime(f.startTime()).comm(f.comm()).exe(f.exe()).argv(f.argv()).status(f.status())
                .syscall(f.syscall()).wchan(f.wchan()).stopSignal(f.stopSignal()).children(f.children())
                .otherZombies(f.otherZombies()).pidsMax(f.pidsMax()).pidsCurrent(f.pidsCurrent());
    }

    /** A docker container of one sleeping process, no figures, no findings. */
    public static Container container(String id) {
        return new Container(id);
    }

    /** The same container, to change a field or two. */
    public static Container container(ContainerSnapshot c) {
        return new Container(c.id()).runtime(c.runtime()).name(c.name()).image(c.image()).kubernetes(c.kubernetes())
                .cgroupPath(c.cgroupPath()).namespaces(c.namespaces()).pid1(c.pid1()).processes(c.processes()).stats(c.stats())
                .findings(c.findings()).processList(c.processList());
    }

    public static final class Pid1 {
        private int pid = 100;
        private long startTime = 5000;
        private String comm = "sleep";
        private String exe;
        private List<String> argv = List.of();
        private ProcStatus status;
        private ProcSyscall syscall;
        private String wchan;
        private int stopSignal = Signals.SIGTERM;
        private List<Pid1Facts.Child> children = List.of();
        private int otherZombies;
        private Long pidsMax;
        private Long pidsCurrent;

        public Pid1 pid(int v) { pid = v; return this; }
        public Pid1 startTime(long v) { startTime = v; return this; }
        public Pid1 comm(String v) { comm = v; return this; }
        public Pid1 exe(String v) { exe = v; return this; }
        public Pid1 argv(List<String> v) { argv = v; return this; }
        public Pid1 status(ProcStatus v) { status = v; return this; }
        public Pid1 syscall(ProcSyscall v) { syscall = v; return this; }
        public Pid1 wchan(String v) { wchan = v; return this; }
        public Pid1 stopSignal(int v) { stopSignal = v; return this; }
        public Pid1 children(List<Pid1Facts.Child> v) { children = v; return this; }
        public Pid1 otherZombies(int v) { otherZombies = v; return this; }
        public Pid1 pidsMax(Long v) { pidsMax = v; return this; }
        public Pid1 pidsCurrent(Long v) { pidsCurrent = v; return this; }

        public Pid1Facts build() {
            return new Pid1Facts(pid, startTime, comm, exe, argv, status, syscall, wchan, stopSignal, children, otherZombies,
                    pidsMax, pidsCurrent);
        }
    }

    public static final class Container {
        private String id;
        private Runtime runtime = Runtime.DOCKER;
        private String name;
        private String image;
        private KubernetesRef kubernetes;
        private String cgroupPath;
        private Namespaces namespaces = Namespaces.none();
        private Pid1Info pid1;
        private Isolation isolation;
        private java.time.Instant startedAt;
        private int restarts;
        private ProcessSummary processes = new ProcessSummary(1, 1, 0, Map.of("S", 1));
        private ContainerStats stats = ContainerStats.NONE;
        private List<Finding> findings = List.of();
        private List<ProcessEntry> processList = List.of();

        private Container(String id) {
            this.id = id;
        }

        public Container id(String v) { id = v; return this; }
        public Container runtime(Runtime v) { runtime = v; return this; }
        public Container name(String v) { name = v; return this; }
        public Container image(String v) { image = v; return this; }
        public Container kubernetes(KubernetesRef v) { kubernetes = v; return this; }
        public Container cgroupPath(String v) { cgroupPath = v; return this; }
        public Container namespaces(Namespaces v) { namespaces = v; return this; }
        public Container pid1(Pid1Info v) { pid1 = v; return this; }
        public Container isolation(Isolation v) { isolation = v; return this; }
        public Container startedAt(java.time.Instant v) { startedAt = v; return this; }
        public Container restarts(int v) { restarts = v; return this; }
        public Container processes(ProcessSummary v) { processes = v; return this; }
        public Container stats(ContainerStats v) { stats = v; return this; }
        public Container findings(List<Finding> v) { findings = v; return this; }
        public Container processList(List<ProcessEntry> v) { processList = v; return this; }

        public ContainerSnapshot build() {
            return new ContainerSnapshot(id, runtime, name, image, kubernetes, cgroupPath, namespaces, pid1, startedAt, restarts, isolation, processes, stats,
                    findings, processList);
        }
    }
}
