package dev.nscope.cli;

/** The help texts: the general one and each command's, and the one-line synopsis a usage error ends with. */
public final class Usage {
    private Usage() {
    }

    static final String GENERAL = """
            usage: nscope                              run the agent (HTTP on port 9810: /actuator/containers, /actuator/prometheus, /actuator/health)
                   nscope scan [--format=table|json]   scan this host once, print the containers, exit ('nscope scan --help': filters)
                   nscope bench [--passes=N]           time cold and steady scan passes over this host
                   nscope events [--follow]            the container events of a running agent ('nscope events --help')
                   nscope version                      the version and git revision of this build (also --version)
                   nscope help [COMMAND]               this text, or a command's (also COMMAND --help)
            properties (all modes): --nscope.procfs=/proc --nscope.sysfs=/sys --nscope.scan-interval=10s
                   --nscope.pid1.zombie-grace=5s --nscope.runtime.docker-root=/var/lib/docker … (or NSCOPE_* variables)
            agent only: --server.address=0.0.0.0 --server.port=9810 --nscope.web.config-file=/etc/nscope/web.yml (TLS, basic auth)
                   --nscope.web.command-lines=false (true adds process command lines to /actuator/containers/{id})
            exit status: 0 ok, 2 bad command line or configuration, 1 other failure""";

    static final String SCAN = """
            usage: nscope scan [--format=table|json] [--runtime=RUNTIME] [--namespace=NAMESPACE] [--container=ID|NAME] [--no-headers] [--nscope.x=y …]
            Scans this host once and prints its containers: the table or the JSON document on stdout; the summary line,
            warnings and progress on stderr, so stdout pipes cleanly.
              --format=table|json      a table (the default), or the document /actuator/containers serves
              --runtime=RUNTIME        only this runtime's containers: docker, containerd, cri-o, podman, lxc, systemd-nspawn, sandbox
              --namespace=NAMESPACE    only containers of pods in this Kubernetes namespace (also -n)
              --container=ID|NAME      only this container: its full id, a prefix of 12 or more characters, or its name
              --no-headers             the table without its header line
            PID-1 verdicts take two looks: the second comes 0.2 s after the first, or, when the first saw zombies, after
            nscope.pid1.zombie-grace (5s; --nscope.pid1.zombie-grace=1s shortens it), which stderr then says.
            exit status: 0 ok (also when no container matches), 2 bad command line or configuration, 1 other failure""";

    static final String BENCH = """
            usage: nscope bench [--passes=N] [--nscope.x=y …]
            Times scan passes over this host: a fresh JVM's first pass, a new scanner's cold pass (best of 3) and steady
            passes (median of N, 10 by default, 2 to 10000); a table, then one machine-readable line.
            exit status: 0 ok, 2 bad command line or configuration, 1 other failure""";

    static final String EVENTS = """
            usage: nscope events [--url=URL] [--since=N] [--follow] [--json] [--user=NAME]
            Prints the container events a running agent keeps (GET /actuator/containers/events): started, stopped (with
            how: exited, killed, oom-killed, signaled), pid1-restarted, oom-kill; oldest first.
              --url=URL      the agent (default http://127.0.0.1:9810)
              --since=N      only the events after number N
              --follow       keep printing new events as they come (asks every 2 s; -f), until interrupted
              --json         the JSON the agent serves; with --follow, one event per line
              --user=NAME    basic auth as NAME, the password from the environment variable NSCOPE_PASSWORD
            exit status: 0 ok, 2 bad command line, 1 the agent could not be asked (one line on stderr)""";

    static final String VERSION = """
            usage: nscope version   (or nscope --version)
            Prints the version of this build and the git revision it was built from ("unknown" when built outside a git
            checkout); the agent serves the same at /actuator/info and as nscope_build_info.""";

    /** The help text of a command; {@link CommandLine.Mode#AGENT} and {@link CommandLine.Mode#HELP}: the general one. */
    public static String of(CommandLine.Mode command) {
        return switch (command) {
            case SCAN -> SCAN;
            case BENCH -> BENCH;
            case EVENTS -> EVENTS;
            case VERSION -> VERSION;
            case AGENT, HELP -> GENERAL;
        };
    }

    /** The short usage a usage error ends with. */
    static String synopsis(CommandLine.Mode command) {
        return switch (command) {
            case SCAN -> "nscope scan [--format=table|json] [--runtime=R] [--namespace=NS] [--container=ID|NAME] [--no-headers] "
                    + "(see 'nscope scan --help')";
            case BENCH -> "nscope bench [--passes=N] (see 'nscope bench --help')";
            case EVENTS -> "nscope events [--url=URL] [--since=N] [--follow] [--json] [--user=NAME] (see 'nscope events --help')";
            case VERSION -> "nscope version";
            case AGENT, HELP -> "nscope [scan|bench|events|version|help] [--nscope.x=y …] (see 'nscope help')";
        };
    }
}
