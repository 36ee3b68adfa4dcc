package dev.nscope.host;

/**
 * Why something the scanner wanted could not be used. Each kind is counted per scan, in the snapshot
 * and in {@code nscope_scan_errors_total{kind}}.
 */
public enum ErrorKind {
    /** The process exited between listing and reading (ENOENT, ESRCH): normal churn, not a failure. */
    VANISHED("vanished"),
    /**
     * The kernel refused (EACCES, EPERM): typically namespace links or syscall without ptrace rights; or nscope
     * refused a file in a user's directory that the user does not own.
     */
    PERMISSION("permission"),
    /** The file was read but its content does not have the kernel's format. */
    MALFORMED("malformed"),
    /** The file is larger than nscope reads (the size cap). */
    TOO_LARGE("too_large"),
    /**
     * Any other I/O failure (EIO, a loop of links, a directory where a file was expected …), and a file a user
     * may place that was refused unread: a symbolic link, a FIFO, a device.
     */
    IO("io"),
    /**
     * A string from outside the kernel (a name, image or label in a runtime's metadata) longer than nscope keeps:
     * kept cut, with a marker, so that no such value can make every series of a container and the document huge.
     */
    TRUNCATED("truncated");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** The label used in JSON and metrics. */
    public String label() {
        return label;
    }
}
