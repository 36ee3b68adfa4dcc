package dev.nscope.events;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The parser on messages captured from a real kernel (src/test/resources/events/README.md says how). */
class ProcEventMessageTest {

    static byte[] captured(String name) throws IOException {
        try (InputStream in = ProcEventMessageTest.class.getResourceAsStream("/events/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static ProcEventMessage parse(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        ProcEventMessage m = ProcEventMessage.parse(buf, 77);
        assertThat(buf.hasRemaining()).as("the position moves past the message").isFalse();
        return m;
    }

    @Test
    void aForkNamesTheChildAndItsParent() throws IOException {
        ProcEventMessage m = parse(captured("fork.bin"));
        assertThat(m.what()).isEqualTo(ProcEventMessage.FORK);
        assertThat(m.cpu()).isEqualTo(1);
        assertThat(m.seq()).isEqualTo(1);
        assertThat(m.event()).isEqualTo(new ProcessEvent(ProcessEvent.Type.FORK, 23200, 23200, 23179, 23178, 0, 77));
        assertThat(m.event().exited()).isFalse();
        assertThat(m.event().exitCode()).isEqualTo(-1);
        assertThat(m.event().signal()).isZero();
    }

    @Test
    void anExecNamesTheProcess() throws IOException {
        ProcEventMessage m = parse(captured("exec.bin"));
        assertThat(m.event()).isEqualTo(new ProcessEvent(ProcessEvent.Type.EXEC, 23200, 23200, 0, 0, 0, 77));
        assertThat(m.seq()).isEqualTo(2);
    }

    @Test
    void anExitWithCode3() throws IOException {
        ProcEventMessage m = parse(captured("exit-3.bin"));
        ProcessEvent e = m.event();
        assertThat(e.type()).isEqualTo(ProcessEvent.Type.EXIT);
        assertThat(e.pid()).isEqualTo(23200);
        assertThat(e.tgid()).isEqualTo(23200);
        assertThat(e.parentPid()).isZero();
        assertThat(e.exitStatus()).isEqualTo(3 << 8);
        assertThat(e.exited()).isTrue();
        assertThat(e.exitCode()).isEqualTo(3);
        assertThat(e.signal()).isZero();
        assertThat(e.mainThread()).isTrue();
    }

    @Test
    void anExitBySigkill() throws IOException {
        ProcEventMessage m = parse(captured("exit-sigkill.bin"));
        ProcessEvent e = m.event();
        assertThat(e.pid()).isEqualTo(23201);
        assertThat(e.exitStatus()).isEqualTo(9);
        assertThat(e.exited()).isFalse();
        assertThat(e.exitCode()).isEqualTo(-1);
        assertThat(e.signal()).isEqualTo(9);
        assertThat(m.cpu()).isZero();
        assertThat(m.seq()).isEqualTo(2);
    }

    @Test
    void theAcknowledgementOfASubscription() throws IOException {
        ProcEventMessage m = parse(captured("ack.bin"));
        assertThat(m.isAck()).isTrue();
        assertThat(m.ack()).isEqualTo(4243);
        assertThat(m.error()).isZero();
        assertThat(m.event()).isNull();
    }

    @Test
    void twoMessagesInOneDatagramAreReadOneAfterTheOther() throws IOException {
        byte[] a = captured("fork.bin");
        byte[] b = captured("exit-3.bin");
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        ByteBuffer buf = ByteBuffer.wrap(both).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(ProcEventMessage.parse(buf, 0).event().type()).isEqualTo(ProcessEvent.Type.FORK);
        assertThat(ProcEventMessage.parse(buf, 0).event().exitCode()).isEqualTo(3);
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void cutOrForeignBytesAreNoEventAndNeverThrow() throws IOException {
        byte[] fork = captured("fork.bin");
        for (int n = 0; n < fork.length; n++) {
            ByteBuffer buf = ByteBuffer.wrap(Arrays.copyOf(fork, n)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(ProcEventMessage.parse(buf, 0)).as("cut to %d bytes", n).isNull();
            assertThat(buf.hasRemaining()).isFalse();
        }
        // another connector (idx 2), and a netlink error message (type 2)
        byte[] other = fork.clone();
        other[16] = 2;
        assertThat(parse(other)).isNull();
        byte[] error = fork.clone();
        error[4] = 2;
        assertThat(parse(error)).isNull();
        // a length that claims more than was received
        byte[] lying = fork.clone();
        lying[0] = (byte) 200;
        assertThat(ProcEventMessage.parse(ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN), 0)).isNull();
        // every byte flipped in turn: an event or none, never an exception
        for (int i = 0; i < fork.length; i++) {
            byte[] b = fork.clone();
            b[i] ^= (byte) 0xff;
            ProcEventMessage.parse(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN), 0);
        }
    }

    @Test
    void theSubscriptionRequestIsTheConnectorsLayout() {
        byte[] listen = ProcEventMessage.control(ProcEventMessage.MCAST_LISTEN, 4242, 4242, 0);
        ByteBuffer b = ByteBuffer.wrap(listen).order(ByteOrder.nativeOrder());
        assertThat(listen).hasSize(40);
        assertThat(b.getInt(0)).isEqualTo(40);          // nlmsg_len
        assertThat(b.getShort(4)).isEqualTo((short) 3); // NLMSG_DONE
        assertThat(b.getInt(16)).isEqualTo(1);          // CN_IDX_PROC
        assertThat(b.getInt(20)).isEqualTo(1);          // CN_VAL_PROC
        assertThat(b.getInt(24)).isEqualTo(4242);       // seq
        assertThat(b.getInt(28)).isEqualTo(4242);       // ack
        assertThat(b.getShort(32)).isEqualTo((short) 4);  // len of the data
        assertThat(b.getInt(36)).isEqualTo(1);          // PROC_CN_MCAST_LISTEN
    }
}
