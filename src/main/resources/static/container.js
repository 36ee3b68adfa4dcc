// One container: identity, cgroup, namespaces, PID 1 with its findings (evidence and fix), when it started and
// how often its PID 1 was replaced, its last events, what it can reach (isolation), the process tree, and live
// charts of CPU, memory, IO and pids from the agent's short history.
import {containerEvents} from './events.js';
import {isolationPanel} from './isolation.js';
import {ago, badge, bytes, clear, displayName, el, getJson, localTime, millis, num, podLabel, RULES} from './util.js';

const CHARTS = [
  {key: 'cpu', title: 'CPU (cores)', axis: (v) => num(v, 2)},
  {key: 'memory', title: 'Memory', axis: (v) => bytes(v)},
  {key: 'io', title: 'Block IO', axis: (v) => `${bytes(v)}/s`},
  {key: 'pids', title: 'Tasks (pids)', axis: (v) => num(v)},
];

const EVENTS_SHOWN = 10;

/** A full id of 64 hex digits, or a prefix of 12 or more, or a name, as the agent takes them in a container's path. */
function eventOf(id) {
  const prefix = /^[0-9a-f]{12,}$/.test(id);
  return (e) => e.id === id || (prefix && e.id.startsWith(id)) || e.name === id;
}

export function createContainerView(root, getDoc, events) {
  let timer = null;
  let current = null;
  let charts = {};
  let parts = {};

  function hide() {
    if (timer) clearTimeout(timer);
    timer = null;
    current = null;
    Object.values(charts).forEach((c) => c.dispose());
    charts = {};
  }

  function show(id) {
    hide();
    current = id;
    parts = {
      title: el('div', {class: 'title'}),
      error: el('div', {class: 'notice', hidden: true}),
      identity: el('div', {id: 'identity'}),
      namespaces: el('div', {id: 'namespaces'}),
      pid1: el('div', {id: 'pid1'}),
      isolation: el('div', {id: 'isolation'}),
      findings: el('div', {id: 'other-findings'}),
      tree: el('div', {id: 'process-tree'}),
      events: el('div', {id: 'container-events-card'}),
    };
    const chartEls = CHARTS.map((c) => el('div', {class: 'chart-card card'}, el('h3', {}, c.title),
        el('div', {id: `chart-${c.key}`, class: 'chart', 'data-points': 0})));
    clear(root,
        el('p', {}, el('a', {href: '#/'}, '← all containers')),
        parts.title, parts.error,
        el('div', {class: 'cards two'},
            el('div', {class: 'card'}, el('h3', {}, 'Identity'), parts.identity),
            el('div', {class: 'card'}, el('h3', {}, 'Namespaces'), parts.namespaces)),
        el('div', {class: 'cards two'},
            el('div', {class: 'card'}, el('h3', {}, 'PID 1'), parts.pid1),
            el('div', {class: 'card'}, el('h3', {}, 'Process tree'), parts.tree)),
        el('div', {class: 'card'}, el('h3', {}, 'Events'), parts.events),
        el('div', {class: 'card'}, el('h3', {}, 'Isolation'), parts.isolation),
        el('div', {class: 'card'}, el('h3', {}, 'Other findings'), parts.findings),
        el('div', {class: 'charts'}, chartEls));
    for (const c of CHARTS) {
      charts[c.key] = echarts.init(document.getElementById(`chart-${c.key}`), null, {renderer: 'svg'});
    }
    poll(id);
  }

  async function poll(id) {
    let period = 5000;
    try {
      const [c, h] = await Promise.all([getJson(`actuator/containers/${encodeURIComponent(id)}`),
        getJson(`actuator/containers/${encodeURIComponent(id)}/history`)]);
      if (current !== id) return;
      parts.error.hidden = true;
      render(c, h);
      period = Math.min(5, Math.max(1, h.intervalSeconds)) * 1000;
    } catch (e) {
      if (current !== id) return;
      parts.error.hidden = false;
      parts.error.textContent = e.status === 404 ? 'This container is gone from the node (or its id is unknown).'
          : `Could not read the container: ${e.message}`;
      // a container gone keeps its last events (how it stopped) in the page's copy of the ring
      if (e.status === 404) clear(parts.events, containerEvents(events.forContainer(eventOf(id), EVENTS_SHOWN)));
    }
    timer = setTimeout(() => poll(id), period);
  }

  function render(c, h) {
    clear(parts.title, el('h2', {id: 'container-name'}, displayName(c), ' ', el('span', {class: `rt rt-${c.runtime}`}, c.runtime)),
        el('div', {class: 'badges'}, c.findings.map(badge)), lifecycle(c));
    identity(c);
    namespaces(c);
    pid1(c);
    isolation(c);
    const others = c.findings.filter((f) => !f.rule.startsWith('pid1-'));
    clear(parts.findings, others.length ? others.map(finding) : el('p', {class: 'muted'}, 'None.'));
    clear(parts.tree, processTree(c.processList || []));
    clear(parts.events, containerEvents(events.forContainer((e) => e.id === c.id, EVENTS_SHOWN)));
    updateCharts(c, h);
  }

  /** "started 3 min ago · restarts 2": when its PID 1 started, and how often another took its place. */
  function lifecycle(c) {
    return el('div', {class: 'lifecycle muted'},
        c.startedAt ? el('span', {id: 'container-started', title: localTime(c.startedAt), 'data-started-at': c.startedAt},
            `started ${ago(c.startedAt)}`) : null,
        c.startedAt && c.restarts > 0 ? ' · ' : null,
        c.restarts > 0 ? el('span', {id: 'container-restarts', class: 'restarts', 'data-restarts': c.restarts,
          title: 'times another PID 1 took the place of the last one under this id, as this agent saw it'},
        `restarts ${c.restarts}`) : null);
  }

  function dl(pairs) {
    return el('dl', {class: 'kv'}, pairs.filter(([, v]) => v !== undefined).map(([k, v]) =>
      [el('dt', {}, k), el('dd', {'data-field': k}, v === null || v === '' ? el('span', {class: 'muted'}, '–') : v)]));
  }

  function identity(c) {
    const k = c.kubernetes;
    clear(parts.identity, dl([
      ['name', c.name], ['id', el('span', {class: 'mono', id: 'container-id'}, c.id)], ['runtime', c.runtime],
      ['image', c.image],
      ['kubernetes', k ? `${podLabel(k)}${k.container ? ` · container ${k.container}` : ''}` : null],
      ['pod uid', k ? el('span', {class: 'mono'}, k.podUid) : undefined],
      ['cgroup', el('span', {class: 'mono', id: 'cgroup-path'}, c.cgroupPath || '–')],
      ['processes', `${c.processes.total} (${c.processes.threads} threads, ${c.processes.zombies} zombies)`],
    ]));
  }

  function namespaces(c) {
    const doc = getDoc();
    const others = (type, inode) => (doc?.containers || [])
        .filter((o) => o.id !== c.id && inode != null && o.namespaces?.[type]?.inode === inode).map(displayName);
    clear(parts.namespaces, el('table', {class: 'grid compact'},
        el('thead', {}, el('tr', {}, el('th', {}, 'type'), el('th', {}, 'inode'), el('th', {}, 'host\'s'),
            el('th', {}, 'shared with'))),
        el('tbody', {}, Object.entries(c.namespaces).map(([type, ns]) => {
          const shared = others(type, ns.inode);
          return el('tr', {'data-ns': type, class: ns.sharedWithHost ? 'host-shared' : ''},
              el('td', {}, type), el('td', {class: 'mono'}, ns.inode ?? '–'),
              el('td', {}, ns.sharedWithHost == null ? '–' : ns.sharedWithHost ? 'yes' : 'no'),
              el('td', {class: 'small'}, shared.length > 4 ? `${shared.length} containers` : shared.join(', ')));
        }))));
  }

  function pid1(c) {
    const p = c.pid1;
    const mine = c.findings.filter((f) => f.rule.startsWith('pid1-'));
    clear(parts.pid1,
        p ? dl([['host pid', p.hostPid], ['comm', el('span', {class: 'mono'}, p.comm)], ['exe', p.exe],
          ['init kind', p.initKind], ['SIGTERM reaches it', p.catchesSigterm == null ? null : p.catchesSigterm ? 'yes' : 'no'],
          ['live children', p.children]])
          : el('p', {class: 'muted'}, 'No PID 1 of its own: the container shares the host\'s pid namespace (or another one).'),
        mine.length ? mine.map(finding) : el('p', {class: 'ok', id: 'pid1-ok'}, p ? 'No PID-1 findings.' : ''));
  }

  // the panel is rebuilt only when the isolation changed (it rarely does), so a selection or a copy survives the polls
  let shownIsolation = null;
  function isolation(c) {
    const key = JSON.stringify(c.isolation ?? null);
    if (key === shownIsolation && parts.isolation.firstChild) return;
    shownIsolation = key;
    clear(parts.isolation, isolationPanel(c.isolation));
  }

  function finding(f) {
    return el('div', {class: `finding sev-${f.severity}`, 'data-rule': f.rule},
        el('div', {}, badge(f), ' ', el('code', {}, f.rule)),
        el('p', {}, f.message),
        el('details', {open: true}, el('summary', {}, 'evidence'),
            el('dl', {class: 'kv evidence'}, Object.entries(f.evidence || {}).map(([k, v]) =>
              [el('dt', {}, k), el('dd', {class: 'mono'}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))]))),
        el('p', {class: 'fix'}, el('strong', {}, 'Fix: '),
            f.fix || RULES[f.rule]?.fix || ''));
  }

  function processTree(list) {
    const byPid = new Map(list.map((p) => [p.pid, p]));
    const kids = new Map();
    const roots = [];
    for (const p of list) {
      if (p.ppid !== p.pid && byPid.has(p.ppid)) {
        if (!kids.has(p.ppid)) kids.set(p.ppid, []);
        kids.get(p.ppid).push(p);
      } else roots.push(p);
    }
    roots.sort((a, b) => (a.nsPid === 1 ? -1 : b.nsPid === 1 ? 1 : a.pid - b.pid));
    const node = (p) => el('li', {},
        el('span', {class: `proc${p.state === 'Z' ? ' zombie' : ''}${p.nsPid === 1 ? ' pid1' : ''}`, 'data-pid': p.pid,
          'data-ns-pid': p.nsPid, 'data-ppid': p.ppid, 'data-state': p.state, 'data-comm': p.comm,
          title: `host pid ${p.pid}, parent ${p.ppid}, ${p.threads} threads`},
        el('span', {class: 'mono'}, p.nsPid), ' ', el('strong', {}, p.comm), ' ',
        el('span', {class: 'state'}, p.state === 'Z' ? 'zombie' : p.state), ' ',
        el('span', {class: 'muted small'}, `host ${p.pid}`)),
        kids.has(p.pid) ? el('ul', {}, kids.get(p.pid).map(node)) : null);
    return list.length ? el('ul', {class: 'tree'}, roots.map(node)) : el('p', {class: 'muted'}, 'No processes.');
  }

  function updateCharts(c, h) {
    const pts = h.points.map((p) => ({...p, t: millis(p.timestamp)}));
    const rate = (f) => pts.slice(1).map((p, i) => {
      const a = f(pts[i]);
      const b = f(p);
      const dt = (p.t - pts[i].t) / 1000;
      return [p.t, a == null || b == null || dt <= 0 || b < a ? null : (b - a) / dt];
    });
    const line = (f) => pts.map((p) => [p.t, f(p) ?? null]);
    const quota = c.stats?.cpu?.quotaCores;
    const series = {
      cpu: [{name: 'usage', data: rate((p) => p.cpuUsageSeconds), area: true},
        quota != null ? {name: 'limit (quota)', data: pts.map((p) => [p.t, quota]), limit: true} : null],
      memory: [{name: 'working set', data: line((p) => p.memoryWorkingSetBytes), area: true},
        {name: 'usage', data: line((p) => p.memoryUsageBytes)},
        pts.some((p) => p.memoryLimitBytes != null) ? {name: 'limit', data: line((p) => p.memoryLimitBytes), limit: true} : null],
      io: [{name: 'read', data: rate((p) => p.ioReadBytes)}, {name: 'write', data: rate((p) => p.ioWriteBytes)}],
      pids: [{name: 'current', data: line((p) => p.pidsCurrent), area: true},
        pts.some((p) => p.pidsLimit != null) ? {name: 'limit', data: line((p) => p.pidsLimit), limit: true} : null],
    };
    for (const def of CHARTS) {
      const chart = charts[def.key];
      if (!chart) continue;
      const ss = series[def.key].filter(Boolean);
      chart.setOption({
        animation: false,
        grid: {left: 70, right: 16, top: 30, bottom: 28},
        legend: {top: 0, data: ss.map((s) => s.name)},
        tooltip: {trigger: 'axis', valueFormatter: def.axis},
        xAxis: {type: 'time'},
        yAxis: {type: 'value', min: 0, minInterval: def.key === 'cpu' ? 0 : 1, axisLabel: {formatter: def.axis}},
        series: ss.map((s) => ({name: s.name, type: 'line', showSymbol: false, data: s.data, connectNulls: false,
          areaStyle: s.area ? {opacity: 0.15} : undefined,
          lineStyle: s.limit ? {type: 'dashed', color: '#b3261e'} : undefined,
          itemStyle: s.limit ? {color: '#b3261e'} : undefined})),
      }, true);
      chart.getDom().setAttribute('data-points', pts.length);
    }
  }

  return {show, hide, resize: () => Object.values(charts).forEach((c) => c.resize())};
}
