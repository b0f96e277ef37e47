# Fyntr in a container (docs/install.md#container): a jlink'd runtime of just the modules the command needs,
# run as a non-root user.
#
#   docker build -t fyntr .
#   docker run --rm -p 9999:9999 -e FYNTR_BIND=0.0.0.0 -e FYNTR_AUTH_FILE=/etc/fyntr/users \
#       -v /etc/fyntr:/etc/fyntr:ro fyntr
#
# The proxy binds 127.0.0.1 (unreachable from outside the container) unless FYNTR_BIND says otherwise: opening it
# to a network is a decision, best taken together with an auth file (docs/auth.md).

# ---- build: the Maven wrapper, the command's jars, then jlink (-Pjlink) -------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# The wrapper and the POMs first, so that the dependency download is a cached layer of its own.
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY fyntr-bom/pom.xml fyntr-bom/
COPY fyntr-api/pom.xml fyntr-api/
COPY fyntr-scheduler-testkit/pom.xml fyntr-scheduler-testkit/
COPY fyntr-scheduler-drr/pom.xml fyntr-scheduler-drr/
COPY fyntr-example-scheduler/pom.xml fyntr-example-scheduler/
COPY fyntr-transport-nio/pom.xml fyntr-transport-nio/
COPY fyntr-cli/pom.xml fyntr-cli/
COPY fyntr-bench/pom.xml fyntr-bench/
COPY fyntr-dist/pom.xml fyntr-dist/
RUN ./mvnw -B -q -pl fyntr-dist -am -Pjlink dependency:go-offline -DskipTests || true
COPY . .
# The tests ran in CI; here only the image is built.
RUN ./mvnw -B -pl fyntr-dist -am -Pjlink package -DskipTests -Dmaven.javadoc.skip -Dmaven.source.skip \
    && test -x fyntr-dist/target/image/bin/java

# ---- run: the image on a small glibc base ---------------------------------------------------------------------------
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin fyntr
COPY --from=build /src/fyntr-dist/target/image /opt/fyntr
USER 10001:10001
EXPOSE 9999
# Every flag has a FYNTR_* variable (docs/cli.md); FYNTR_BIND=0.0.0.0 opens the port to the container's network.
ENV FYNTR_PORT=9999
# The JVM is PID 1's direct child of nothing: exec form, so SIGTERM (docker stop) reaches it and the proxy drains.
ENTRYPOINT ["/opt/fyntr/bin/java", "-XX:+UseSerialGC", "-Xss256k", "-XX:TieredStopAtLevel=1", "-Xms8m", "-Xmx64m", \
            "-p", "/opt/fyntr/app", "-m", "dev.fyntr.cli"]
