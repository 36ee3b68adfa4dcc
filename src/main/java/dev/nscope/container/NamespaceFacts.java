package dev.nscope.container;

import dev.nscope.proc.Namespaces;

/** The input of the host-namespace rules: a container's namespaces beside the host's. */
public record NamespaceFacts(Runtime runtime, Namespaces container, Namespaces host, boolean hasOwnPid1) {
}
