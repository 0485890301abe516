# One peerlink peer. Build: docker build -t peerlink .   (BuildKit: the build uses a cache mount)
# Run:   docker run -p 127.0.0.1:8080:8080 -v peerlink-data:/data peerlink
#        (the API token it generates: docker exec <container> cat /data/api-token)
# Two peers: docker compose up --build (docker-compose.yml).
#
# Builds with Docker 20.10 and later, with BuildKit: the default from Docker 23 on; Docker 20.10 needs
# DOCKER_BUILDKIT=1 (and Debian's docker-compose 1.29 also COMPOSE_DOCKER_CLI_BUILD=1). No `# syntax=`
# line on purpose: the engine's built-in Dockerfile frontend knows RUN --mount and COPY --chmod (CI
# builds with Debian's 20.10.24, scripts/ci-compose.sh), and a syntax line makes every build fetch
# the frontend image from Docker Hub first, which fails on a machine that reaches no registry.

# ---- build: the Maven wrapper on a full JDK --------------------------------------------------------
FROM eclipse-temurin:25-jdk-noble AS build
WORKDIR /src

COPY --chmod=0755 mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
COPY src/ src/

# ~/.m2 (the Maven distribution the wrapper fetches, and every dependency) lives in a BuildKit cache
# mount: kept between builds on this builder, never part of an image layer. Tests are neither
# compiled nor run here; ./mvnw -B verify runs them in CI.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -Dmaven.test.skip=true package

# Split the fat jar into Spring Boot's layers: <layer>/app.jar (a thin jar whose manifest Class-Path
# names lib/*.jar) and <layer>/lib/*.jar.
#
# Not `extract --layers --launcher`: that layout starts through Spring Boot's JarLauncher, whose own
# class loader loads the application and its dependencies from BOOT-INF/. The JDK AOT cache loads
# and links classes ahead of time only for the JDK's built-in class loaders, i.e. from the plain
# class path; of a custom loader's classes it keeps at most the parsed class data, loaded lazily.
# (Measured with Temurin 25 on this application: 3536 of 3713 Spring classes came from the cache
# without --launcher, 2476 of 3448 with it.) Without --launcher, `java -jar app.jar` puts app.jar
# and lib/*.jar on the plain class path, as the Spring Boot reference Dockerfile for the AOT cache
# does.
RUN java -Djarmode=tools -jar target/peerlink-*.jar \
        extract --layers --destination /extracted --application-filename app.jar

# ---- runtime: a JRE, the extracted layers and a trained AOT cache ----------------------------------
FROM eclipse-temurin:25-jre-noble

RUN groupadd --system --gid 10001 peerlink \
 && useradd --system --uid 10001 --gid peerlink --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin peerlink \
 && install -d -o peerlink -g peerlink -m 0700 /data

WORKDIR /app

# One COPY per layer, least to most often changed, so a code change rebuilds only the last ones.
# (spring-boot-loader is empty without --launcher; it stays for the layer order of layers.idx.)
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
# The JVM options of the training run and of the ENTRYPOINT: one file, so the two cannot differ.
COPY src/main/docker/jvm.options ./

# Train the JDK 25 AOT cache with exactly the class path of the ENTRYPOINT below (`-jar app.jar` in
# /app): with any other class path the JVM ignores the cache (it warns, then starts without it).
# spring.context.exit=onRefresh ends the run once the context is refreshed, before the web server
# or the peer port start. The run creates an identity key and Tomcat's temporary directories, so
# they go to a throwaway directory, deleted in the same step: no key ever lands in the image. The
# smallest key size keeps the run quick; ports 0 in case anything binds. System properties and
# environment variables do not affect the cache's validity; -Xlog hides the list of classes the
# cache cannot hold (dynamic proxies and the like).
RUN mkdir -p /tmp/aot-training/tmp \
 && PEERLINK_DATA_DIR=/tmp/aot-training/data PEERLINK_KEY_SIZE=2048 PEERLINK_LISTEN_PORT=0 SERVER_PORT=0 \
    java @jvm.options -XX:AOTCacheOutput=app.aot -Xlog:aot=error -Xlog:cds=error \
        -Djava.io.tmpdir=/tmp/aot-training/tmp -Dspring.context.exit=onRefresh -jar app.jar \
 && rm -rf /tmp/aot-training \
 && test -s app.aot

# The same file the end-to-end test runs against a live peer (the image has no curl or wget).
COPY --chmod=0755 scripts/healthcheck.sh /usr/local/bin/peerlink-healthcheck

# The API listens on every interface of the container (port publishing needs that), so it needs a
# token: the peer generates one into /data/api-token (0600) on the first start, unless
# PEERLINK_API_TOKEN is set to a token of at least 32 characters.
ENV PEERLINK_DATA_DIR=/data SERVER_ADDRESS=0.0.0.0 PEERLINK_API_TOKEN=generate
VOLUME /data
USER peerlink:peerlink

# 5555: peer-to-peer (encrypted) connections. 8080: HTTP control API, actuator and Swagger UI.
EXPOSE 5555 8080

# Docker runs the first check one --interval after the start, then one each --interval. 5 s keeps the
# first `healthy` close to the peer's start-up (about 4 s with the AOT cache), which docker-compose.yml's
# peer-b waits for. (--start-interval, a short interval during --start-period only, needs Docker 25:
# Docker 20.10 and 24 refuse the whole Dockerfile with "Unknown flag: start-interval".) A check costs
# about 60 ms of CPU in the engine and the container (measured on Docker 20.10, a busy 2-core VM),
# about 1 % of a core at this interval. 9 retries: a peer that stops answering turns `unhealthy`
# after about 45 s, as with the former 15 s interval and 3 retries.
HEALTHCHECK --interval=5s --timeout=6s --start-period=60s --retries=9 \
    CMD ["/usr/local/bin/peerlink-healthcheck"]

# The JVM options are in jvm.options (src/main/docker/jvm.options: collector, heap, Spring AOT). More
# can go in JAVA_TOOL_OPTIONS, but the JVM reads those before the command line, so they cannot
# override an option of the file (change the file and rebuild for that; another collector there
# conflicts with the file's). -Xmx, -XX:MaxRAMPercentage and the Serial, Parallel and G1 collectors
# keep the cache usable (checked with -XX:AOTMode=on on Temurin 25.0.3); ZGC does not: the JVM then
# warns "Unable to use AOT cache" and starts without it.
ENTRYPOINT ["java", "@jvm.options", "-XX:AOTCache=app.aot", "-jar", "app.jar"]
