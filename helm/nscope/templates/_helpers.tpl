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

{{/* Labels of every object of the release, without the component. */}}
{{- define "nscope.commonLabels" -}}
helm.sh/chart: {{ include "nscope.chart" . }}
app.kubernetes.io/name: {{ include "nscope.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
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

{{- define "nscope.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "nscope.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "nscope.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
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
