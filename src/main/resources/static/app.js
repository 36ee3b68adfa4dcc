// nscope's page: the node summary, the containers table, the namespace map, the container events and one
// container's view.
// It reads only the agent's own JSON (relative URLs, the browser's credentials) and loads nothing
// from outside the agent.
import {clear, el, getJson, loadRules, SEVERITIES, time} from './util.js';
import {createTable} from './table.js';
import {createMap} from './map.js';
import {createContainerView} from './container.js';
import {createEvents} from './events.js';

const OVERVIEW_PERIOD_MS = 5000;
const views = {
  overview: document.getElementById('view-overview'),
  map: document.getElementById('view-map'),
  events: document.getElementById('view-events'),
  container: document.getElementById('view-container'),
};
const state = {doc: null, prev: null, view: null};
const open = (id) => {
  location.hash = `#/container/${encodeURIComponent(id)}`;
};
const table = createTable(document.getElementById('table'), open);
const map = createMap(document.getElementById('map-chart'), document.getElementById('map-groups'), open);
const events = createEvents(views.events, () => state.doc);
const container = createContainerView(views.container, () => state.doc, events);

function summary(doc) {
  const n = doc.node;
  const byRuntime = {};
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  for (const c of doc.containers) {
    byRuntime[c.runtime] = (byRuntime[c.runtime] || 0) + 1;
    for (const f of c.findings) bySeverity[f.severity] = (bySeverity[f.severity] || 0) + 1;
  }
  const card = (id, label, ...value) => el('div', {class: 'card stat', id}, el('div', {class: 'label'}, label),
      el('div', {class: 'value'}, ...value));
  clear(document.getElementById('summary'),
      card('sum-kernel', 'Kernel', n.kernel || '–', el('div', {class: 'muted small'}, n.os || '')),
      card('sum-cgroup', 'cgroups', n.cgroupVersion),
      card('sum-processes', 'Processes', String(n.processes),
          el('div', {class: 'muted small'}, n.logicalCpus ? `${n.logicalCpus} CPUs` : '')),
      card('sum-containers', 'Containers', String(doc.containers.length),
          el('div', {class: 'chips'}, Object.entries(byRuntime).sort().map(([r, k]) =>
            el('span', {class: `rt rt-${r}`, 'data-runtime': r, 'data-count': k}, `${r} ${k}`)))),
      card('sum-findings', 'Findings', el('div', {class: 'chips'}, SEVERITIES.map((s) =>
        el('span', {class: `badge sev-${s}`, 'data-severity': s, 'data-count': bySeverity[s]}, `${bySeverity[s]} ${s}`)))),
      card('sum-scan', 'Agent scan', `${n.scanMillis} ms`, el('div', {class: 'muted small'}, `at ${time(n.scannedAt)}`)));
  document.getElementById('node-name').textContent = n.hostname || '';
  document.title = `nscope · ${n.hostname || 'node'}`;
  const errors = Object.entries(n.scanErrors || {}).filter(([, v]) => v > 0);
  const notes = [...(n.warnings || []), ...errors.map(([k, v]) => `${v} file read${v === 1 ? '' : 's'} failed (${k}) during the last scan`)];
  const w = document.getElementById('warnings');
  w.hidden = notes.length === 0;
  clear(w, notes.map((t) => el('div', {}, t)));
}

/** The document and the events that came since the last poll, side by side. */
async function refresh() {
  await Promise.all([refreshDocument(), events.poll()]);
}

async function refreshDocument() {
  try {
    const doc = await getJson('actuator/containers');
    if (state.doc && doc.node.scannedAt === state.doc.node.scannedAt) {
      // the same snapshot again (the page polls more often than the agent scans): rates need two different ones
      document.getElementById('error').hidden = true;
      return;
    }
    state.prev = state.doc;
    state.doc = doc;
    document.getElementById('error').hidden = true;
    document.getElementById('scan-status').textContent = `scanned ${time(doc.node.scannedAt)}`;
    summary(doc);
    table.update(doc, state.prev);
    if (state.view === 'map') map.update(doc);
    events.update(); // links to the containers still here; why there are no events
  } catch (e) {
    const box = document.getElementById('error');
    box.hidden = false;
    box.textContent = `Cannot read the agent's document: ${e.message}`;
  }
}

function route() {
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/container\/(.+)$/);
  const view = m ? 'container' : hash === '#/map' ? 'map' : hash === '#/events' ? 'events' : 'overview';
  state.view = view;
  for (const [k, v] of Object.entries(views)) v.hidden = k !== view;
  document.getElementById('summary').hidden = view === 'container';
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view);
  if (view === 'container') container.show(decodeURIComponent(m[1]));
  else container.hide();
  if (view === 'events') events.show();
  else events.hide();
  if (view === 'map') {
    map.resize();
    if (state.doc) map.update(state.doc);
  }
  window.scrollTo(0, 0);
}

await loadRules();
window.addEventListener('hashchange', route);
route();
await refresh();
document.body.dataset.ready = 'true';
setInterval(refresh, OVERVIEW_PERIOD_MS);
