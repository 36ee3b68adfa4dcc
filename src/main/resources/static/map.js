// The namespace map: containers grouped by the namespaces they share, drawn with an ECharts graph.
// Containers on one of the host's namespaces stand in a column on the left, wired to the host's
// namespaces; containers that share a namespace with each other (the containers of a pod around their
// pod's network namespace) stand in a circle around it; containers with namespaces of their own stand
// apart on a grid. The list under the picture says the same in words (and carries data-* attributes).
import {clear, displayName, el, podLabel, shortId, worstSeverity} from './util.js';

// user, cgroup and time are left out: most containers share the host's (no user namespace remapping)
const TYPES = ['net', 'pid', 'ipc', 'uts', 'mnt'];
const COLORS = {host: '#6e40c9', shared: '#1b7c83', critical: '#d1242f', warning: '#bf8700', info: '#0969da', ok: '#2da44e'};
// the graph's categories: what the legend shows, in the colours the nodes are drawn in
const CATEGORIES = [
  {name: 'host namespace', itemStyle: {color: COLORS.host}},
  {name: 'shared namespace', itemStyle: {color: COLORS.shared}},
  {name: 'container: critical', itemStyle: {color: COLORS.critical}},
  {name: 'container: warning', itemStyle: {color: COLORS.warning}},
  {name: 'container: info', itemStyle: {color: COLORS.info}},
  {name: 'container: no findings', itemStyle: {color: COLORS.ok}},
];
const SEVERITY_CATEGORY = {critical: 2, warning: 3, info: 4, ok: 5};

/** Groups of the document's containers: {host: [...], shared: [...], alone: [...]}. */
export function groups(doc) {
  const cs = doc.containers;
  const hostShared = new Map(); // id -> [types shared with the host]
  const byNs = new Map(); // "type:inode" -> [container]
  for (const c of cs) {
    const mine = [];
    for (const t of TYPES) {
      const ns = c.namespaces?.[t];
      if (!ns || ns.inode == null) continue;
      if (ns.sharedWithHost) mine.push(t);
      else {
        const k = `${t}:${ns.inode}`;
        if (!byNs.has(k)) byNs.set(k, []);
        byNs.get(k).push(c);
      }
    }
    if (mine.length) hostShared.set(c.id, mine);
  }
  // one hub per set of containers sharing namespaces: a pod's net, ipc and uts make one hub
  const hubs = new Map(); // member ids -> {types, inodes, members}
  for (const [k, members] of byNs) {
    if (members.length < 2) continue;
    const key = members.map((c) => c.id).sort().join(',');
    const [type, inode] = k.split(':');
    if (!hubs.has(key)) hubs.set(key, {types: [], inodes: {}, members});
    hubs.get(key).types.push(type);
    hubs.get(key).inodes[type] = inode;
  }
  const inHub = new Set([...hubs.values()].flatMap((h) => h.members.map((c) => c.id)));
  const shared = [...hubs.values()].map((h) => {
    const pod = h.members.find((c) => c.kubernetes)?.kubernetes;
    return {...h, label: pod ? `pod ${podLabel(pod)}` : 'shared'};
  }).sort((a, b) => b.members.length - a.members.length || a.label.localeCompare(b.label));
  const host = cs.filter((c) => hostShared.has(c.id)).map((c) => ({c, types: hostShared.get(c.id)}));
  const alone = cs.filter((c) => !hostShared.has(c.id) && !inHub.has(c.id));
  return {host, shared, alone, hostTypes: TYPES.filter((t) => host.some((h) => h.types.includes(t)))};
}

export function createMap(chartEl, legendEl, onOpen) {
  // made the first time the map is shown: ECharts sizes itself from its element, which is hidden before
  let chart = null;
  let signature = '';
  window.addEventListener('resize', () => chart && chart.resize());

  function update(doc) {
    if (!chart) {
      chart = echarts.init(chartEl, null, {renderer: 'svg'});
      chart.on('click', (p) => p.dataType === 'node' && p.data.containerId && onOpen(p.data.containerId));
    }
    const g = groups(doc);
    const sig = JSON.stringify([g.host.map((h) => [h.c.id, h.c.name, h.types, worstSeverity(h.c.findings)]),
      g.shared.map((s) => [s.label, s.types, s.members.map((c) => [c.id, c.name, worstSeverity(c.findings)])]),
      g.alone.map((c) => [c.id, c.name, worstSeverity(c.findings)])]);
    if (sig === signature) return;
    signature = sig;
    draw(g);
    legend(g);
  }

  function containerNode(c, x, y, extra) {
    const sev = worstSeverity(c.findings) || 'ok';
    return {id: `c:${c.id}`, name: displayName(c), containerId: c.id, x, y, symbol: 'roundRect', symbolSize: [18, 18],
      category: SEVERITY_CATEGORY[sev], value: c.runtime, ...extra};
  }

  function draw(g) {
    const nodes = [];
    const links = [];
    // the host's namespaces and the containers on them: the left column
    g.hostTypes.forEach((t, i) => nodes.push({id: `host:${t}`, name: `host ${t}`, x: 0, y: i * 90, symbol: 'diamond',
      symbolSize: 30, category: 0, label: {position: 'left'}}));
    const hostRows = Math.max(g.hostTypes.length * 90, g.host.length * 55);
    g.host.forEach((h, i) => {
      const y = g.host.length === 1 ? ((g.hostTypes.length - 1) * 90) / 2 : (i * hostRows) / Math.max(1, g.host.length);
      nodes.push(containerNode(h.c, 220, y));
      h.types.forEach((t) => links.push({source: `host:${t}`, target: `c:${h.c.id}`, lineStyle: {color: COLORS.host}}));
    });
    // shared namespaces: each hub with its containers around it, on a grid right of the host column
    const cols = 3;
    const cell = 260;
    const x0 = 480;
    let slot = 0;
    g.shared.forEach((s) => {
      const cx = x0 + (slot % cols) * cell;
      const cy = Math.floor(slot / cols) * cell;
      slot++;
      const hub = `hub:${s.label}:${s.types.join('')}:${slot}`;
      nodes.push({id: hub, name: `${s.label}\n${s.types.join(' · ')}`, x: cx, y: cy, symbol: 'circle', symbolSize: 26,
        category: 1, label: {lineHeight: 15, fontWeight: 'bold', color: COLORS.shared}});
      const r = 80;
      s.members.forEach((c, i) => {
        const a = (2 * Math.PI * i) / s.members.length - Math.PI / 2;
        const id = `c:${c.id}`;
        if (!nodes.some((n) => n.id === id)) nodes.push(containerNode(c, cx + r * Math.cos(a), cy + r * Math.sin(a)));
        links.push({source: hub, target: id, lineStyle: {color: COLORS.shared}});
      });
    });
    // containers on namespaces of their own
    const aloneY = slot ? (Math.ceil(slot / cols) - 1) * cell + 150 : 0;
    g.alone.forEach((c, i) => nodes.push(containerNode(c, x0 + (i % 4) * 190 - 40, aloneY + Math.floor(i / 4) * 70)));
    chart.setOption({
      animation: false,
      tooltip: {formatter: (p) => tooltip(p)},
      // under the graph, apart from it: the nodes' labels reach the top of the drawing area
      legend: [{data: CATEGORIES.map((c) => c.name), bottom: 4, icon: 'roundRect', itemWidth: 14, itemHeight: 14}],
      series: [{type: 'graph', layout: 'none', roam: true, draggable: true, top: 30, bottom: 60, left: 90, right: 160,
        categories: CATEGORIES,
        label: {show: true, position: 'right', fontSize: 12}, edgeSymbol: ['none', 'none'],
        lineStyle: {width: 2, opacity: 0.7}, emphasis: {focus: 'adjacency'}, data: nodes, links}],
    }, true);
  }

  function tooltip(p) {
    const enc = echarts.format.encodeHTML;
    if (p.dataType !== 'node') return '';
    if (p.data.containerId) return `${enc(p.data.name)}<br/>${enc(p.data.value)} ${enc(shortId(p.data.containerId))}`;
    return enc(p.data.name);
  }

  function legend(g) {
    const item = (c, extra, ...more) => el('li', {'data-container-id': c.id, 'data-container-name': displayName(c), ...extra},
        el('a', {href: `#/container/${encodeURIComponent(c.id)}`}, displayName(c)), ...more);
    clear(legendEl,
        el('section', {class: 'map-group', 'data-group': 'host'},
            el('h3', {}, 'On the host\'s namespaces'),
            g.host.length ? el('ul', {}, g.host.map((h) => item(h.c, {'data-host-ns': h.types.join(' ')},
                ` — host ${h.types.join(', ')}`)))
                : el('p', {class: 'muted'}, 'none')),
        el('section', {class: 'map-group', 'data-group': 'shared'},
            el('h3', {}, 'Sharing namespaces with each other'),
            g.shared.length ? g.shared.map((s) => el('div', {class: 'hub', 'data-hub': s.label, 'data-ns': s.types.join(' ')},
                el('div', {}, el('strong', {}, s.label), ` — ${s.types.join(', ')} `,
                    el('span', {class: 'muted mono small'}, Object.entries(s.inodes).map(([t, i]) => `${t}:[${i}]`).join(' '))),
                el('ul', {}, s.members.map((c) => item(c)))))
                : el('p', {class: 'muted'}, 'none')),
        el('section', {class: 'map-group', 'data-group': 'alone'},
            el('h3', {}, 'Namespaces of their own'),
            g.alone.length ? el('ul', {class: 'inline'}, g.alone.map((c) => item(c))) : el('p', {class: 'muted'}, 'none')),
        el('p', {class: 'muted small'}, 'Containers are coloured by their worst finding (red critical, amber warning, '
            + 'blue info, green none); the host\'s namespaces are violet diamonds, shared ones teal circles; a click opens one. Namespaces drawn: net, pid, ipc, uts, mnt. The user, cgroup and '
            + 'time namespaces are left out: most containers share the host\'s.'));
  }

  return {update, resize: () => chart && chart.resize()};
}
