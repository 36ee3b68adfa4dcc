package dev.nscope.events;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One message of the process events connector as a netlink socket receives it: {@code struct nlmsghdr}
 * (include/uapi/linux/netlink.h, 16 bytes), {@code struct cn_msg} (include/uapi/linux/connector.h, 20 bytes:
 * {@code idx}, {@code val}, {@code seq}, {@code ack}, {@code len}, {@code flags}) and {@code struct proc_event}
 * (include/uapi/linux/cn_proc.h: {@code what}, {@code cpu}, a {@code timestamp_ns} aligned to 8, then the event's
 * fields at offset 16). All in the host's byte order, the same layout on every architecture (x86_64, aarch64 and
 * the other little-endian ones alike). The exit event's parent fields (Linux 4.18) are not read.
 *
 * <p>{@code seq} is the sending CPU's own counter of process events (every kind, for every listener), so a gap in
 * one CPU's sequence is that many events this socket missed. An acknowledgement ({@code what} 0) answers a
 * subscription: {@code ack} is the request's plus one and {@code err} the result (EPERM: not allowed).
 *
 * @param what     the event kind ({@code PROC_EVENT_*}); {@link #NONE} for an acknowledgement
 * @param cpu      the CPU that sent it
 * @param seq      that CPU's sequence number, 0 to 2^32-1
 * @param ack      the cn_msg's ack field
 * @param error    an acknowledgement's {@code err}; 0 otherwise
 * @param event    the fork, exec or exit; null for every other kind
 */
public record ProcEventMessage(int what, int cpu, long seq, long ack, int error, ProcessEvent event) {
    public static final int NLMSG_HEADER = 16;
    static final int CN_MSG = 20;
    public static final int CN_IDX_PROC = 1;
    public static final int CN_VAL_PROC = 1;
    static final short NLMSG_ERROR = 2;
    static final short NLMSG_DONE = 3;
    public static final int NONE = 0;
    public static final int FORK = 0x1;
    public static final int EXEC = 0x2;
    public static final int EXIT = 0x80000000;
    /** {@code enum proc_cn_mcast_op}. */
    public static final int MCAST_LISTEN = 1;
    public static final int MCAST_IGNORE = 2;
    /** Where {@code struct proc_event} starts in a message. */
    static final int EVENT_AT = NLMSG_HEADER + CN_MSG;

    /**
     * The message at {@code b}'s position; the position moves to the next message of the datagram (netlink aligns
     * messages to 4 bytes). Null, with the position at the limit, when the rest is not a whole netlink message;
     * null, with the position past it, when the message is not a process event (another connector, an error).
     *
     * @param b     the received bytes, in the host's byte order
     * @param nanos the time of receipt, for the event
     */
    public static ProcEventMessage parse(ByteBuffer b, long nanos) {
        int at = b.position();
        int end = b.limit();
        if (end - at < NLMSG_HEADER) {
            b.position(end);
            return null;
        }
        int len = b.getInt(at);
        if (len < NLMSG_HEADER || len > end - at) {
            b.position(end);
            return null;
        }
        short type = b.getShort(at + 4);
        b.position(Math.min(end, at + ((len + 3) & ~3)));
        if (type != NLMSG_DONE || len < EVENT_AT + 16) {
            return null;
        }
        int c = at + NLMSG_HEADER;
        if (b.getInt(c) != CN_IDX_PROC || b.getInt(c + 4) != CN_VAL_PROC) {
            return null;
        }
        long seq = b.getInt(c + 8) & 0xffffffffL;
        long ack = b.getInt(c + 12) & 0xffffffffL;
        int dataLen = b.getShort(c + 16) & 0xffff;
        if (dataLen > len - EVENT_AT) {
            return null;
        }
        int e = at + EVENT_AT;
        int what = b.getInt(e);
        int cpu = b.getInt(e + 4);
        int d = e + 16;
        int room = Math.min(dataLen, len - EVENT_AT) - 16;
        ProcessEvent event = null;
        int error = 0;
        switch (what) {
            case NONE -> error = room >= 4 ? b.getInt(d) : 0;
            case FORK -> event = room >= 16 ? ProcessEvent.fork(b.getInt(d + 8), b.getInt(d + 12), b.getInt(d), b.getInt(d + 4), nanos) : null;
            case EXEC -> event = room >= 8 ? ProcessEvent.exec(b.getInt(d), b.getInt(d + 4), nanos) : null;
            case EXIT -> event = room >= 12 ? ProcessEvent.exit(b.getInt(d), b.getInt(d + 4), b.getInt(d + 8), nanos) : null;
            default -> {
                // uid, gid, sid, ptrace, comm, coredump: not used
            }
        }
        return new ProcEventMessage(what, cpu, seq, ack, error, event);
    }

    /** Whether this is an acknowledgement of a subscription request. */
    public boolean isAck() {
        return what == NONE;
    }

    /**
     * A subscription request ({@link #MCAST_LISTEN} or {@link #MCAST_IGNORE}) to send to the kernel: a netlink
     * message carrying a cn_msg to the process connector whose data is the 4-byte operation. The kernel's
     * acknowledgement carries {@code seq} and {@code ack + 1}.
     */
    public static byte[] control(int op, int seq, int ack, int portId) {
        int len = EVENT_AT + 4;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort(NLMSG_DONE).putShort((short) 0).putInt(seq).putInt(portId);
        b.putInt(CN_IDX_PROC).putInt(CN_VAL_PROC).putInt(seq).putInt(ack).putShort((short) 4).putShort((short) 0);
        b.putInt(op);
        return b.array();
    }
}
