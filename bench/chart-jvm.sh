# Sourced by the bench scripts: the chart's JVM, as the image runs it. Sets JAVA_OPTS (unless already
# set) to the Dockerfile ENTRYPOINT's flags, without its CDS archive, in a 256 MiB container
# (-XX:MaxRAM=256m), and exports the Dockerfile's ENV lines (MALLOC_ARENA_MAX).
chart_flags=$(python3 -c 'import json; e=[l for l in open("Dockerfile") if l.startswith("ENTRYPOINT")][0]; a=json.loads(e[len("ENTRYPOINT"):]); print(" ".join(x for x in a[1:a.index("-jar")] if not x.startswith("-XX:SharedArchiveFile")))')
JAVA_OPTS=${JAVA_OPTS:-"$chart_flags -XX:MaxRAM=256m"}
eval "$(sed -n 's/^ENV \(.*\)/export \1/p' Dockerfile)"
