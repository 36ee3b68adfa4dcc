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

/** How long ago an instant was, in its largest unit ("12 s ago", "3 min ago", "2 d ago"); "in …" for one ahead of this browser's clock. */
export function ago(iso, now = Date.now()) {
  const t = millis(iso);
  if (Number.isNaN(t)) return '–';
  const s = (now - t) / 1000;
  if (Math.abs(s) < 2) return 'just now';
  const a = Math.abs(s);
  const words = a < 60 ? `${Math.floor(a)} s` : a < 3600 ? `${Math.floor(a / 60)} min` : a < 86400 ? `${Math.floor(a / 3600)} h`
      : `${Math.floor(a / 86400)} d`;
  return s > 0 ? `${words} ago` : `in ${words}`;
}

/** A number of seconds in words: "42 s", "5 min 3 s", "2 h 4 min", "3 d 2 h". */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Math.max(0, seconds);
  if (s < 10) return `${s < 1 ? s.toFixed(1) : Math.floor(s)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const two = (big, bigUnit, small, smallUnit) => (small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`);
  if (s < 3600) return two(Math.floor(s / 60), 'min', Math.floor(s % 60), 's');
  if (s < 86400) return two(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return two(Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h');
}

/** An instant as this browser's local date and time (the time only when it is today). */
export function localTime(iso) {
  const t = millis(iso);
  if (Number.isNaN(t)) return '–';
  const d = new Date(t);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
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

/** The agent's rule catalog (actuator/rules): id -> {severity, title, fix}; loaded once by loadRules(). */
export const RULES = {};

export async function loadRules() {
  try {
    const doc = await getJson('actuator/rules');
    for (const r of doc.rules) RULES[r.id] = r;
  } catch (e) {
    // an older agent without the catalog: badges show the rule ids
  }
}

/** A rule's short title, or its id when the catalog does not know it. */
export function ruleTitle(id) {
  return RULES[id]?.title || id;
}

export function worstSeverity(findings) {
  for (const s of SEVERITIES) if ((findings || []).some((f) => f.severity === s)) return s;
  return null;
}

export function badge(f) {
  return el('span', {class: `badge sev-${f.severity}`, 'data-rule': f.rule, 'data-severity': f.severity, title: f.message},
      ruleTitle(f.rule));
}
