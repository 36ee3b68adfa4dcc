# The nscope agent image: a JRE, the application jar split into layers, a CDS archive, and `java`
# itself as PID 1.
#
#   ./mvnw -DskipTests package && docker build -t nscope:0.1.0 \
#     --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
#
# JRE_IMAGE is any Java 17 runtime image with `java` on the PATH: the published eclipse-temurin:17-jre
# by default (java in /opt/java/openjdk), or, where no registry is reachable, the Debian bookworm base
# with openjdk-17-jre-headless that tools/build-image.sh makes with mmdebstrap (java in
# /usr/lib/jvm/java-17-openjdk-<arch>); nothing below names a JRE path. tools/build-image.sh builds this
# file as nscope:dev on the project's machines, and ImageRunIT runs that image as the DaemonSet runs it.
# Several architectures, labels, and the build without a registry: docs/image.md.
# ImageEntrypointIT (mvn verify) also checks these steps without an image: it extracts
# target/nscope.jar with the RUN lines below, makes the CDS archive as below, and starts the agent with
# this ENTRYPOINT's exact JVM flags (parsed from this file); DaemonSetEquivalentTest runs the agent with
# the same JVM flags the way the Helm chart's DaemonSet does.
ARG JRE_IMAGE=eclipse-temurin:17-jre

FROM ${JRE_IMAGE} AS builder
# for tools/build-image.sh, which removes the stages of earlier builds
LABEL dev.nscope.stage=builder
WORKDIR /builder
COPY target/nscope.jar nscope.jar
# dependencies/, spring-boot-loader/, snapshot-dependencies/, application/: nscope.jar and lib/*.jar,
# copied below from the least to the most often changed, each an image layer of its own
RUN java -Djarmode=tools -jar nscope.jar extract --layers --destination extracted

FROM ${JRE_IMAGE}
WORKDIR /app
COPY --from=builder /builder/extracted/dependencies/ ./
COPY --from=builder /builder/extracted/spring-boot-loader/ ./
COPY --from=builder /builder/extracted/snapshot-dependencies/ ./
COPY --from=builder /builder/extracted/application/ ./
# Class data sharing: a training run starts the application context and exits (spring.context.exit),
# recording the loaded classes in nscope.jsa; the agent then starts in about 0.6 of the time (context
# refreshed in 1.6 s against 2.7 s on the 2-core build machine, with the flags below) and maps those
# classes read-only. -Xmx and the GC are fixed here so the archive's compressed-oops mode is the
# one a small container runs with, whatever the build machine's memory.
RUN java -XX:ArchiveClassesAtExit=nscope.jsa -Xmx128m -XX:+UseSerialGC -Dspring.context.exit=onRefresh -jar nscope.jar

# OCI annotations (https://github.com/opencontainers/image-spec/blob/main/annotations.md); VERSION and
# REVISION are given by the build (tools/build-image.sh: the jar's version and the checkout's commit)
ARG SOURCE=https://github.com/nscope/nscope
ARG VERSION=unknown
ARG REVISION=unknown
LABEL org.opencontainers.image.title=nscope \
      org.opencontainers.image.description="Node agent: containers as processes with their own namespaces, kept in check by cgroups" \
      org.opencontainers.image.source=$SOURCE \
      org.opencontainers.image.version=$VERSION \
      org.opencontainers.image.revision=$REVISION \
      org.opencontainers.image.licenses=Apache-2.0

# root, for the capabilities the chart adds (SYS_PTRACE, DAC_READ_SEARCH): a non-root process gets
# none of them effective (see helm/nscope/README.md)
USER 0:0
EXPOSE 9810
STOPSIGNAL SIGTERM
# Exec form: `java` is PID 1 and takes SIGTERM itself (the JVM installs a handler: the stop runs the
# shutdown hooks and exits at once, status 143); nscope's pid1-* rules pass on it. JVM flags for a
# small single-purpose agent in a container:
#   -XX:SharedArchiveFile       the CDS archive made above
#   -XX:MinRAMPercentage=35, -XX:MaxRAMPercentage=35
#                               heap from the container's memory limit, 35% of it whatever its size (under
#                               about 250 MiB the JVM takes MinRAMPercentage, 50 by default, and ignores
#                               the Max): metaspace, code, thread stacks, the archive and malloc need about
#                               90 MiB beside a heap whose live set was 42 MiB after a full GC at 1,000
#                               containers, 50 s in (the history adds up to ~9 MiB as it fills)
#   -XX:InitialRAMPercentage=35 all of that heap from the start, rather than growing it in full collections
#   -XX:SurvivorRatio=3, -XX:TargetSurvivorRatio=90
#                               survivor spaces of 6 MiB (3 MiB by default) that may fill to 90%: a scan's
#                               snapshot lives one interval, and a young collection in that time copied
#                               what did not fit into the old generation, until a full collection
#                               (80-125 ms) emptied it (1,000 containers, bench/requests.sh: 2 full
#                               collections in 110 s of requests without these flags, none with them)
#   -XX:TieredStopAtLevel=1     the client compiler only: the scan is I/O-bound, and C2's compilations
#                               cost more CPU and malloc'd memory than they give back (bench/run.sh,
#                               1,000 containers: RSS 233 -> 187 MiB, CPU in the first 2 min 5.3 -> 2.8%)
#   -XX:ReservedCodeCacheSize=24m  plenty for C1 code (about 10 MiB used)
#   -XX:+UseSerialGC            one scanning thread and a small heap: no parallel GC threads
#   -XX:+ExitOnOutOfMemoryError exit (and be restarted) rather than run on half-broken
#   -Xss512k                    small thread stacks (the agent's threads recurse little)
# The chart passes no JAVA_TOOL_OPTIONS by default. Flags set there are read before these, so they can
# add flags but not change these (the command line wins); the chart's jvmOptions replaces them instead.
# MALLOC_ARENA_MAX=2: glibc keeps one malloc arena per thread otherwise, each holding freed memory
ENV MALLOC_ARENA_MAX=2
ENTRYPOINT ["java", "-XX:SharedArchiveFile=nscope.jsa", "-XX:MinRAMPercentage=35", "-XX:MaxRAMPercentage=35", "-XX:InitialRAMPercentage=35", "-XX:SurvivorRatio=3", "-XX:TargetSurvivorRatio=90", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=24m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Xss512k", "-jar", "nscope.jar"]
