package dev.nscope.scan;

/** A container's place in Kubernetes; fields the node cannot tell are null. */
public record KubernetesRef(String podUid, String podName, String namespace, String container) {
}
