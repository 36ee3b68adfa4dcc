package dev.nscope.container;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.ErrorKind;
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
 * state directories is ever opened. How often a container's are read again is the scanner's pass memory's
 * to say.
 *
 * <p>Every file is read with {@link FileBytes#readUntrusted}: a symbolic link there is not followed, a
 * FIFO or device is refused without blocking, a file over {@link #MAX_FILE} is refused (too_large). The
 * configured state directories themselves, and the directories below them, are resolved as usual (a
 * symlinked {@code /var/lib/docker} keeps working): only root can change them. A user's runtime
 * directory ({@code /run/user/<uid>}) is the user's own, so there a file is read only when that uid
 * owns it, which also covers a directory there made a symlink to someone else's files.
 */
public final class RuntimeMetadataReader {
    /** The largest metadata file read; real ones are a few KiB. */
    static final int MAX_FILE = 8 << 20;
    private static final List<String> NAME = MetadataJson.path("Name");
    private static final List<String> IMAGE = MetadataJson.path("Config", "Image");
    private static final List<String> STOP_SIGNAL = MetadataJson.path("Config", "StopSignal");
    private static final List<String> LABELS = MetadataJson.path("Config", "Labels");
    private static final List<String> INIT = MetadataJson.path("Init");
    private static final List<String> ANNOTATIONS = MetadataJson.path("annotations");
    private static final Pattern HEX64 = Pattern.compile(Recognizers.HEX64);
    private static final Pattern ROOTLESS_UID = Pattern.compile("/user@(\\d{1,10})\\.service/");

    private final RuntimeDirs dirs;
    private final FileBytes buf = new FileBytes(16 << 10, MAX_FILE);
    /** The files refused (or malformed) while reading one container's metadata. */
    private final List<ErrorKind> failures = new ArrayList<>();

    /**
     * What one read of a container's metadata found, and the files refused or malformed on the way.
     *
     * @param failures counted again on every scan that uses this read: the problem lasts as long as the read
     */
    public record Read(ContainerMetadata metadata, List<ErrorKind> failures) {
        /** The metadata, with the failures counted in {@code errors}. */
        public ContainerMetadata counted(ErrorCounts errors) {
            failures.forEach(errors::count);
            return metadata;
        }
    }

    public RuntimeMetadataReader(RuntimeDirs dirs) {
        this.dirs = dirs;
    }

    /** The metadata of a claimed container ({@link ContainerMetadata#EMPTY} when none is found), read now. */
    public synchronized Read read(CgroupClaim claim) {
        failures.clear();
        ContainerMetadata m = BoundedStrings.bound(metadata(claim), failures);
        return new Read(m, List.copyOf(failures));
    }

    private ContainerMetadata metadata(CgroupClaim claim) {
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
                Matcher u = ROOTLESS_UID.matcher(claim.scopePath() + "/");
                if (u.find()) {
                    // rootless podman: the user's own storage, where only the user's own files count
                    long uid = Long.parseLong(u.group(1));
                    Path root = dirs.userRuntimeDir().resolve(u.group(1)).resolve("containers");
                    ContainerMetadata m = uid <= 0xffffffffL ? oci(bundle(root, id), uid) : ContainerMetadata.EMPTY;
                    if (!m.isEmpty()) {
                        return m;
                    }
                }
                for (Path root : dirs.containersStorage()) {
                    ContainerMetadata m = oci(bundle(root, id), FileBytes.ANY_OWNER);
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
        MetadataJson.Fields config = readJson(dir.resolve("config.v2.json"), FileBytes.ANY_OWNER, NAME, IMAGE, STOP_SIGNAL, LABELS);
        if (config == null) {
            return ContainerMetadata.EMPTY;
        }
        MetadataJson.Fields host = readJson(dir.resolve("hostconfig.json"), FileBytes.ANY_OWNER, INIT);
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
                ContainerMetadata m = oci(ns.toPath().resolve(id).resolve("config.json"), FileBytes.ANY_OWNER);
                if (!m.isEmpty()) {
                    return m;
                }
            }
        }
        return ContainerMetadata.EMPTY;
    }

    /** The OCI bundle's config of a container in a containers/storage root (CRI-O, podman). */
    private static Path bundle(Path storageRoot, String id) {
        return storageRoot.resolve("overlay-containers").resolve(id).resolve("userdata/config.json");
    }

    /** An OCI runtime config with the annotations containerd's CRI plugin, CRI-O or podman put there. */
    private ContainerMetadata oci(Path file, long owner) {
        MetadataJson.Fields config = readJson(file, owner, ANNOTATIONS);
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

    /** The wanted fields of a metadata file, or null when it is absent or refused (then counted, unless absent). */
    @SafeVarargs
    private MetadataJson.Fields readJson(Path file, long owner, List<String>... wanted) {
        try {
            buf.readUntrusted(file.toString(), owner);
            return MetadataJson.read(buf.data(), buf.length(), List.of(wanted));
        } catch (IOException e) {
            // no file is the normal case of a container without metadata; anything else is counted
            if (!KernelErrors.isAbsent(e)) {
                failures.add(KernelErrors.classify(e));
            }
            return null;
        }
    }
}
