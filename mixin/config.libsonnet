// What a site may change without touching the alerts. Override it the mixin way:
//   (import 'mixin.libsonnet') + { _config+:: { nscopeSelector: 'job="node-agents"' } }
{
  _config+:: {
    // Selects the nscope agents' series. Every selector of every alert carries it.
    nscopeSelector: 'job="nscope"',

    // The label that tells clusters apart where one Prometheus (Thanos, Mimir, …) holds several. Joins
    // match on it too, so two clusters' containers never meet; series without it match as before.
    clusterLabel: 'cluster',

    // Each alert's runbook_url: %s is the alert name in lower case (GitHub's anchor of "## NscopeAgentDown"
    // is #nscopeagentdown).
    runbookURLPattern: 'https://github.com/nscope/nscope/blob/main/docs/runbook.md#%s',
  },
}
