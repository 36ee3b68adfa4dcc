package dev.nscope.container;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.FileBytes;
import dev.nscope.host.KernelErrors;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads names, images, Kubernetes identity and stop signals from the runtimes' own files, no sockets:
 * Docker's {@code config.v2.json} (+ {@code hostconfig.json}), and the OCI {@code config.json} bundles
 * of containerd, CRI-O and podman with their {@code io.kubernetes.*} annotations. Paths are built only
 * from ids a {@link RuntimeRecognizer} validated (64 hex, or a checked name), so nothing outside the
 * state directories is ever opened. Results are cached per container and re-read every
 * {@link #REFRESH_NANOS}.
 */
public final class RuntimeMetadataReader {
    static final long REFRESH_NANOS = 60_000_000_000L;
    private static final List<String> NAME = MetadataJson.path("Name");
    private static final List<String> IMAGE = MetadataJson.path("Config", "Image");
    private static final List<String> STOP_SIGNAL = MetadataJson.path("Config", "StopSignal");
    private static final List<String> LABELS = MetadataJson.path("Config", "Labels");
    private static final List<String> INIT = MetadataJson.path("Init");
    private static final List<String> ANNOTATIONS = MetadataJson.path("annotations");
    private static final Pattern HEX64 = Pattern.compile(Recognizers.HEX64);
    private static final Pattern ROOTLESS_UID = Pattern.compile("/user@(\\d{1,10})\\.service/");

    private final RuntimeDirs dirs;
    private final FileBytes buf = new FileBytes(16 << 10, 8 << 20);
    private final Map<String, Cached> cache = new java.util.HashMap<>();
    private ErrorCounts errors;

    private record Cached(ContainerMetadata metadata, long readAt) {
    }

    public RuntimeMetadataReader(RuntimeDirs dirs) {
        this.dirs = dirs;
    }

    /** The metadata of a claimed container ({@link ContainerMetadata#EMPTY} when none is found). */
    public synchronized ContainerMetadata lookup(CgroupClaim claim, long nowNanos, ErrorCounts errors) {
        String key = claim.runtime().label() + "/" + claim.id();
        Cached c = cache.get(key);
        if (c != null && nowNanos - c.readAt < REFRESH_NANOS) {
            return c.metadata;
        }
        this.errors = errors;
        ContainerMetadata m = read(claim);
        this.errors = null;
        cache.put(key, new Cached(m, nowNanos));
        return m;
    }

    /** Drops cached entries of containers not in {@code liveKeys} ("runtime/id"). */
    public synchronized void retain(java.util.Set<String> liveKeys) {
        cache.keySet().retainAll(liveKeys);
    }

    ContainerMetadata read(CgroupClaim claim) {
        String id = claim.id();
        boolean hexId = HEX64.matcher(id).matches();
        switch (claim.runtime()) {
            case DOCKER -> {
                return hexId ? docker(id) : ContainerMetadata.EMPTY;
            }
            case CONTAINERD -> {
                if (!hexId) {
                    return ContainerMetadata.EMPTY;
                }
                ContainerMetadata m = containerd(id);
                // a CRI container under the cgroupfs driver may be Docker's (cri-dockerd)
                return m.isEmpty() ? docker(id) : m;
            }
            case CRIO, PODMAN -> {
                if (!hexId) {
                    return ContainerMetadata.EMPTY;
                }
                List<Path> roots = new ArrayList<>(dirs.containersStorage());
                Matcher u = ROOTLESS_UID.matcher(claim.scopePath() + "/");
                if (u.find()) {
                    roots.add(0, dirs.userRuntimeDir().resolve(u.group(1)).resolve("containers"));
                }
                for (Path root : roots) {
                    ContainerMetadata m = oci(root.resolve("overlay-containers").resolve(id).resolve("userdata/config.json"));
                    if (!m.isEmpty()) {
                        return m;
                    }
                }
                return ContainerMetadata.EMPTY;
            }
            default -> {
                return ContainerMetadata.EMPTY;
            }
        }
    }

    private ContainerMetadata docker(String id) {
        Path dir = dirs.dockerRoot().resolve("containers").resolve(id);
        MetadataJson.Fields config = readJson(dir.resolve("config.v2.json"), NAME, IMAGE, STOP_SIGNAL, LABELS);
        if (config == null) {
            return ContainerMetadata.EMPTY;
        }
        MetadataJson.Fields host = readJson(dir.resolve("hostconfig.json"), INIT);
        Map<String, String> labels = config.strings(LABELS);
        String name = config.string(NAME);
        if (name != null && name.startsWith("/")) {
            name = name.substring(1);
        }
        String k8sContainer = labels.get("io.kubernetes.container.name");
        Boolean init = host == null ? null : host.bool(INIT);
        return new ContainerMetadata(name, config.string(IMAGE), config.string(STOP_SIGNAL),
                labels.get("io.kubernetes.pod.name"), labels.get("io.kubernetes.pod.namespace"),
                labels.get("io.kubernetes.pod.uid"), "POD".equals(k8sContainer) ? null : k8sContainer,
                "POD".equals(k8sContainer), init, Map.copyOf(labels), dir.resolve("config.v2.json").toString());
    }

    private ContainerMetadata containerd(String id) {
        for (String shim : List.of("io.containerd.runtime.v2.task", "io.containerd.runtime.v1.linux")) {
            File[] namespaces = dirs.containerdState().resolve(shim).toFile().listFiles(File::isDirectory);
            if (namespaces == null) {
                continue;
            }
            for (File ns : namespaces) {
                ContainerMetadata m = oci(ns.toPath().resolve(id).resolve("config.json"));
                if (!m.isEmpty()) {
                    return m;
                }
            }
        }
        return ContainerMetadata.EMPTY;
    }

    /** An OCI runtime config with the annotations containerd's CRI plugin, CRI-O or podman put there. */
    private ContainerMetadata oci(Path file) {
        MetadataJson.Fields config = readJson(file, ANNOTATIONS);
        if (config == null) {
            return ContainerMetadata.EMPTY;
        }
        Map<String, String> a = config.strings(ANNOTATIONS);
        String type = first(a, "io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType");
        boolean sandbox = "sandbox".equals(type);
        String podName = first(a, "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name");
        String podNs = first(a, "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace");
        String podUid = first(a, "io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid");
        String container = sandbox ? null : first(a, "io.kubernetes.cri.container-name", "io.kubernetes.container.name");
        String image = first(a, "io.kubernetes.cri.image-name", "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.Image",
                "org.opencontainers.image.ref.name");
        String name = container != null ? container
                : sandbox ? "POD" : first(a, "nerdctl/name", "io.podman.annotations.name");
        return new ContainerMetadata(name, image, a.get("org.opencontainers.image.stopSignal"),
                podName, podNs, podUid, container, sandbox, null, Map.copyOf(a), file.toString());
    }

    private static String first(Map<String, String> m, String... keys) {
        for (String k : keys) {
            String v = m.get(k);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /** The wanted fields of a metadata file, or null when it is absent or cannot be read (then counted, unless absent). */
    @SafeVarargs
    private MetadataJson.Fields readJson(Path file, List<String>... wanted) {
        try {
            buf.read(file.toString());
            return MetadataJson.read(buf.data(), buf.length(), List.of(wanted));
        } catch (IOException e) {
            // no file is the normal case of a container without metadata; anything else is counted
            if (!KernelErrors.isAbsent(e) && errors != null) {
                errors.count(e);
            }
            return null;
        }
    }
}
