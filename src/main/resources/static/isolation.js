// What a container can reach: its root filesystem, the host paths mounted into it (sensitive ones marked),
// its capabilities as chips (the dangerous ones marked), seccomp/AppArmor/SELinux/no_new_privs, its uid on
// the host, and the nsenter line that steps into its namespaces (with a copy button).
import {el} from './util.js';

export function isolationPanel(iso) {
  if (!iso) return el('p', {class: 'muted'}, 'Not known: the container has no live process to read it from.');
  return el('div', {id: 'isolation-body'}, enter(iso.enter), rootfs(iso.rootfs), privileges(iso.privileges),
      mounts(iso.mounts), members(iso.elevatedMembers));
}

function enter(line) {
  const status = el('span', {class: 'muted small', 'aria-live': 'polite'});
  const copy = el('button', {type: 'button', class: 'copy', id: 'copy-enter', onclick: async () => {
    try {
      await navigator.clipboard.writeText(line);
      status.textContent = 'copied';
    } catch (e) {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      status.textContent = 'selected: press Ctrl+C';
    }
  }}, 'copy');
  const code = el('code', {id: 'enter-line'}, line);
  return el('div', {class: 'enter'}, el('div', {class: 'muted small'}, 'Enter its namespaces (as root on the node):'),
      el('div', {class: 'enter-line'}, code, ' ', copy, ' ', status));
}

function rootfs(r) {
  if (!r) return el('p', {class: 'muted', id: 'rootfs'}, 'Root filesystem: the host\'s (or its mount table could not be read).');
  return el('dl', {class: 'kv', id: 'rootfs'},
      el('dt', {}, 'root filesystem'), el('dd', {}, `${r.fstype} (${r.source})${r.readOnly ? ', read-only' : ''}`),
      r.upperDir ? [el('dt', {}, 'writable layer'), el('dd', {class: 'mono'}, r.upperDir)] : null,
      r.hostPath ? [el('dt', {}, 'on the host at'), el('dd', {class: 'mono'}, r.hostPath)] : null);
}

function privileges(p) {
  if (!p) return el('p', {class: 'muted'}, 'Privileges: its status could not be read.');
  const caps = p.capabilities || {};
  const dangerous = new Set(caps.dangerous || []);
  const chips = (list) => list == null ? el('span', {class: 'muted'}, '–') : list.length === 0 ? el('span', {class: 'muted'}, 'none')
    : el('span', {class: 'chips'}, list.map((c) => el('span', {class: `chip${dangerous.has(c) ? ' danger' : ''}`, 'data-cap': c,
      title: dangerous.has(c) ? 'reaches past the container\'s fences' : null}, c.replace(/^CAP_/, ''))));
  const known = (v, text) => v === null || v === undefined ? el('span', {class: 'muted'}, '–') : text;
  const uid = p.uid == null && p.hostUid == null ? null
    : p.ownUserNamespace ? `${p.uid ?? '?'} in the container = ${p.hostUid ?? '?'} on the host (user namespace of its own)`
      : `${p.hostUid ?? p.uid} (the host's user namespace: its root is root on the host)`;
  return el('dl', {class: 'kv', id: 'privileges'},
      el('dt', {}, 'uid'), el('dd', {'data-field': 'uid'}, known(uid, uid)),
      el('dt', {}, 'seccomp'), el('dd', {'data-field': 'seccomp', class: p.seccomp === 'disabled' ? 'bad' : ''},
          known(p.seccomp, `${p.seccomp}${p.seccompFilters ? ` (${p.seccompFilters} filter${p.seccompFilters > 1 ? 's' : ''})` : ''}`)),
      el('dt', {}, 'no_new_privs'), el('dd', {'data-field': 'noNewPrivs'}, known(p.noNewPrivs, p.noNewPrivs ? 'yes' : 'no')),
      el('dt', {}, 'AppArmor'), el('dd', {'data-field': 'apparmor'}, known(p.apparmor, p.apparmor)),
      el('dt', {}, 'SELinux'), el('dd', {'data-field': 'selinux'}, known(p.selinux, p.selinux)),
      el('dt', {}, 'capabilities'), el('dd', {id: 'caps-effective'}, chips(caps.effective)),
      caps.ambient && caps.ambient.length ? [el('dt', {}, 'ambient'), el('dd', {}, chips(caps.ambient))] : null,
      el('dt', {}, 'bounding set'), el('dd', {id: 'caps-bounding', class: 'small'},
          caps.bounding && caps.effective && caps.bounding.join() === caps.effective.join() ? 'the same' : chips(caps.bounding)));
}

function mounts(list) {
  if (list == null) return el('p', {class: 'muted', id: 'mounts'}, 'Host mounts: its mount table could not be read.');
  if (!list.length) return el('p', {class: 'muted', id: 'mounts'}, 'No host paths are mounted in.');
  return el('table', {class: 'grid compact', id: 'mounts'},
      el('thead', {}, el('tr', {}, ['in the container', 'host path', 'type', 'mode', 'propagation'].map((h) => el('th', {}, h)))),
      el('tbody', {}, list.map((m) => el('tr', {'data-mount': m.mountPoint,
        class: m.sensitive ? 'sensitive' : m.runtimeManaged ? 'managed' : ''},
      el('td', {class: 'mono'}, m.mountPoint),
      el('td', {class: 'mono'}, m.hostPath, m.sensitive ? el('span', {class: 'chip danger'}, 'sensitive') : null,
          m.runtimeManaged ? el('span', {class: 'muted small'}, ' runtime\'s') : null,
          m.submounts ? el('span', {class: 'muted small'}, ` +${m.submounts} mounts below${m.writableSubmounts
            ? `, ${m.writableSubmounts} writable` : ''}`) : null),
      el('td', {}, m.fstype), el('td', {}, m.readOnly ? 'ro' : 'rw'), el('td', {}, m.propagation)))));
}

function members(list) {
  if (!list || !list.length) return null;
  return el('div', {id: 'elevated-members'}, el('p', {class: 'small'}, 'Processes with capabilities PID 1 does not hold:'),
      el('ul', {}, list.map((m) => el('li', {}, el('span', {class: 'mono'}, m.pid), ' ', m.comm, ': ', m.capabilities.join(', ')))));
}
