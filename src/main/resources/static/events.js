// The node's container events (actuator/containers/events): a timeline, newest first. The page reads the ring
// with ?since=<the last number it saw> at its own cadence, so each poll brings only what is new, and keeps the
// newest MAX_EVENTS here; the container view shows its own from the same copy.
import {ago, clear, duration, el, getJson, localTime, podLabel, RULES, ruleTitle, shortId} from './util.js';

export const MAX_EVENTS = 500;
/** How node.warnings says the agent cannot listen to the kernel's process events (it polls only). */
export const EVENTS_UNAVAILABLE = 'process events unavailable';

const TYPE_TONE = {'started': 'ok', 'stopped': 'neutral', 'pid1-restarted': 'warn', 'oom-kill': 'bad'};

/** How a stop ended, as a colour: killed red, a clean exit neutral, a failing exit or another signal amber. */
function stopTone(e) {
  switch (e.outcome) {
    case 'killed':
    case 'oom-killed':
      return 'bad';
    case 'signaled':
      return 'warn';
    case 'exited':
      return e.exitCode ? 'warn' : 'neutral';
    default:
      return 'neutral';
  }
}

/** The event's type as a badge; a stop's names its outcome and is coloured by it. */
export function eventBadge(e) {
  const stop = e.type === 'stopped';
  const text = stop && e.outcome ? `stopped · ${e.outcome}` : e.type;
  return el('span', {class: `ev tone-${stop ? stopTone(e) : TYPE_TONE[e.type] || 'neutral'}`, 'data-type': e.type,
    'data-outcome': stop ? e.outcome ?? 'unknown' : null,
    title: stop && !e.outcome ? 'how it stopped is not known (the agent saw it gone at a scan)' : null}, text);
}

/** "SIGKILL", "exit 3", both, or null when neither is known. */
export function exitText(e) {
  const parts = [];
  if (e.exitSignal) parts.push(e.exitSignal);
  if (e.exitCode !== null && e.exitCode !== undefined) parts.push(`exit ${e.exitCode}`);
  return parts.length ? parts.join(', ') : null;
}

/** A badge per finding rule the event bears out ("confirms …"). */
export function confirmBadges(e) {
  return (e.confirms || []).map((id) => el('span', {class: `badge confirms sev-${RULES[id]?.severity || 'info'}`, 'data-rule': id,
    title: `this event bears out the finding ${id}`}, `confirms ${ruleTitle(id)}`));
}

const muted = (text) => el('span', {class: 'muted'}, text);

export function createEvents(root, getDoc) {
  let events = []; // newest first
  let lastSeq = 0;
  let dropped = false; // more came than the page keeps
  let unsupported = false;
  let inFlight = null;
  let shown = false;
  let filter = '';

  const input = el('input', {id: 'events-filter', type: 'search', placeholder: 'Filter: name, id, type, outcome, rule…',
    'aria-label': 'Filter events', oninput: (e) => setFilter(e.target.value), onsearch: (e) => setFilter(e.target.value)});
  const count = el('span', {id: 'events-count', class: 'muted'});
  const error = el('div', {id: 'events-error', class: 'notice error', hidden: true});
  const body = el('tbody');
  const head = el('tr', {}, ['Time', 'Event', 'Container', 'PID 1', 'Exit', 'Lifetime', 'Confirms'].map((h) =>
    el('th', {class: h === 'Lifetime' ? 'num' : null}, h)));
  clear(root, el('div', {class: 'filters'}, input, count), error,
      el('div', {class: 'table-wrap'}, el('table', {id: 'events-table', class: 'grid'}, el('thead', {}, head), body)));

  function setFilter(value) {
    filter = value;
    render();
  }

  /** Reads what came after the last number seen; one read at a time (a slow answer is not asked for twice). */
  function poll() {
    if (unsupported) return Promise.resolve();
    if (!inFlight) inFlight = read().finally(() => { inFlight = null; });
    return inFlight;
  }

  async function read() {
    try {
      const doc = await getJson(`actuator/containers/events?since=${lastSeq}`);
      const fresh = (doc.events || []).filter((e) => e.seq > lastSeq).sort((a, b) => b.seq - a.seq);
      error.hidden = true;
      if (fresh.length) {
        lastSeq = fresh[0].seq;
        events = [...fresh, ...events];
        if (events.length > MAX_EVENTS) {
          events = events.slice(0, MAX_EVENTS);
          dropped = true;
        }
      }
    } catch (e) {
      if (e.status === 404) {
        unsupported = true; // an agent older than the events ring: asking again would only fail again
      } else {
        error.hidden = false;
        error.textContent = `Cannot read the agent's events: ${e.message}`;
      }
    }
    render();
  }

  function pollingOnly() {
    return (getDoc()?.node?.warnings || []).some((w) => w.startsWith(EVENTS_UNAVAILABLE));
  }

  function haystack(e) {
    return [e.id, e.name, e.type, e.outcome, e.runtime, podLabel(e.kubernetes), e.kubernetes?.container, e.pid1?.comm,
      e.exitSignal, e.exitCode != null ? `exit ${e.exitCode}` : null, ...(e.confirms || [])]
        .filter(Boolean).join(' ').toLowerCase();
  }

  function render() {
    if (!shown) return;
    const words = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const list = words.length ? events.filter((e) => {
      const h = haystack(e);
      return words.every((w) => h.includes(w));
    }) : events;
    count.textContent = `${list.length} of ${events.length} events${dropped ? ` (the newest ${MAX_EVENTS} kept)` : ''}`;
    const live = new Set((getDoc()?.containers || []).map((c) => c.id));
    const now = Date.now();
    clear(body, list.length ? list.map((e) => row(e, live, now)) : el('tr', {class: 'empty'}, el('td', {colspan: 7}, empty())));
  }

  function empty() {
    if (unsupported) {
      return el('div', {id: 'events-empty', 'data-reason': 'unsupported'}, 'This agent serves no container events (a version before the events ring).');
    }
    if (events.length) return el('div', {id: 'events-empty', 'data-reason': 'filter'}, 'No event matches the filter.');
    if (pollingOnly()) { // the warning itself, with its reason, stands above with the others
      return el('div', {id: 'events-empty', 'data-reason': 'polling'}, 'No container events. The agent cannot listen to the '
          + 'kernel\'s process events, so it polls only: it sees containers at its scans, and how a container stops is not known.');
    }
    return el('div', {id: 'events-empty', 'data-reason': 'none'}, 'No container events since the agent started.');
  }

  function row(e, live, now) {
    const name = e.name || shortId(e.id);
    const k = e.kubernetes;
    return el('tr', {'data-seq': e.seq, 'data-type': e.type, 'data-id': e.id, 'data-outcome': e.outcome},
        el('td', {class: 'when', title: e.time || ''}, el('div', {}, ago(e.time, now)), el('div', {class: 'muted small'}, localTime(e.time))),
        el('td', {}, eventBadge(e)),
        el('td', {class: 'name'},
            live.has(e.id) ? el('a', {href: `#/container/${encodeURIComponent(e.id)}`}, name)
                : el('span', {class: 'gone', title: 'no longer on the node'}, name),
            el('div', {class: 'muted small'}, el('span', {class: 'mono'}, shortId(e.id)), e.runtime ? ` · ${e.runtime}` : '',
                k ? ` · ${podLabel(k)}` : '')),
        el('td', {}, e.pid1 ? [el('span', {class: 'mono'}, e.pid1.comm), el('div', {class: 'muted small'}, `host ${e.pid1.hostPid}`)]
            : muted('–')),
        el('td', {class: 'exit'}, exitText(e) ?? muted('–')),
        el('td', {class: 'num'}, e.lifetimeSeconds != null ? duration(e.lifetimeSeconds) : muted('–')),
        el('td', {class: 'badges'}, confirmBadges(e)));
  }

  /** The newest n events of one container (its full id), newest first. */
  function forContainer(match, n = 10) {
    const out = [];
    for (const e of events) {
      if (match(e)) out.push(e);
      if (out.length === n) break;
    }
    return out;
  }

  return {
    poll,
    forContainer,
    update: render,
    show() {
      shown = true;
      render();
    },
    hide() {
      shown = false;
    },
  };
}

/** A container's own events, as a short list for its view, with its last stop or restart on top. */
export function containerEvents(list) {
  if (!list.length) return el('p', {class: 'muted', id: 'container-events-none'}, 'None in the agent\'s recent events.');
  const now = Date.now();
  const last = list.find((e) => e.type === 'stopped' || e.type === 'pid1-restarted');
  const line = (e) => [eventBadge(e), ' ', exitText(e) ? el('span', {class: 'mono'}, exitText(e)) : null,
    e.lifetimeSeconds != null ? el('span', {class: 'muted'}, ` after ${duration(e.lifetimeSeconds)}`) : null, ' ', confirmBadges(e)];
  return [
    last ? el('p', {id: 'last-outcome', 'data-type': last.type, 'data-outcome': last.outcome},
        el('strong', {}, last.type === 'stopped' ? 'Last stop: ' : 'Last restart: '), line(last),
        el('span', {class: 'muted'}, ` · ${ago(last.time, now)}`)) : null,
    el('ul', {class: 'events', id: 'container-events'}, list.map((e) => el('li', {'data-seq': e.seq, 'data-type': e.type},
        el('span', {class: 'muted when', title: localTime(e.time)}, ago(e.time, now)), ' ', line(e),
        e.pid1 ? el('span', {class: 'muted small'}, ` PID 1 ${e.pid1.comm}`) : null))),
  ];
}
