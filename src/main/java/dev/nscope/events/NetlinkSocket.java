package dev.nscope.events;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A netlink socket of the connector family subscribed to the process events group, through libc by JNA direct
 * mapping (as {@code host.NativeFiles} reads files): {@code socket(AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR)},
 * a receive buffer of a bounded size ({@code SO_RCVBUFFORCE}, which CAP_NET_ADMIN allows past
 * {@code net.core.rmem_max}, else {@code SO_RCVBUF}), a receive timeout so that the reading thread sees a stop
 * within {@link #TIMEOUT_MILLIS}, and {@code bind} to group {@code CN_IDX_PROC}. The socket constants are those
 * of the asm-generic ABI (x86_64, aarch64, riscv64) and powerpc; {@link #UNSUPPORTED} says why not elsewhere.
 */
final class NetlinkSocket implements AutoCloseable {
    static final boolean AVAILABLE;
    /** Null where the constants below are right; else the one-line reason. */
    static final String UNSUPPORTED;
    static final int TIMEOUT_MILLIS = 200;
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EPROTONOSUPPORT = 93;
    static final int ENOBUFS = 105;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_CONNECTOR = 11;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVBUFFORCE = 33;
    private static final int SO_RCVTIMEO = Platform.isPPC() ? 18 : 20;
    private static final int MSG_DONTWAIT = 0x40;

    static {
        boolean ok = false;
        String arch = Platform.ARCH;
        String unsupported = null;
        if (!Platform.isLinux()) {
            unsupported = "not Linux";
        } else if (!(arch.equals("x86-64") || arch.equals("aarch64") || arch.equals("riscv64") || arch.equals("ppc64le"))) {
            unsupported = "the netlink constants of architecture " + arch + " are not known to nscope";
        } else {
            try {
                Native.register(NetlinkSocket.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
                ok = true;
            } catch (LinkageError | RuntimeException e) {
                unsupported = "libc could not be loaded through JNA (" + e.getMessage() + ")";
            }
        }
        AVAILABLE = ok;
        UNSUPPORTED = unsupported;
    }

    private static native int socket(int domain, int type, int protocol);

    private static native int bind(int fd, byte[] addr, int len);

    private static native int setsockopt(int fd, int level, int name, Pointer value, int len);

    private static native int getsockopt(int fd, int level, int name, Pointer value, Pointer len);

    private static native long send(int fd, byte[] buf, long len, int flags);

    private static native long recv(int fd, Pointer buf, long len, int flags);

    private static native int close(int fd);

    /** A failed call, with its errno. */
    static final class NetlinkException extends IOException {
        final int errno;

        NetlinkException(String call, int errno) {
            super(call + ": errno " + errno);
            this.errno = errno;
        }

        /** Why the process events cannot be had, in the words of {@code node.warnings}. */
        String reason() {
            return switch (errno) {
                case EPROTONOSUPPORT -> "the kernel has no process events connector (CONFIG_PROC_EVENTS)";
                case EPERM, EACCES -> "no CAP_NET_ADMIN, which Linux before 6.6 needs for process events (" + getMessage() + ")";
                default -> "the process events connector could not be opened (" + getMessage() + ")";
            };
        }
    }

    private final int fd;
    private final Memory buffer = new Memory(8192);
    private final byte[] bytes = new byte[8192];
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** A socket bound to the process events group with a receive buffer of about {@code receiveBuffer} bytes. */
    static NetlinkSocket open(int receiveBuffer) throws NetlinkException {
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
        if (fd < 0) {
            throw new NetlinkException("socket", Native.getLastError());
        }
        NetlinkSocket s = new NetlinkSocket(fd);
        try (Memory v = new Memory(16)) {
            v.setInt(0, receiveBuffer);
            if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, v, 4) != 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, v, 4) != 0) {
                throw new NetlinkException("setsockopt SO_RCVBUF", Native.getLastError());
            }
            // struct timeval: two longs (64-bit only, see UNSUPPORTED)
            v.setLong(0, 0);
            v.setLong(8, TIMEOUT_MILLIS * 1000L);
            if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, v, 16) != 0) {
                throw new NetlinkException("setsockopt SO_RCVTIMEO", Native.getLastError());
            }
            // struct sockaddr_nl: family, pad, nl_pid 0 (the kernel assigns one), nl_groups
            ByteBuffer addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
            addr.putShort((short) AF_NETLINK).putShort((short) 0).putInt(0).putInt(ProcEventMessage.CN_IDX_PROC);
            if (bind(fd, addr.array(), 12) != 0) {
                throw new NetlinkException("bind", Native.getLastError());
            }
        } catch (NetlinkException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The receive buffer the kernel granted (it doubles what was asked, for its bookkeeping). */
    int receiveBuffer() {
        if (closed) {
            return -1;
        }
        try (Memory v = new Memory(4); Memory len = new Memory(4)) {
            len.setInt(0, 4);
            return getsockopt(fd, SOL_SOCKET, SO_RCVBUF, v, len) == 0 ? v.getInt(0) : -1;
        }
    }

    void send(byte[] message) throws NetlinkException {
        if (closed) {
            throw new NetlinkException("send on a closed socket", 9);
        }
        while (send(fd, message, message.length, 0) < 0) {
            int errno = Native.getLastError();
            if (errno != EINTR) {
                throw new NetlinkException("send", errno);
            }
        }
    }

    /**
     * One datagram into {@link #bytes()}: its length, or minus the errno ({@code -EAGAIN} when none came within the
     * timeout, or at once when {@code wait} is false; {@code -ENOBUFS} when the kernel dropped messages).
     */
    int receive(boolean wait) {
        long n = recv(fd, buffer, buffer.size(), wait ? 0 : MSG_DONTWAIT);
        if (n < 0) {
            return -Native.getLastError();
        }
        buffer.read(0, bytes, 0, (int) n);
        return (int) n;
    }

    /** The bytes of the last datagram received. */
    byte[] bytes() {
        return bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            close(fd);
            buffer.close();
        }
    }
}
