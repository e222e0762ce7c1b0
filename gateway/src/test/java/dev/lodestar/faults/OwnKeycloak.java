package dev.lodestar.faults;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.lodestar.devstack.LocalKeycloak;
import dev.lodestar.devstack.RealmFile;
import dev.lodestar.testing.AppProcess;
import io.restassured.http.ContentType;

/**
 * A Keycloak of one test's own, with Lodestar's realm, its realm kept in a fresh database on the test stack's
 * PostgreSQL, so the test may stop it without taking the shared Keycloak away from other tests.
 */
final class OwnKeycloak implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final LocalKeycloak.Settings settings;
    private final Path log;
    private Process process;

    private OwnKeycloak(LocalKeycloak.Settings settings, Path log) {
        this.settings = settings;
        this.log = log;
    }

    /** Starts Keycloak for a gateway on {@code gatewayPort} and waits until it is ready. */
    static OwnKeycloak start(String database, int gatewayPort, Path output) {
        Path root = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();
        AppProcess.Database db = AppProcess.Database.fresh(database);
        LocalKeycloak.Settings settings = new LocalKeycloak.Settings(LocalKeycloak.install(root.resolve("target/keycloak")),
                AppProcess.freePort(), AppProcess.freePort(), db.jdbcUrl(), db.user(), db.password(),
                root.resolve(RealmFile.LOCATION), "http://localhost:" + gatewayPort);
        OwnKeycloak keycloak = new OwnKeycloak(settings, output.resolve(database + ".log"));
        try {
            keycloak.process = LocalKeycloak.process(settings).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(keycloak.log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Keycloak", e);
        }
        Stopwatch.millisUntil(System.nanoTime(), () -> {
            if (!keycloak.process.isAlive()) {
                throw new AssertionError("Keycloak stopped during start-up; see " + keycloak.log);
            }
            return status(settings.readinessUrl()) == 200;
        }, Duration.ofMinutes(4), "Keycloak's readiness");
        return keycloak;
    }

    String issuer() {
        return settings.issuer();
    }

    String tokenUrl() {
        return settings.issuer() + "/protocol/openid-connect/token";
    }

    /** Sets how long access tokens of the realm live from now on. */
    void accessTokenLifespan(Duration lifespan) {
        String server = "http://localhost:" + settings.httpPort();
        String admin = given().formParams(Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", LocalKeycloak.BOOTSTRAP_ADMIN, "password", LocalKeycloak.BOOTSTRAP_ADMIN))
                .post(server + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("accessTokenLifespan", (int) lifespan.toSeconds()))
                .put(server + "/admin/realms/lodestar").then().statusCode(204);
    }

    /** Stops Keycloak and everything its launcher started; returns when they are gone. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(process.toHandle().descendants().toList());
        Collections.reverse(tree);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
