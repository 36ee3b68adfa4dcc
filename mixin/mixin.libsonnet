// The nscope monitoring mixin: its alerting rules (prometheusAlerts). The Grafana dashboards are the
// JSON models of ../dashboards/.
(import 'config.libsonnet') + (import 'alerts.libsonnet')
