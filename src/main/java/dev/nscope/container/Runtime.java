package dev.nscope.container;

/** Who made a container; the label is the contract's {@code runtime} value. */
public enum Runtime {
    DOCKER("docker"),
    CONTAINERD("containerd"),
    CRIO("cri-o"),
    PODMAN("podman"),
    LXC("lxc"),
    NSPAWN("systemd-nspawn"),
    /** Processes with their own namespaces that no runtime claims (unshare, bwrap, ip netns …). */
    SANDBOX("sandbox");

    private final String label;

    Runtime(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
