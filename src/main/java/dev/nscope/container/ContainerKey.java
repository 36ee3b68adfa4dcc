package dev.nscope.container;

/**
 * A container's identity across passes: who made it and its id (a runtime's id, or a sandbox's key).
 * The one key by which what a container left from earlier passes is found.
 */
public record ContainerKey(Runtime runtime, String id) {

    public static ContainerKey of(CgroupClaim claim) {
        return new ContainerKey(claim.runtime(), claim.id());
    }

    /**
     * A hash that is the same in every JVM (an enum's own hash is not), for turns that spread work over
     * passes: the hash of {@link #toString()}, computed without making the string.
     */
    public int stableHash() {
        int h = 31 * runtime.label().hashCode() + '/';
        for (int i = 0; i < id.length(); i++) {
            h = 31 * h + id.charAt(i);
        }
        return h;
    }

    @Override
    public String toString() {
        return runtime.label() + "/" + id;
    }
}
