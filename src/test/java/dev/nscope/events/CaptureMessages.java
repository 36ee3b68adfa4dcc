package dev.nscope.events;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How the captured messages of {@code src/test/resources/events} were made (run as root on a host with the
 * connector: {@code java -cp target/test-classes:target/classes:<jna> dev.nscope.events.CaptureMessages DIR}):
 * subscribes, runs {@code sh -c 'exit 3'} and a {@code sleep} killed by SIGKILL, and writes each datagram about
 * those processes as it was received: {@code fork.bin} (the shell's fork by this JVM), {@code exec.bin},
 * {@code exit-3.bin}, {@code exit-sigkill.bin}, and {@code ack.bin} (the kernel's answer to the subscription).
 */
public final class CaptureMessages {
    private CaptureMessages() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int nonce = 4242;
        try (NetlinkSocket s = NetlinkSocket.open(1 << 20)) {
            s.send(ProcEventMessage.control(ProcEventMessage.MCAST_LISTEN, nonce, nonce, 0));
            Process sh = new ProcessBuilder("sh", "-c", "exit 3").start();
            sh.waitFor(5, TimeUnit.SECONDS);
            Process sleep = new ProcessBuilder("sleep", "100").start();
            Thread.sleep(200);
            sleep.destroyForcibly();
            sleep.waitFor(5, TimeUnit.SECONDS);
            int shPid = (int) sh.pid();
            int sleepPid = (int) sleep.pid();
            boolean[] have = new boolean[5];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadline && !(have[0] && have[1] && have[2] && have[3] && have[4])) {
                int n = s.receive(true);
                if (n < 0) {
                    continue;
                }
                byte[] bytes = Arrays.copyOf(s.bytes(), n);
                ProcEventMessage m = ProcEventMessage.parse(ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 0);
                if (m == null) {
                    continue;
                }
                String name = null;
                if (m.isAck() && m.ack() == nonce + 1 && !have[0]) {
                    name = "ack.bin";
                    have[0] = true;
                } else if (m.event() != null && m.event().type() == ProcessEvent.Type.FORK && m.event().pid() == shPid && !have[1]) {
                    name = "fork.bin";
                    have[1] = true;
                } else if (m.event() != null && m.event().type() == ProcessEvent.Type.EXEC && m.event().pid() == shPid && !have[2]) {
                    name = "exec.bin";
                    have[2] = true;
                } else if (m.event() != null && m.event().type() == ProcessEvent.Type.EXIT && m.event().pid() == shPid) {
                    name = "exit-3.bin";
                    have[3] = true;
                } else if (m.event() != null && m.event().type() == ProcessEvent.Type.EXIT && m.event().pid() == sleepPid) {
                    name = "exit-sigkill.bin";
                    have[4] = true;
                }
                if (name != null) {
                    Files.write(dir.resolve(name), bytes);
                    System.out.println(name + " " + m + " (sh " + shPid + ", sleep " + sleepPid + ", jvm " + ProcessHandle.current().pid() + ")");
                }
            }
            s.send(ProcEventMessage.control(ProcEventMessage.MCAST_IGNORE, nonce, nonce, 0));
        } catch (IOException e) {
            System.err.println(e);
            System.exit(1);
        }
    }
}
