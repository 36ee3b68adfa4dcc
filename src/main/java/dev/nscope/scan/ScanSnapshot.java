package dev.nscope.scan;

import java.util.List;
import java.util.Optional;

/** The result of one scan: the node and its containers. Immutable; published atomically. */
public record ScanSnapshot(NodeInfo node, List<ContainerSnapshot> containers) {

    /**
     * A container by full id, by a unique id prefix of at least 12 characters, or by name.
     * Empty when none or several match.
     */
    public Optional<ContainerSnapshot> find(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.empty();
        }
        for (ContainerSnapshot c : containers) {
            if (c.id().equals(key)) {
                return Optional.of(c);
            }
        }
        ContainerSnapshot found = null;
        if (key.length() >= 12) {
            for (ContainerSnapshot c : containers) {
                if (c.id().startsWith(key)) {
                    if (found != null) {
                        return Optional.empty();
                    }
                    found = c;
                }
            }
            if (found != null) {
                return Optional.of(found);
            }
        }
        for (ContainerSnapshot c : containers) {
            if (key.equals(c.name())) {
                if (found != null) {
                    return Optional.empty();
                }
                found = c;
            }
        }
        return Optional.ofNullable(found);
    }
}
