// nscope's alerting rules. An alert is one entry of a group below; `rule` turns it into a Prometheus rule.
//
// Conventions (kubernetes-mixin): CamelCase names prefixed Nscope; a `severity` of critical (pages),
// warning or info; a static `summary`; a templated `description`; a `runbook_url` from
// runbookURLPattern, to the alert's section of docs/runbook.md (add that section with the alert).
// Expressions name the agents' series with %(nscopeSelector)s and join on %(clusterLabel)s, job,
// instance and id. A container is named in descriptions by `container` below: namespace/pod
// (container) when the agent knows its Kubernetes identity, else its runtime name, else its id.
// Findings are matched on (cluster, job, instance, id); the finding's own `severity` label is
// aggregated away, so a finding whose severity changes keeps its pending/firing state.
local container = '{{ if $labels.pod }}{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}){{ else if $labels.name }}{{ $labels.name }}{{ else }}{{ $labels.id }}{{ end }}';

// A description written over several lines, as one line (what YAML's folded style `>-` makes of it).
local fold(text) = std.join(' ', std.split(std.rstripChars(text, '\n'), '\n'));

// The job a selector names when it is exactly job="<name>", else null.
local jobOf(selector) =
  local parts = std.split(selector, '"');
  if std.length(parts) == 3 && parts[0] == 'job=' && parts[2] == '' then parts[1] else null;

// One entry -> one Prometheus alerting rule.
local rule(config, a) = {
  alert: a.alert,
  expr: a.expr % config,
  [if std.objectHas(a, 'for') then 'for']: a['for'],
  labels: { severity: a.severity } + (if std.objectHas(a, 'labels') then a.labels else {}),
  annotations: {
    summary: a.summary,
    description: fold(a.description),
    runbook_url: config.runbookURLPattern % std.asciiLower(a.alert),
  },
};

{
  // The alerts, group by group. Each entry: alert, expr, for (optional), severity, labels (optional),
  // summary, description.
  nscopeAlertGroups:: [
    {
      name: 'nscope-agent',
      alerts: [
        {
          alert: 'NscopeAgentDown',
          expr: |||
            up{%(nscopeSelector)s} == 0
          |||,
          'for': '10m',
          severity: 'warning',
          summary: 'nscope agent target is down.',
          description: |||
            Prometheus has failed to scrape nscope on {{ $labels.instance }} for 10 minutes: no PID 1,
            OOM, throttling or namespace alert can fire for the containers of that node.
          |||,
        },
        {
          local job = jobOf($._config.nscopeSelector),
          // not a page: the agent is an observer, and what it would report goes on without it; its own
          // absence shows on every nscope dashboard and in NscopeAgentDown
          alert: 'NscopeAgentAbsent',
          expr: |||
            absent(up{%(nscopeSelector)s} == 1)
          |||,
          'for': '15m',
          severity: 'warning',
          // absent() of a filtered vector has no labels of its own
          labels: if job != null then { job: job } else {},
          summary: 'No nscope agent is being scraped.',
          description: |||
            No target of %s has been up{{ with $externalLabels.%s }} in cluster {{ . }}{{ end }}
            for 15 minutes: every node is unwatched and none of the nscope container alerts can fire.
          ||| % [if job != null then 'job ' + job else '{' + $._config.nscopeSelector + '}', $._config.clusterLabel],
        },
        {
          alert: 'NscopeScansFailing',
          expr: |||
            rate(nscope_scans_total{%(nscopeSelector)s, result="failed"}[5m]) > 0
          |||,
          'for': '15m',
          severity: 'warning',
          summary: 'nscope scans are failing.',
          description: |||
            nscope on {{ $labels.instance }} has had failing scans for 15 minutes: its metrics repeat the
            latest successful scan and go stale.
          |||,
        },
        {
          alert: 'NscopeScansStale',
          expr: |||
            time() - nscope_scan_timestamp_seconds{%(nscopeSelector)s} > 120
            or
            (up{%(nscopeSelector)s} == 1 unless on (%(clusterLabel)s, job, instance) nscope_scan_timestamp_seconds{%(nscopeSelector)s})
          |||,
          'for': '10m',
          severity: 'warning',
          summary: 'nscope serves no fresh scan.',
          description: |||
            nscope on {{ $labels.instance }} answers scrapes, but its latest successful scan is more than
            2 minutes old or none has succeeded since it started: the container metrics and findings of
            that node are stale or missing.
          |||,
        },
        {
          alert: 'NscopeScanSlow',
          expr: |||
            avg_over_time(nscope_scan_duration_seconds{%(nscopeSelector)s}[10m]) > 5
          |||,
          'for': '15m',
          severity: 'warning',
          summary: 'nscope scans are slow.',
          description: |||
            A scan by nscope on {{ $labels.instance }} takes {{ $value | humanizeDuration }} on average
            over 10 minutes: the agent costs CPU on the node and its picture lags behind.
          |||,
        },
        {
          alert: 'NscopeAgentWarnings',
          expr: |||
            nscope_warnings{%(nscopeSelector)s} > 0
          |||,
          'for': '15m',
          severity: 'warning',
          summary: 'nscope cannot read part of its node.',
          description: |||
            nscope on {{ $labels.instance }} could not read {{ $value | printf "%.0f" }} part(s) of its node
            at the latest scan (node.warnings in /actuator/containers): what it cannot see, it does not
            judge, so findings and alerts for that node may be missing.
          |||,
        },
      ],
    },
    {
      name: 'nscope-pid1',
      alerts: [
        {
          alert: 'NscopePid1SigtermDropped',
          expr: |||
            max without (severity) (nscope_container_finding{%(nscopeSelector)s, rule="pid1-sigterm-dropped"})
            * on (%(clusterLabel)s, job, instance, id) group_left (pid1_comm, init_kind)
            nscope_container_info{%(nscopeSelector)s}
          |||,
          'for': '15m',
          severity: 'warning',
          summary: "A container's PID 1 drops SIGTERM.",
          description: |||
            PID 1 ({{ $labels.pid1_comm }}) of container
            %s
            on {{ $labels.instance }} has no handler for its stop signal, so the kernel drops it: every
            stop waits for the grace period and ends in SIGKILL.
          ||| % container,
        },
        {
          alert: 'NscopePid1SignalsNotForwarded',
          // a PID 1 that drops SIGTERM forwards nothing either: NscopePid1SigtermDropped covers it
          expr: |||
            (
              max without (severity) (nscope_container_finding{%(nscopeSelector)s, rule="pid1-signals-not-forwarded"})
              unless on (%(clusterLabel)s, job, instance, id)
              nscope_container_finding{%(nscopeSelector)s, rule="pid1-sigterm-dropped"}
            )
            * on (%(clusterLabel)s, job, instance, id) group_left (pid1_comm, init_kind)
            nscope_container_info{%(nscopeSelector)s}
          |||,
          'for': '15m',
          severity: 'info',
          summary: "A container's PID 1 does not pass SIGTERM on to its children.",
          description: |||
            PID 1 ({{ $labels.pid1_comm }}) of container
            %s
            on {{ $labels.instance }} handles SIGTERM itself but does not forward it: its children are
            SIGKILLed without a chance to shut down cleanly.
          ||| % container,
        },
        {
          alert: 'NscopePid1ZombiesNotReaped',
          expr: |||
            (
              nscope_container_zombies{%(nscopeSelector)s}
              and on (%(clusterLabel)s, job, instance, id)
              nscope_container_finding{%(nscopeSelector)s, rule="pid1-zombies-not-reaped"}
              and on (%(clusterLabel)s, job, instance, id)
              (delta(nscope_container_zombies{%(nscopeSelector)s}[30m]) > 0)
            )
            * on (%(clusterLabel)s, job, instance, id) group_left (pid1_comm, init_kind)
            nscope_container_info{%(nscopeSelector)s}
          |||,
          'for': '15m',
          severity: 'warning',
          summary: "A container's PID 1 does not reap zombies, and they keep piling up.",
          description: |||
            PID 1 ({{ $labels.pid1_comm }}) of container
            %s
            on {{ $labels.instance }} does not reap orphaned children: the container holds
            {{ $value | printf "%%.0f" }} zombies, more than it did 30 minutes ago. Each one holds a pid until
            pids.max is reached and no process can fork.
          ||| % container,
        },
      ],
    },
    {
      name: 'nscope-resources',
      alerts: [
        {
          alert: 'NscopeContainerMemoryNearLimit',
          expr: |||
            nscope_container_memory_working_set_bytes{%(nscopeSelector)s}
              / nscope_container_spec_memory_limit_bytes{%(nscopeSelector)s}
            > 0.9
          |||,
          'for': '15m',
          severity: 'warning',
          summary: "A container's working set is close to its memory limit.",
          description: |||
            The working set of container
            %s
            on {{ $labels.instance }} is {{ $value | humanizePercentage }} of its memory limit: the next
            allocation spike ends in the OOM killer.
          ||| % container,
        },
        {
          alert: 'NscopeContainerOOMKilled',
          expr: |||
            increase(nscope_container_oom_events_total{%(nscopeSelector)s}[10m]) > 0
          |||,
          severity: 'warning',
          summary: 'The OOM killer killed a process of a container.',
          description: |||
            The OOM killer killed {{ $value | printf "%%.0f" }} process(es) of container
            %s
            on {{ $labels.instance }} in the last 10 minutes: it hit its memory limit.
          ||| % container,
        },
        {
          // kube-prometheus-stack's CPUThrottlingHigh fires for the same Kubernetes containers: inhibit
          // one by the other in Alertmanager (prometheus/README.md)
          alert: 'NscopeContainerCPUThrottlingHigh',
          expr: |||
            rate(nscope_container_cpu_cfs_throttled_periods_total{%(nscopeSelector)s}[5m])
              / rate(nscope_container_cpu_cfs_periods_total{%(nscopeSelector)s}[5m])
            > 0.25
          |||,
          'for': '15m',
          severity: 'info',
          summary: 'A container is throttled by its CPU quota.',
          description: |||
            Container
            %s
            on {{ $labels.instance }} is throttled in {{ $value | humanizePercentage }} of its CFS
            periods: its CPU quota holds it back.
          ||| % container,
        },
        {
          alert: 'NscopeContainerPidsNearLimit',
          expr: |||
            nscope_container_pids{%(nscopeSelector)s}
              / nscope_container_threads_max{%(nscopeSelector)s}
            > 0.9
          |||,
          'for': '15m',
          severity: 'warning',
          summary: 'A container is close to its task limit (pids.max).',
          description: |||
            Container
            %s
            on {{ $labels.instance }} uses {{ $value | humanizePercentage }} of the tasks its pids.max
            allows: forks will soon be refused.
          ||| % container,
        },
        {
          alert: 'NscopeContainerForkRejected',
          expr: |||
            increase(nscope_container_pids_fork_failures_total{%(nscopeSelector)s}[5m]) > 0
          |||,
          'for': '5m',
          severity: 'critical',
          summary: 'A container cannot fork, it is at its task limit (pids.max).',
          description: |||
            The kernel refused {{ $value | printf "%%.0f" }} fork(s) of container
            %s
            on {{ $labels.instance }} in the last 5 minutes, and keeps refusing them: the container is at
            pids.max and cannot start processes or threads.
          ||| % container,
        },
        {
          // the finding, not a ratio of the metrics: nscope_container_file_descriptors counts the whole
          // container and nscope_container_ulimits_soft is one process's limit, so their ratio is only an upper
          // bound where several processes run; the agent judges each process against its own limit
          alert: 'NscopeContainerFdsNearLimit',
          expr: |||
            max without (severity) (nscope_container_finding{%(nscopeSelector)s, rule="fds-near-limit"})
          |||,
          'for': '15m',
          severity: 'warning',
          summary: 'A process of a container is close to its open-files limit.',
          description: |||
            A process of container
            %s
            on {{ $labels.instance }} holds more than 90%% of the open files its soft RLIMIT_NOFILE allows:
            its next opens, sockets and pipes will fail with EMFILE (too many open files).
          ||| % container,
        },
        {
          // memory.events high counts each time the kernel throttles the container at memory.high; the
          // finding holds only in a scan after the count rose, so the alert reads the counter itself
          alert: 'NscopeContainerMemoryHighThrottled',
          expr: |||
            increase(nscope_container_memory_events_total{%(nscopeSelector)s, event="high"}[10m]) > 0
          |||,
          'for': '15m',
          severity: 'warning',
          summary: 'A container keeps going over memory.high and is throttled.',
          description: |||
            Container
            %s
            on {{ $labels.instance }} went over its memory.high {{ $value | printf "%%.0f" }} time(s) in the
            last 10 minutes, and keeps doing so: the kernel throttles its allocations and reclaims its memory,
            so it runs slowly.
          ||| % container,
        },
        {
          // the agent's finding (PSI some avg60 over nscope.rules.pressure, of whichever resource), joined
          // with the resource stalled most over 5 minutes (the waiting counters), which names it
          alert: 'NscopeContainerPressureStalled',
          expr: |||
            max without (severity) (nscope_container_finding{%(nscopeSelector)s, rule="pressure-stalled"})
            * on (%(clusterLabel)s, job, instance, id) group_left (resource)
            topk by (%(clusterLabel)s, job, instance, id) (1,
              label_replace(rate(nscope_container_pressure_cpu_waiting_seconds_total{%(nscopeSelector)s}[5m]), "resource", "cpu", "", "")
              or
              label_replace(rate(nscope_container_pressure_memory_waiting_seconds_total{%(nscopeSelector)s}[5m]), "resource", "memory", "", "")
              or
              label_replace(rate(nscope_container_pressure_io_waiting_seconds_total{%(nscopeSelector)s}[5m]), "resource", "io", "", "")
            )
          |||,
          'for': '15m',
          severity: 'warning',
          summary: "A container's tasks spend much of their time stalled on a resource.",
          description: |||
            Some task of container
            %s
            on {{ $labels.instance }} waits for {{ $labels.resource }} {{ $value | humanizePercentage }} of
            the time over 5 minutes (pressure stall information, some): the container runs slower than its
            work needs.
          ||| % container,
        },
      ],
    },
    {
      name: 'nscope-namespaces',
      alerts: [
        {
          alert: 'NscopeContainerHostNamespace',
          // host-user-namespace is left out: without user namespace remapping it is every container
          expr: |||
            label_replace(
              max without (severity) (
                nscope_container_finding{%(nscopeSelector)s, rule=~"host-(pid|network|ipc|uts|mount)-namespace"}
              ),
              "host_namespace", "$1", "rule", "host-(.+)-namespace"
            )
          |||,
          'for': '15m',
          severity: 'info',
          summary: 'A container shares a namespace with the host.',
          description: |||
            Container
            %s
            on {{ $labels.instance }} shares the host's {{ $labels.host_namespace }} namespace: it is
            not isolated from the node there.
          ||| % container,
        },
      ],
    },
    {
      // Configuration facts, read once per PID 1: they do not come and go as load does, so a short `for`
      // is enough; it only spares a one-off tool run (`docker run --rm --privileged …`) a page. The other
      // isolation findings (dangerous-capabilities, seccomp-unconfined, host-path-mounted) are on the
      // dashboards, not paged: they are often intended.
      name: 'nscope-isolation',
      alerts: [
        {
          alert: 'NscopeContainerPrivileged',
          expr: |||
            max without (severity) (nscope_container_finding{%(nscopeSelector)s, rule="privileged"})
          |||,
          'for': '5m',
          severity: 'critical',
          summary: 'A container runs privileged: it can take over its node.',
          description: |||
            PID 1 of container
            %s
            on {{ $labels.instance }} holds CAP_SYS_ADMIN with seccomp disabled in the host's user namespace
            (--privileged, securityContext.privileged, or the same in effect): it can mount, load kernel
            modules and reach the node's devices as root on the node can.
          ||| % container,
        },
        {
          alert: 'NscopeContainerRuntimeSocketMounted',
          expr: |||
            max without (severity) (nscope_container_finding{%(nscopeSelector)s, rule="runtime-socket-mounted"})
          |||,
          'for': '5m',
          severity: 'critical',
          summary: "A container has the container runtime's API socket mounted: it can take over its node.",
          description: |||
            Container
            %s
            on {{ $labels.instance }} has a container runtime's socket (docker.sock, containerd.sock, …)
            mounted in: whatever runs in it can start containers of its choosing on the node, as root. A
            read-only mount does not stop a connect.
          ||| % container,
        },
      ],
    },
    {
      // How the node's containers ended, from the kernel's process events (nscope_container_stops_total):
      // node-level series, the containers are gone, so these alerts name the node and the outcome, and
      // `nscope events` on the node names the containers. Windows, not a `for`: a count of stops over 30
      // (15) minutes is already a sustained condition, and it resolves as the window moves past them.
      name: 'nscope-stops',
      alerts: [
        {
          alert: 'NscopeContainersKilledAtStop',
          expr: |||
            increase(nscope_container_stops_total{%(nscopeSelector)s, outcome="killed"}[30m]) > 2
          |||,
          severity: 'warning',
          summary: 'Containers on a node keep ending by SIGKILL: their PID 1 ignores SIGTERM.',
          description: |||
            {{ $value | printf "%.0f" }} containers on {{ $labels.instance }} ended by SIGKILL in the last
            30 minutes: most often PID 1 ignored SIGTERM until the runtime's stop timeout killed it, so
            each stop loses what the application had not written or finished and every rollout waits out
            the grace period. `nscope events` on the node names them; NscopePid1SigtermDropped names the
            running containers that will do the same.
          |||,
        },
        {
          // NscopeContainerOOMKilled counts OOM kills in live containers (memory.events); a container
          // whose PID 1 is OOM-killed ends, and its cgroup and series go with it, often before a scan
          // sees the kill. The stop counter outlives it.
          alert: 'NscopeContainersStoppedByOOMKiller',
          expr: |||
            increase(nscope_container_stops_total{%(nscopeSelector)s, outcome="oom-killed"}[15m]) > 0
          |||,
          severity: 'warning',
          summary: 'The OOM killer ended containers on a node by killing their PID 1.',
          description: |||
            {{ $value | printf "%.0f" }} container(s) on {{ $labels.instance }} ended in the last 15
            minutes because the OOM killer killed their PID 1: they hit their memory limit (Kubernetes
            shows OOMKilled and restarts them). Their series are gone with them; `nscope events` on the
            node names them.
          |||,
        },
      ],
    },
  ],

  prometheusAlerts+:: {
    groups+: [
      { name: g.name, rules: [rule($._config, a) for a in g.alerts] }
      for g in $.nscopeAlertGroups
    ],
  },
}
