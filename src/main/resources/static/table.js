// The containers table: sortable columns, filters (runtime, Kubernetes namespace, finding, free text),
// finding badges; a click on a row opens the container.
import {badge, bytes, clear, displayName, el, millis, num, podLabel, shortId, RULES, SEVERITIES} from './util.js';

const SEVERITY_SCORE = {critical: 100, warning: 10, info: 1};

const COLUMNS = [
  {key: 'name', label: 'Container', value: (r) => r.name.toLowerCase()},
  {key: 'runtime', label: 'Runtime', value: (r) => r.c.runtime},
  {key: 'namespace', label: 'Kubernetes', value: (r) => r.k8s},
  {key: 'image', label: 'Image', value: (r) => (r.c.image || '').toLowerCase()},
  {key: 'pid1', label: 'PID 1', value: (r) => (r.c.pid1 ? r.c.pid1.comm : '')},
  {key: 'processes', label: 'Procs', value: (r) => r.c.processes.total, numeric: true},
  {key: 'cpu', label: 'CPU', value: (r) => r.cpu ?? -1, numeric: true},
  {key: 'memory', label: 'Memory', value: (r) => r.c.stats?.memory?.workingSetBytes ?? -1, numeric: true},
  {key: 'findings', label: 'Findings', value: (r) => r.score, numeric: true},
];

export function createTable(root, onOpen) {
  const state = {sort: {key: 'findings', dir: -1}, filters: {runtime: '', namespace: '', finding: '', text: ''}};
  let rows = [];

  const runtime = el('select', {id: 'filter-runtime', 'aria-label': 'Runtime', onchange: (e) => set('runtime', e.target.value)});
  const namespace = el('select', {id: 'filter-namespace', 'aria-label': 'Kubernetes namespace',
    onchange: (e) => set('namespace', e.target.value)});
  const finding = el('select', {id: 'filter-finding', 'aria-label': 'Finding', onchange: (e) => set('finding', e.target.value)});
  const text = el('input', {id: 'filter-text', type: 'search', placeholder: 'Filter: name, id, image, pod, cgroup…',
    'aria-label': 'Free text', oninput: (e) => set('text', e.target.value), onsearch: (e) => set('text', e.target.value)});
  const count = el('span', {id: 'table-count', class: 'muted'});
  const head = el('tr');
  const body = el('tbody');
  const table = el('table', {id: 'containers-table', class: 'grid'}, el('thead', {}, head), body);
  clear(root,
      el('div', {class: 'filters'},
          el('label', {}, 'Runtime ', runtime), el('label', {}, 'Namespace ', namespace),
          el('label', {}, 'Finding ', finding), text, count),
      el('div', {class: 'table-wrap'}, table));

  function set(key, value) {
    state.filters[key] = value;
    render();
  }

  function options(select, values, all) {
    const current = select.value;
    clear(select, el('option', {value: ''}, all), values.map(([v, label]) => el('option', {value: v}, label)));
    select.value = values.some(([v]) => v === current) ? current : '';
    if (select.value !== current) state.filters[select.id.replace('filter-', '')] = '';
  }

  function update(doc, prev) {
    const prevById = new Map((prev?.containers || []).map((c) => [c.id, c]));
    const dt = prev ? (millis(doc.node.scannedAt) - millis(prev.node.scannedAt)) / 1000 : 0;
    rows = doc.containers.map((c) => {
      const p = prevById.get(c.id);
      const u = c.stats?.cpu?.usageSeconds;
      const pu = p?.stats?.cpu?.usageSeconds;
      const cpu = dt > 0 && u != null && pu != null && u >= pu ? (u - pu) / dt : null;
      const k8s = podLabel(c.kubernetes);
      const score = c.findings.reduce((s, f) => s + (SEVERITY_SCORE[f.severity] || 0), 0);
      const haystack = [c.id, c.name, c.image, c.runtime, c.cgroupPath, k8s, c.kubernetes?.container, c.pid1?.comm,
        c.pid1?.exe, ...c.findings.map((f) => f.rule)].filter(Boolean).join(' ').toLowerCase();
      return {c, name: displayName(c), k8s, cpu, score, haystack};
    });
    const runtimes = [...new Set(rows.map((r) => r.c.runtime))].sort();
    options(runtime, runtimes.map((r) => [r, r]), 'all');
    const namespaces = [...new Set(rows.filter((r) => r.c.kubernetes?.namespace).map((r) => r.c.kubernetes.namespace))].sort();
    options(namespace, [...namespaces.map((n) => [n, n]), ['-', '(not Kubernetes)']], 'all');
    const rules = [...new Set(rows.flatMap((r) => r.c.findings.map((f) => f.rule)))].sort();
    options(finding, [...SEVERITIES.map((s) => [`severity:${s}`, `any ${s}`]),
      ...rules.map((r) => [`rule:${r}`, RULES[r] ? `${RULES[r].title} (${r})` : r]), ['none', 'no findings']], 'any');
    render();
  }

  function matches(r) {
    const f = state.filters;
    if (f.runtime && r.c.runtime !== f.runtime) return false;
    if (f.namespace === '-' && r.c.kubernetes) return false;
    if (f.namespace && f.namespace !== '-' && r.c.kubernetes?.namespace !== f.namespace) return false;
    if (f.finding === 'none' && r.c.findings.length) return false;
    if (f.finding.startsWith('rule:') && !r.c.findings.some((x) => `rule:${x.rule}` === f.finding)) return false;
    if (f.finding.startsWith('severity:') && !r.c.findings.some((x) => `severity:${x.severity}` === f.finding)) return false;
    const words = f.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return words.every((w) => r.haystack.includes(w));
  }

  function render() {
    clear(head, COLUMNS.map((col) => {
      const sorted = state.sort.key === col.key;
      return el('th', {'data-sort': col.key, class: `${col.numeric ? 'num ' : ''}${sorted ? 'sorted' : ''}`,
        'aria-sort': sorted ? (state.sort.dir > 0 ? 'ascending' : 'descending') : 'none',
        onclick: () => {
          state.sort = {key: col.key, dir: sorted ? -state.sort.dir : (col.numeric ? -1 : 1)};
          render();
        }}, col.label, sorted ? (state.sort.dir > 0 ? ' ▲' : ' ▼') : '');
    }));
    const col = COLUMNS.find((c) => c.key === state.sort.key);
    const shown = rows.filter(matches).sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      const d = x < y ? -1 : x > y ? 1 : 0;
      return d * state.sort.dir || a.name.localeCompare(b.name);
    });
    count.textContent = `${shown.length} of ${rows.length} containers`;
    clear(body, shown.length ? shown.map(row) : el('tr', {class: 'empty'}, el('td', {colspan: COLUMNS.length},
        rows.length ? 'No container matches the filters.' : 'No containers on this node.')));
  }

  function row(r) {
    const c = r.c;
    const mem = c.stats?.memory;
    return el('tr', {class: 'clickable', 'data-id': c.id, 'data-name': r.name, 'data-runtime': c.runtime,
      'data-rules': c.findings.map((f) => f.rule).join(' '), tabindex: 0,
      onclick: () => onOpen(c.id), onkeydown: (e) => e.key === 'Enter' && onOpen(c.id)},
    el('td', {class: 'name'}, el('a', {href: `#/container/${encodeURIComponent(c.id)}`}, r.name),
        c.name ? el('div', {class: 'muted mono small'}, shortId(c.id)) : null),
    el('td', {}, el('span', {class: `rt rt-${c.runtime}`}, c.runtime)),
    el('td', {}, c.kubernetes ? [el('div', {}, c.kubernetes.namespace || el('span', {class: 'muted'}, '?')),
      el('div', {class: 'muted small'}, c.kubernetes.podName || podLabel({podUid: c.kubernetes.podUid}))]
        : el('span', {class: 'muted'}, '–')),
    el('td', {class: 'small'}, c.image || el('span', {class: 'muted'}, '–')),
    el('td', {}, c.pid1 ? [el('span', {class: 'mono'}, c.pid1.comm), el('div', {class: 'muted small'}, c.pid1.initKind || '')]
        : el('span', {class: 'muted', title: 'no pid namespace of its own'}, 'host pid ns')),
    el('td', {class: 'num'}, c.processes.total,
        c.processes.zombies ? el('div', {class: 'zombie-count small'}, `${c.processes.zombies} zombie`) : null),
    el('td', {class: 'num', 'data-col': 'cpu', title: 'cores, between the last two documents'},
        r.cpu == null ? '–' : `${num(r.cpu, 2)}`),
    el('td', {class: 'num'}, bytes(mem?.workingSetBytes),
        mem?.limitBytes != null ? el('div', {class: 'muted small'}, `of ${bytes(mem.limitBytes)}`) : null),
    el('td', {class: 'badges'}, c.findings.map(badge)));
  }

  return {update};
}
