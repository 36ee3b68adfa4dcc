package dev.nscope.cgroup;

/**
 * The input of the resource rules: a container's figures now and at the previous scan (null at its
 * first scan), and the thresholds.
 */
public record ResourceFacts(ContainerStats now, ContainerStats previous, ResourceThresholds thresholds) {
}
