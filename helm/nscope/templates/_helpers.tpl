{{/* The chart's name, or nameOverride. */}}
{{- define "nscope.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* A fully qualified name: the release name, with the chart name unless the release name holds it. */}}
{{- define "nscope.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "nscope.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object of the release, without the component; commonLabels last. */}}
{{- define "nscope.commonLabels" -}}
helm.sh/chart: {{ include "nscope.chart" . }}
app.kubernetes.io/name: {{ include "nscope.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of the agent's objects. */}}
{{- define "nscope.labels" -}}
{{ include "nscope.commonLabels" . }}
app.kubernetes.io/component: agent
{{- end }}

{{/* Labels that select the agent's pods (never change them in an upgrade: a DaemonSet's selector is immutable). */}}
{{- define "nscope.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nscope.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: agent
{{- end }}

{{/*
Labels of the agent's pod template: the selector's, commonLabels and podLabels, and nothing that
changes with the chart's version or appVersion. A change of the template rolls every node's agent; a
chart bump that changes nothing the pod runs must not.
*/}}
{{- define "nscope.podLabels" -}}
{{ include "nscope.selectorLabels" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "nscope.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nscope.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The registry every image comes from: global.imageRegistry, else image.registry; "" for none. */}}
{{- define "nscope.registry" -}}
{{- $global := "" }}
{{- with .Values.global }}{{ $global = .imageRegistry | default "" }}{{ end }}
{{- default .Values.image.registry $global | trimSuffix "/" }}
{{- end }}

{{/* The agent's image: [registry/]repository, then @digest or :tag (the appVersion by default). */}}
{{- define "nscope.image" -}}
{{- $registry := include "nscope.registry" . }}
{{- $repository := ternary .Values.image.repository (printf "%s/%s" $registry .Values.image.repository) (empty $registry) }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The `helm test` pod's image: tests.image, behind global.imageRegistry when that is set. */}}
{{- define "nscope.testImage" -}}
{{- $global := "" }}
{{- with .Values.global }}{{ $global = .imageRegistry | default "" }}{{ end }}
{{- ternary .Values.tests.image (printf "%s/%s" (trimSuffix "/" $global) .Values.tests.image) (empty $global) }}
{{- end }}

{{/* imagePullSecrets, each given as a name or as {name: …}. */}}
{{- define "nscope.imagePullSecrets" -}}
{{- range .Values.imagePullSecrets }}
{{- if kindIs "string" . }}
- name: {{ . }}
{{- else }}
- name: {{ .name }}
{{- end }}
{{- end }}
{{- end }}

{{/* The web config Secret's name ("" when TLS and basic auth are off). */}}
{{- define "nscope.webConfigSecret" -}}
{{- if .Values.webConfig.existingSecret }}
{{- .Values.webConfig.existingSecret }}
{{- else if .Values.webConfig.content }}
{{- printf "%s-web-config" (include "nscope.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Where the web config's directory is mounted in the agent's container. */}}
{{- define "nscope.webConfigDir" -}}
/etc/nscope/web
{{- end }}

{{/*
The web config's checks: the flags that tell the chart what the web config does (it cannot read an
existing Secret) must agree with content when the chart makes the Secret, and a monitor must be able
to get through basic auth. Renders nothing; fails the rendering with one line.
*/}}
{{- define "nscope.webConfigChecks" -}}
{{- $w := .Values.webConfig }}
{{- if and (not $w.existingSecret) (not $w.content) }}
{{- if or $w.tls $w.basicAuth $w.tlsSecret }}
{{- fail "webConfig.tls, .basicAuth and .tlsSecret need a web config: set webConfig.existingSecret or webConfig.content" }}
{{- end }}
{{- end }}
{{- if and $w.content (not $w.existingSecret) }}
{{- $parsed := fromYaml $w.content }}
{{- if hasKey $parsed "Error" }}
{{- fail (printf "webConfig.content is not valid YAML: %s" $parsed.Error) }}
{{- end }}
{{- if ne (hasKey $parsed "tls_server_config") (not (not $w.tls)) }}
{{- fail (printf "webConfig.tls is %v but webConfig.content %s tls_server_config: make them agree (the probes, monitors and test follow webConfig.tls)" $w.tls (ternary "has" "has no" (hasKey $parsed "tls_server_config"))) }}
{{- end }}
{{- if ne (hasKey $parsed "basic_auth_users") (not (not $w.basicAuth)) }}
{{- fail (printf "webConfig.basicAuth is %v but webConfig.content %s basic_auth_users: make them agree (the monitors' basicAuth follows webConfig.basicAuth)" $w.basicAuth (ternary "has" "has no" (hasKey $parsed "basic_auth_users"))) }}
{{- end }}
{{- end }}
{{- range $kind := list "serviceMonitor" "podMonitor" }}
{{- $m := index $.Values $kind }}
{{- if $m.enabled }}
{{- if and $w.basicAuth (not $m.basicAuth) }}
{{- fail (printf "webConfig.basicAuth is on: set %s.basicAuth (username and password from a Secret), or Prometheus is refused with 401" $kind) }}
{{- end }}
{{- if and $m.basicAuth (not $w.basicAuth) }}
{{- fail (printf "%s.basicAuth is set but webConfig.basicAuth is false: the agent asks for no password" $kind) }}
{{- end }}
{{- if and $m.tlsConfig (not $w.tls) }}
{{- fail (printf "%s.tlsConfig is set but webConfig.tls is false: the agent serves plain HTTP" $kind) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The scheme the agent serves: https when the web config turns TLS on. */}}
{{- define "nscope.scheme" -}}
{{- ternary "https" "http" (not (not .Values.webConfig.tls)) }}
{{- end }}

{{/* A ServiceMonitor endpoint's or PodMonitor podMetricsEndpoint's scheme, tlsConfig and basicAuth. */}}
{{- define "nscope.monitorAccess" -}}
{{- $m := index .root.Values .kind -}}
scheme: {{ include "nscope.scheme" .root }}
{{- if and .root.Values.webConfig.tls $m.tlsConfig }}
tlsConfig:
  {{- toYaml $m.tlsConfig | nindent 2 }}
{{- end }}
{{- if .root.Values.webConfig.basicAuth }}
basicAuth:
  {{- toYaml $m.basicAuth | nindent 2 }}
{{- end }}
{{- end }}

{{/* The runtime state directories to mount: a list of {name, path}. */}}
{{- define "nscope.runtimeMounts" -}}
{{- $m := list }}
{{- with .Values.runtimes }}
{{- if .docker.enabled }}
{{- $m = append $m (dict "name" "docker-containers" "path" (printf "%s/containers" (trimSuffix "/" .docker.root))) }}
{{- end }}
{{- if .containerd.enabled }}
{{- $m = append $m (dict "name" "containerd-tasks" "path" (printf "%s/io.containerd.runtime.v2.task" (trimSuffix "/" .containerd.state))) }}
{{- end }}
{{- if .containersStorage.enabled }}
{{- range $i, $root := .containersStorage.roots }}
{{- $m = append $m (dict "name" (printf "containers-storage-%d" $i) "path" (printf "%s/overlay-containers" (trimSuffix "/" $root))) }}
{{- end }}
{{- end }}
{{- end }}
{{- toJson $m }}
{{- end }}

{{/* The agent container's securityContext: the value's, with NET_ADMIN added for the process events when asked (processEvents). */}}
{{- define "nscope.securityContext" -}}
{{- $sc := deepCopy (.Values.securityContext | default dict) }}
{{- if and .Values.processEvents.enabled .Values.processEvents.netAdmin }}
{{- $caps := deepCopy ($sc.capabilities | default dict) }}
{{- $add := $caps.add | default list }}
{{- if not (has "NET_ADMIN" $add) }}
{{- $_ := set $caps "add" (append $add "NET_ADMIN") }}
{{- end }}
{{- $_ := set $sc "capabilities" $caps }}
{{- end }}
{{- toJson $sc }}
{{- end }}
