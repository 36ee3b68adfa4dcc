package dev.nscope.cgroup;

/** How the host mounts its cgroup hierarchies. */
public enum CgroupVersion {
    /** Only v1 controller hierarchies. */
    V1("v1"),
    /** One unified v2 hierarchy at the cgroup root. */
    V2("v2"),
    /** v1 controller hierarchies plus a v2 hierarchy (usually without controllers) at {@code unified}. */
    HYBRID("hybrid");

    private final String label;

    CgroupVersion(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
