package dev.nscope.proc;

/**
 * The namespace types nscope reports, in the contract's order, with the name of their link in
 * {@code /proc/<pid>/ns/} (namespaces(7)); {@code time} needs Linux 5.6, {@code cgroup} 4.6.
 */
public enum NamespaceType {
    PID("pid"), NET("net"), MNT("mnt"), UTS("uts"), IPC("ipc"), USER("user"), CGROUP("cgroup"), TIME("time");

    private static final NamespaceType[] ALL = values();

    private final String link;

    NamespaceType(String link) {
        this.link = link;
    }

    /** The link name under {@code ns/}, also the name used in JSON and metric labels. */
    public String link() {
        return link;
    }

    public static NamespaceType[] all() {
        return ALL;
    }

    /** The type for a link name, or null. */
    public static NamespaceType ofLink(String name) {
        for (NamespaceType t : ALL) {
            if (t.link.equals(name)) {
                return t;
            }
        }
        return null;
    }
}
