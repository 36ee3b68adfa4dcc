package dev.nscope.cgroup;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cgroup hierarchies mounted under {@code ${sysfs}/fs/cgroup}, found by looking at that directory
 * (the tree nscope reads, so a fixture and the host are detected the same way):
 * <ul>
 *   <li>a {@code cgroup.controllers} file at the root: pure cgroup v2;</li>
 *   <li>otherwise each real subdirectory is a v1 hierarchy named after its controllers
 *       ({@code cpu,cpuacct}; {@code systemd} is the named hierarchy {@code name=systemd}); symlinks
 *       such as {@code cpu -> cpu,cpuacct} are aliases and skipped;</li>
 *   <li>a v2 hierarchy at {@code unified} beside v1 ones: hybrid.</li>
 * </ul>
 */
public final class CgroupLayout {
    /** v1 controllers the kernel knows; anything else under the root is ignored. */
    private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "blkio", "io",
            "pids", "devices", "freezer", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc");

    private final CgroupVersion version;
    private final List<Hierarchy> hierarchies;
    private final Hierarchy unified;
    private final List<Hierarchy> namingOrder;

    private CgroupLayout(CgroupVersion version, List<Hierarchy> hierarchies) {
        this.version = version;
        this.hierarchies = Collections.unmodifiableList(hierarchies);
        Hierarchy u = null;
        for (Hierarchy h : hierarchies) {
            if (h.unified()) {
                u = h;
            }
        }
        this.unified = u;
        this.namingOrder = computeNamingOrder();
    }

    /** Per controller, the hierarchy {@link #forController} gives (looked up per container and pass). */
    private final Map<String, Optional<Hierarchy>> byController = new ConcurrentHashMap<>();

    public static CgroupLayout detect(Path cgroupRoot) {
        if (Files.isRegularFile(cgroupRoot.resolve("cgroup.controllers"))) {
            return new CgroupLayout(CgroupVersion.V2,
                    List.of(new Hierarchy(0, "", cgroupRoot, Set.of(), true)));
        }
        String[] names = cgroupRoot.toFile().list();
        if (names == null) {
            return new CgroupLayout(CgroupVersion.V1, List.of());
        }
        Arrays.sort(names);
        List<Hierarchy> out = new ArrayList<>();
        boolean hasUnified = false;
        for (String name : names) {
            Path dir = cgroupRoot.resolve(name);
            if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir)) {
                continue;
            }
            if (Files.isRegularFile(dir.resolve("cgroup.controllers"))) {
                out.add(new Hierarchy(out.size(), name, dir, Set.of(), true));
                hasUnified = true;
                continue;
            }
            Set<String> controllers = new LinkedHashSet<>();
            if (name.equals("systemd") || name.equals("elogind")) {
                controllers.add("name=" + name);
            } else {
                for (String c : name.split(",")) {
                    if (V1_CONTROLLERS.contains(c)) {
                        controllers.add(c);
                    }
                }
            }
            if (!controllers.isEmpty() || looksLikeHierarchy(dir)) {
                if (controllers.isEmpty()) {
                    controllers.add("name=" + name);
                }
                out.add(new Hierarchy(out.size(), name, dir, Set.copyOf(controllers), false));
            }
        }
        boolean hasV1 = out.stream().anyMatch(h -> !h.unified());
        return new CgroupLayout(hasV1 ? (hasUnified ? CgroupVersion.HYBRID : CgroupVersion.V1) : CgroupVersion.V2, out);
    }

    private static boolean looksLikeHierarchy(Path dir) {
        return new File(dir.toFile(), "cgroup.procs").isFile();
    }

    public CgroupVersion version() {
        return version;
    }

    public List<Hierarchy> hierarchies() {
        return hierarchies;
    }

    /** The v2 hierarchy (pure v2 or the hybrid {@code unified} one), or null on pure v1. */
    public Hierarchy unified() {
        return unified;
    }

    /**
     * Where a controller's files are read: on v1 and hybrid, the v1 hierarchy that carries it; on pure
     * v2, the unified hierarchy (when it has the controller enabled). Null when nothing carries it.
     */
    public Hierarchy forController(String controller) {
        return byController.computeIfAbsent(controller, c -> Optional.ofNullable(findController(c))).orElse(null);
    }

    private Hierarchy findController(String controller) {
        for (Hierarchy h : hierarchies) {
            if (!h.unified() && h.has(controller)) {
                return h;
            }
        }
        return version == CgroupVersion.V2 ? unified : null;
    }

    /**
     * The hierarchy a {@code /proc/<pid>/cgroup} line refers to: the v2 one for {@code 0::}, else the
     * v1 hierarchy carrying the line's first controller. Null when the line names no mounted hierarchy.
     */
    public Hierarchy forLine(int hierarchyId, String controllers) {
        if (hierarchyId == 0 && controllers.isEmpty()) {
            return unified;
        }
        int comma = controllers.indexOf(',');
        String first = comma < 0 ? controllers : controllers.substring(0, comma);
        for (Hierarchy h : hierarchies) {
            if (!h.unified() && h.has(first)) {
                return h;
            }
        }
        return null;
    }

    /**
     * The order in which hierarchies are tried when naming containers: the ones runtimes always
     * create a per-container cgroup in (pids, memory, cpu …) before those a host may manage itself,
     * and the v2 hierarchy last on hybrid hosts (on pure v2 it is the only one).
     */
    public List<Hierarchy> namingOrder() {
        return namingOrder;
    }

    private List<Hierarchy> computeNamingOrder() {
        List<String> preferred = List.of("pids", "memory", "cpu", "cpuacct", "name=systemd", "devices", "freezer",
                "blkio", "cpuset");
        List<Hierarchy> out = new ArrayList<>();
        for (String c : preferred) {
            for (Hierarchy h : hierarchies) {
                if (!h.unified() && h.has(c) && !out.contains(h)) {
                    out.add(h);
                }
            }
        }
        for (Hierarchy h : hierarchies) {
            if (!h.unified() && !out.contains(h)) {
                out.add(h);
            }
        }
        if (unified != null) {
            out.add(unified);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "CgroupLayout[" + version.label() + " " + hierarchies.stream().map(Hierarchy::name).toList() + "]";
    }
}
