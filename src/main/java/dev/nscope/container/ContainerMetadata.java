package dev.nscope.container;

import java.util.Map;

/**
 * What a runtime's own state on disk says about a container. Every field may be null: a container
 * without metadata is still listed.
 *
 * @param stopSignal    the signal the runtime stops it with when not SIGTERM ("SIGUSR1", "10"), or null
 * @param podSandbox    true for a Kubernetes pod's sandbox ("pause") container
 * @param dockerInit    Docker's {@code HostConfig.Init} ({@code docker run --init}), null when unknown
 * @param source        the file it came from, for evidence
 */
public record ContainerMetadata(String name, String image, String stopSignal,
                                String podName, String podNamespace, String podUid, String containerName,
                                boolean podSandbox, Boolean dockerInit, Map<String, String> labels, String source) {

    public static final ContainerMetadata EMPTY =
            new ContainerMetadata(null, null, null, null, null, null, null, false, null, Map.of(), null);

    public boolean isEmpty() {
        return source == null;
    }
}
