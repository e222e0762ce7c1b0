package dev.lodestar.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The images the build wrote, run the way a cluster would run them but without a container engine (see
 * {@link Chroot}): each archive is a valid OCI layout and docker-save archive with the manifests' tag, runs as
 * user 10001 with files it cannot change, its Java starts, the inference server answers health and metrics and
 * drains on SIGTERM, and the gateway migrates a real PostgreSQL and reports ready.
 */
class ImagesIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Each image is unpacked once for all tests: the archives are large and the tests only read them. */
    @TempDir
    static Path work;

    private static final Map<String, ImageArchive> UNPACKED = new java.util.HashMap<>();

    @Test
    void archivesCarryTheManifestsTagsAndRunAsUser10001() throws Exception {
        for (String name : List.of("gateway", "inference")) {
            ImageArchive image = unpack(name);
            String reference = "lodestar/" + name + ":" + Overlays.version();

            assertThat(image.dockerManifest.at("/0/RepoTags/0").asText()).isEqualTo(reference);
            assertThat(image.index.at("/manifests/0/annotations/io.containerd.image.name").asText())
                    .isEqualTo("docker.io/" + reference);
            assertThat(image.config.at("/config/User").asText()).isEqualTo("10001:10001");
            assertThat(Files.readString(image.rootfs.resolve("etc/passwd"))).contains(":10001:10001:");
            assertThat(ManifestsTest.render("prod").stream()
                    .flatMap(o -> o.at("/spec/template/spec/containers").findValuesAsText("image").stream()))
                    .contains(reference);
            // Everything in /app is readable by user 10001 and writable by root only.
            try (Stream<Path> files = Files.walk(image.rootfs.resolve("app"))) {
                assertThat(files.filter(Files::isRegularFile).map(p -> {
                    try {
                        return Files.getPosixFilePermissions(p);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })).allSatisfy(p -> assertThat(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                        .doesNotContain(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE));
            }
        }
    }

    @Test
    void inferenceServesHealthAndMetricsAndDrainsOnSigterm() throws Exception {
        ImageArchive image = unpack("inference");
        int grpc = freePort();
        int management = freePort();
        try (SigningKeys keys = new SigningKeys();
                Chroot server = Chroot.start(image, image.entrypoint(), Map.of(
                        "LODESTAR_OIDC_ISSUER", keys.issuer(),
                        "LODESTAR_GRPC_PORT", Integer.toString(grpc),
                        "LODESTAR_INFERENCE_MANAGEMENT_PORT", Integer.toString(management),
                        "LODESTAR_INFERENCE_SHUTDOWN_GRACE_SECONDS", "2"), work.resolve("inference.log"))) {
            String base = "http://127.0.0.1:" + management;

            awaitStatus(server, base + "/q/health/ready", 200, Duration.ofSeconds(30));
            assertThat(get(base + "/q/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = get(base + "/q/metrics");
            assertThat(metrics.body()).contains("lodestar_inference_in_flight");

            ProcessHandle java = server.imageProcess().orElseThrow();
            java.destroy();
            assertThat(server.waitFor(Duration.ofSeconds(15))).isIn(0, 143);
            assertThat(server.output()).contains("Inference server listening on").contains("draining");
        }
    }

    @Test
    void javaStartsAndGatewayMigratesPostgresqlAndReportsReady() throws Exception {
        ImageArchive image = unpack("gateway");
        try (Chroot version = Chroot.start(image, List.of("/opt/java/bin/java", "-version"), Map.of(),
                work.resolve("java-version.log"))) {
            assertThat(version.waitFor(Duration.ofSeconds(20))).as(version.output()).isZero();
            assertThat(version.output()).contains("OpenJDK");
        }

        int port = freePort();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
                SigningKeys keys = new SigningKeys();
                Chroot gateway = Chroot.start(image, image.entrypoint(), Map.of(
                        "LODESTAR_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                        "LODESTAR_DB_USER", "postgres",
                        "LODESTAR_DB_PASSWORD", "postgres",
                        "LODESTAR_OIDC_ISSUER", keys.issuer(),
                        "LODESTAR_GATEWAY_CLIENT_SECRET", "not-used-in-this-test",
                        "LODESTAR_ADMIN_FORM_KEY", "a-form-key-of-more-than-16-characters",
                        "LODESTAR_ARTIFACTS_DIR", "/tmp/artifacts",
                        "LODESTAR_GATEWAY_PORT", Integer.toString(port)), work.resolve("gateway.log"))) {
            String base = "http://127.0.0.1:" + port;

            awaitStatus(gateway, base + "/q/health/ready", 200, Duration.ofSeconds(90));
            assertThat(get(base + "/q/health/started").statusCode()).isEqualTo(200);
            assertThat(get(base + "/q/health/live").statusCode()).isEqualTo(200);
            assertThat(gateway.output()).contains("Migrating schema").doesNotContain("ERROR");
        }
    }

    private static synchronized ImageArchive unpack(String name) throws Exception {
        ImageArchive unpacked = UNPACKED.get(name);
        if (unpacked == null) {
            Path archive = Path.of(System.getProperty("lodestar.images"), name + "-" + Overlays.version() + ".tar");
            assertThat(archive).exists();
            unpacked = ImageArchive.unpack(archive, work.resolve(name));
            UNPACKED.put(name, unpacked);
        }
        return unpacked;
    }

    private static void awaitStatus(Chroot process, String url, int status, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the process ended before " + url + " answered " + status + ":\n" + process.output());
            }
            try {
                if (get(url).statusCode() == status) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not answer " + status + " within " + limit + ":\n" + process.output());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
