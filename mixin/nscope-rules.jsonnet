// The Prometheus rule file of the mixin with its default config: prometheus/nscope-rules.yaml and the
// chart's copy are this file's output (generate.sh writes both; MixinTest fails when they differ).
//   jsonnet -J mixin -S mixin/nscope-rules.jsonnet
// A site's rule file, with its own config (see config.libsonnet):
//   jsonnet -J mixin -S --tla-code config='{nscopeSelector: '"'"'job="agents"'"'"'}' mixin/nscope-rules.jsonnet
//
// The YAML is written here rather than by std.manifestYamlDoc: that one sorts a rule's keys (alert,
// annotations, expr, …) and takes seconds in Debian's jsonnet 0.18; this writes a rule as people read
// one (alert, expr, for, labels, annotations), expressions as block scalars, in milliseconds.

local plainWords = ['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~'];
// sets as objects: std.objectHas is native, std.setMember is not (and is slow in 0.18)
local letters = { [c]: true for c in std.stringChars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') };
local safe = letters + { [c]: true for c in std.stringChars('0123456789-_./') };

// A one-line scalar: plain where YAML reads it back as the same string, else single-quoted (where only
// ' is escaped, as '').
local scalar(s) =
  local chars = std.stringChars(s);
  if std.length(s) > 0 && std.objectHas(letters, chars[0])
     && std.length([c for c in chars if !std.objectHas(safe, c)]) == 0 && !std.member(plainWords, std.asciiLower(s))
  then s
  else "'" + std.strReplace(s, "'", "''") + "'";

// A multi-line string as a literal block scalar, each line indented; `|` keeps the one final newline.
local block(s, indent) =
  (if std.endsWith(s, '\n') then '|' else '|-') + '\n'
  + std.join('\n', [if l == '' then '' else indent + l for l in std.split(std.rstripChars(s, '\n'), '\n')]);

local value(v, indent) = if std.length(std.split(v, '\n')) > 1 then block(v, indent) else scalar(v);

// A map's keys: those named first, in that order, then the rest sorted.
local ordered(o, first) = [k for k in first if std.objectHas(o, k)] + [k for k in std.objectFields(o) if !std.member(first, k)];

local mapping(o, first, indent) = std.join('', [
  '%s%s: %s\n' % [indent, k, value(o[k], indent + '  ')]
  for k in ordered(o, first)
]);

local rule(r) =
  local head = if std.objectHas(r, 'alert') then 'alert' else 'record';
  '      - %s: %s\n' % [head, scalar(r[head])]
  + std.join('', [
    if std.isObject(r[k]) then
      '        %s:\n' % k + mapping(r[k], ['severity', 'summary', 'description', 'runbook_url'], '          ')
    else
      '        %s: %s\n' % [k, value(r[k], '          ')]
    for k in ordered(r, ['expr', 'for', 'keep_firing_for', 'labels', 'annotations'])
    if k != head
  ]);

function(config={})
local mixin = (import 'mixin.libsonnet') + { _config+:: config };
|||
  # Generated from mixin/ (jsonnet -J mixin -S mixin/nscope-rules.jsonnet, or mixin/generate.sh): edit
  # the mixin, not this file. prometheus/README.md says how to load the rules, docs/runbook.md has one
  # section per alert, mixin/README.md how to set the job selector, the cluster label and the runbooks.
  groups:
|||
+ std.join('\n', [
  '  - name: %s\n    rules:\n' % scalar(g.name) + std.join('\n', [rule(r) for r in g.rules])
  for g in mixin.prometheusAlerts.groups
])
