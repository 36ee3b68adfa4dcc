// Small helpers shared by the views. Every value from the agent goes into the page through
// textContent or attributes (never innerHTML): names and images come from runtime metadata.

/** el('tr', {class: 'x', 'data-id': id, onclick: fn}, child, 'text', …) */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(e, ...children) {
  e.replaceChildren();
  append(e, children);
  return e;
}

/** GET a path relative to the page (works under a path prefix, with the browser's credentials). */
export async function getJson(path) {
  const r = await fetch(path, {credentials: 'same-origin', headers: {Accept: 'application/json'}, cache: 'no-store'});
  if (!r.ok) {
    const err = new Error(`${path}: HTTP ${r.status}`);
    err.status = r.status;
    throw err;
  }
  return r.json();
}

/** Milliseconds since the epoch of an ISO-8601 instant with up to nanoseconds. */
export function millis(iso) {
  if (!iso) return NaN;
  return Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
}

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 1)} ${units[i]}`;
}

export function num(n, digits = 0) {
  return n === null || n === undefined || Number.isNaN(n) ? '–' : Number(n).toFixed(digits);
}

export function time(iso) {
  const t = millis(iso);
  return Number.isNaN(t) ? '–' : new Date(t).toLocaleTimeString();
}

export function shortId(id) {
  return /^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id;
}

export function displayName(c) {
  return c.name || shortId(c.id);
}

/** "namespace/pod" of a Kubernetes container, with what is known. */
export function podLabel(k) {
  if (!k) return '';
  const pod = k.podName || (k.podUid ? `uid ${k.podUid.slice(0, 8)}` : '?');
  return k.namespace ? `${k.namespace}/${pod}` : pod;
}

export const SEVERITIES = ['critical', 'warning', 'info'];

/** Short labels of the rules, for badges. */
export const RULE_LABELS = {
  'pid1-sigterm-dropped': 'SIGTERM dropped',
  'pid1-zombies-not-reaped': 'zombies',
  'pid1-signals-not-forwarded': 'signals not forwarded',
  'host-pid-namespace': 'host pid',
  'host-network-namespace': 'host network',
  'host-ipc-namespace': 'host ipc',
  'host-uts-namespace': 'host uts',
  'host-mount-namespace': 'host mounts',
  'host-user-namespace': 'host user',
  'memory-near-limit': 'memory near limit',
  'pids-near-limit': 'pids near limit',
  'oom-killed': 'OOM killed',
  'cpu-throttled': 'CPU throttled',
};

/** What to do about each finding. */
export const RULE_FIXES = {
  'pid1-sigterm-dropped': 'Run the program under an init that forwards signals (docker run --init, tini, dumb-init, '
      + 'catatonit), or make it handle SIGTERM itself. In an entrypoint script, start the program with exec.',
  'pid1-zombies-not-reaped': 'Run an init that reaps orphans as PID 1 (docker run --init, tini, dumb-init), '
      + 'or make PID 1 wait() for the children it starts.',
  'pid1-signals-not-forwarded': 'Start the program with exec in the entrypoint script so it replaces the shell, '
      + 'or run an init that passes SIGTERM on (tini, dumb-init).',
  'host-pid-namespace': 'Drop --pid host / hostPID: true unless the container must see the host\'s processes.',
  'host-network-namespace': 'Drop --network host / hostNetwork: true and publish the ports it serves instead.',
  'host-ipc-namespace': 'Drop --ipc host / hostIPC: true.',
  'host-uts-namespace': 'Drop --uts host: the container can change the host\'s hostname.',
  'host-mount-namespace': 'Give the container its own mount namespace and mount only the paths it needs.',
  'host-user-namespace': 'Use user namespaces (dockerd userns-remap, a rootless runtime, Kubernetes hostUsers: false) '
      + 'so that root in the container is not root on the host.',
  'memory-near-limit': 'Raise the memory limit or shrink the working set before the OOM killer steps in.',
  'pids-near-limit': 'Raise the pids limit, or find the process that forks too much in the tree below.',
  'oom-killed': 'The kernel killed a process of this container for memory: raise the limit or fix the leak.',
  'cpu-throttled': 'Raise the CPU limit (CFS quota) or lower the demand: throttling adds latency.',
};

export function worstSeverity(findings) {
  for (const s of SEVERITIES) if ((findings || []).some((f) => f.severity === s)) return s;
  return null;
}

export function badge(f) {
  return el('span', {class: `badge sev-${f.severity}`, 'data-rule': f.rule, 'data-severity': f.severity, title: f.message},
      RULE_LABELS[f.rule] || f.rule);
}
