package dev.nscope.pid1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InitIdentifierTest {
    private static List<String> argv(String s) {
        return s == null || s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
    }

    /** comm | exe (empty: unreadable) | argv (space-separated; empty: unreadable) | kind. */
    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "tini        | /bin/tini                              | /bin/tini -- sleep 1          | tini",
            "tini        | /usr/local/bin/tini-static             | tini -g -- app                | tini",
            "docker-init | /sbin/docker-init                      | /sbin/docker-init -- sh       | docker-init",
            "dumb-init   | /usr/bin/dumb-init                     | dumb-init sleep 1             | dumb-init",
            "dumb-init   | /usr/local/bin/dumb-init_1.2.5_x86_64  | dumb-init sleep 1             | dumb-init",
            "catatonit   | /usr/libexec/podman/catatonit          | catatonit -P                  | catatonit",
            "tini        | /usr/libexec/catatonit/catatonit       | tini -- app                   | catatonit",
            "podman-init | /run/podman-init                       | /run/podman-init -- sleep 1   | catatonit",
            "pause       | /pause                                 | /pause                        | pause",
            "s6-svscan   | /command/s6-svscan                     | s6-svscan -t0 /run/service    | s6-svscan",
            "supervisord | /usr/bin/python3.11                    | /usr/bin/python3 /usr/bin/supervisord -n | supervisord",
            "python3     | /usr/bin/python3.11                    | python3 -u /usr/local/bin/supervisord    | supervisord",
            "python      | /usr/bin/python3.11                    | python -m supervisor.supervisord         | supervisord",
            "python3     | /usr/bin/python3.12                    | python3 -c import time                   | python",
            "python3     | /usr/bin/python3.12                    | python3 app.py                | python",
            "systemd     | /usr/lib/systemd/systemd               | /sbin/init                    | systemd",
            "runit       | /sbin/runit                            | runit                         | runit",
            "sh          | /usr/bin/dash                          | sh -c sleep 1 & wait          | shell",
            "bash        | /usr/bin/bash                          | /bin/bash /entrypoint.sh      | shell",
            "sh          | /bin/busybox                           | sh -c wait                    | shell",
            "sleep       | /bin/busybox                           | sleep 100000                  | unknown",
            "busybox     | /usr/bin/busybox                       | busybox sh -c wait            | shell",
            "node        | /usr/local/bin/node                    | node server.js                | node",
            "java        | /opt/java/openjdk/bin/java             | java -jar app.jar             | java",
            "sleep       | /usr/bin/sleep                         | sleep 100000                  | unknown",
            "myapp       | /app/myapp                             | /app/myapp                    | unknown",
            "bash        | '/usr/bin/bash (deleted)'              | -bash                         | shell",
    })
    void identifies(String comm, String exe, String args, String kind) {
        assertThat(InitIdentifier.identify(comm, exe, argv(args)).kind().label()).isEqualTo(kind);
    }

    /** Without ptrace rights: no exe, often no cmdline; comm decides. */
    @ParameterizedTest(name = "{0} [{1}] -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "catatonit   | -                          | catatonit",
            "dumb-init   | -                          | dumb-init",
            "tini        | -                          | tini",
            "docker-init | -                          | docker-init",
            "sh          | -                          | shell",
            "supervisord | -                          | supervisord",
            "python3     | python3 /usr/bin/supervisord | supervisord",
            "python3     | -                          | python",
            "busybox     | busybox sh -c wait         | shell",
            "sleep       | -                          | unknown",
    })
    void identifiesByCommWhenExeIsUnreadable(String comm, String args, String kind) {
        InitIdentifier.Identification id = InitIdentifier.identify(comm, null, argv(args));
        assertThat(id.kind().label()).isEqualTo(kind);
    }

    @Test
    void saysWhatToldIt() {
        assertThat(InitIdentifier.identify("sleep", "/bin/busybox", argv("sleep 1")).by()).isEqualTo("exe /bin/busybox, applet sleep");
        assertThat(InitIdentifier.identify("sh", null, List.of()).by()).isEqualTo("comm sh (exe unreadable)");
        assertThat(InitIdentifier.identify("supervisord", "/usr/bin/python3.11", argv("python3 /usr/bin/supervisord")).by())
                .isEqualTo("comm supervisord run by python");
        assertThat(InitIdentifier.identify(null, null, argv("/sbin/tini --")).by()).isEqualTo("argv[0] /sbin/tini (exe and comm unreadable)");
        assertThat(InitIdentifier.identify(null, null, List.of())).isEqualTo(InitIdentifier.Identification.NONE);
    }

    @Test
    void aTiniThatWaitsOnASignalfdIsCatatonit() {
        InitIdentifier.Identification id = InitIdentifier.identify("tini", null, List.of(), "signalfd_read_iter");
        assertThat(id.kind()).isEqualTo(InitKind.CATATONIT);
        assertThat(id.by()).contains("signalfd_read_iter");
        assertThat(InitIdentifier.identify("tini", null, List.of(), "do_sigtimedwait.isra.0").kind()).isEqualTo(InitKind.TINI);
    }

    @Test
    void namesThatOnlyLookAlike() {
        assertThat(InitIdentifier.byName("tinier")).isEqualTo(InitKind.UNKNOWN);
        assertThat(InitIdentifier.byName("systemd-journald")).isEqualTo(InitKind.UNKNOWN);
        assertThat(InitIdentifier.byName("shell")).isEqualTo(InitKind.UNKNOWN);
        assertThat(InitIdentifier.byName("pythonista")).isEqualTo(InitKind.UNKNOWN);
        assertThat(InitIdentifier.byName("python3.12")).isEqualTo(InitKind.PYTHON);
        assertThat(InitIdentifier.byName("")).isEqualTo(InitKind.UNKNOWN);
        assertThat(InitIdentifier.byName(null)).isEqualTo(InitKind.UNKNOWN);
    }

    @Test
    void traits() {
        for (InitKind k : List.of(InitKind.TINI, InitKind.DOCKER_INIT, InitKind.DUMB_INIT, InitKind.CATATONIT,
                InitKind.S6_SVSCAN, InitKind.SUPERVISORD, InitKind.SYSTEMD, InitKind.PAUSE)) {
            assertThat(k.forwardsSignals()).as(k.label()).isTrue();
        }
        assertThat(InitKind.SHELL.forwardsSignals()).isFalse();
        assertThat(InitKind.SHELL.neverForwards()).isTrue();
        assertThat(InitKind.UNKNOWN.neverForwards()).isFalse();
        assertThat(InitKind.TINI.waitsForSignals()).isTrue();
        assertThat(InitKind.PAUSE.waitsForSignals()).isFalse();
        assertThat(InitKind.RUNIT.neverReadsTerm()).isTrue();
        assertThat(InitKind.NODE.reRaisesTerm()).isTrue();
    }
}
