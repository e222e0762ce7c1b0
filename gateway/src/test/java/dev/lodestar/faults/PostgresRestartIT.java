package dev.lodestar.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.LocalPostgres;
import dev.lodestar.testing.AppProcess;
import dev.lodestar.testing.Tokens;

/**
 * PostgreSQL stopped and started again under a steady stream of metric batches, on a PostgreSQL of this test's
 * own so no other test's database goes away: the gateway turns unready, answers {@code UNAVAILABLE} (never a 500
 * or a stack trace), turns ready again by itself, and every batch a client retried until accepted is stored
 * whole, once.
 */
class PostgresRestartIT {

    private static final Path ROOT = Path.of(System.getProperty("lodestar.root", "..")).toAbsolutePath().normalize();
    private static final Path OUTPUT = Path.of(System.getProperty("lodestar.test.output", "target/test-stack")).toAbsolutePath();

    private static Path data;
    private static int port;
    private static LocalPostgres postgres;
    private static AppProcess gateway;
    private static GatewayEndpoint endpoint;
    private static FaultDatabase database;

    @BeforeAll
    static void start() throws IOException {
        data = Files.createTempDirectory(Files.createDirectories(OUTPUT), "restarted-postgres-");
        port = AppProcess.freePort();
        postgres = startPostgres();
        AppProcess.Database db = AppProcess.Database.on(postgres.jdbcUrl(LocalPostgres.DATABASE), LocalPostgres.DATABASE,
                LocalPostgres.DATABASE);
        database = new FaultDatabase(db);
        int gatewayPort = AppProcess.freePort();
        gateway = AppProcess.gateway("gateway-pg-restart", gatewayPort, db, OUTPUT.resolve("artifacts-pg-restart"),
                "form-key-pg-restart", Map.of()).startReady(Duration.ofSeconds(120));
        endpoint = new GatewayEndpoint(gatewayPort);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theGatewayIsUnreadyWhileThePostgresIsAwayAndRecoversWithoutARestart() throws Exception {
        FaultFigures figures = new FaultFigures("postgres-restart");
        String experiment = endpoint.createExperiment(Tokens.of("alice"), "pg-restart");
        String run = endpoint.createRun(Tokens.of("alice"), experiment, "load");

        MetricBatchLoad load = new MetricBatchLoad(endpoint, run, () -> Tokens.of("alice"), figures, 60_000).start(4, "c");
        Stopwatch.pause(2_000);

        long stopped = System.nanoTime();
        postgres.close();
        postgres = null;
        figures.note("stopMs", (System.nanoTime() - stopped) / 1_000_000);
        figures.note("unreadyAfterMs", Stopwatch.millisUntil(stopped, () -> gateway.readiness() == 503,
                Duration.ofSeconds(30), "readiness going down"));

        // While the database is away each surface answers UNAVAILABLE in its own shape, quickly, without details.
        long asked = System.nanoTime();
        GatewayEndpoint.Answer graphql = endpoint.graphql(Tokens.of("alice"), "query($id: ID!) { experiment(id: $id) { name } }",
                Map.of("id", experiment));
        figures.note("graphqlRefusalMs", (System.nanoTime() - asked) / 1_000_000);
        assertThat(graphql.status()).isEqualTo(200);
        assertThat(graphql.codes()).containsExactly("UNAVAILABLE");
        assertThat(graphql.raw()).doesNotContain("Exception", "\tat ", "org.");

        GatewayEndpoint.Answer mlflow = endpoint.get("/api/2.0/mlflow/experiments/get?experiment_id=" + experiment,
                Tokens.of("alice"));
        assertThat(mlflow.status()).isEqualTo(503);
        assertThat(mlflow.body().path("error_code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");
        assertThat(mlflow.raw()).doesNotContain("Exception", "\tat ");

        GatewayEndpoint.Answer rest = endpoint.postBytes("/api/artifacts", Tokens.of("alice"), "while-away".getBytes());
        assertThat(rest.status()).isEqualTo(503);
        assertThat(rest.body().path("code").asText()).isEqualTo("UNAVAILABLE");
        assertThat(gateway.alive()).isTrue();
        Stopwatch.pause(1_000);

        long restarted = System.nanoTime();
        postgres = startPostgres();
        figures.note("readyAgainAfterMs", Stopwatch.millisUntil(restarted, gateway::ready, Duration.ofSeconds(60),
                "readiness coming back"));
        Stopwatch.pause(2_000);
        load.finish();

        MetricBatchLoad.Outcome outcome = load.check(database);
        figures.publish();

        assertThat(gateway.alive()).as("the gateway was never restarted").isTrue();
        assertThat(load.leaks).as("answers with stack traces").isEmpty();
        assertThat(load.failures.keySet()).as("how attempts failed").allMatch(kind -> kind.equals("UNAVAILABLE"));
        assertThat(figures.failed.get()).as("attempts refused while the database was away").isPositive();
        assertThat(figures.lost.get()).as("batches acknowledged but missing, or never accepted").isZero();
        assertThat(outcome.partial()).as("batches stored in part").isZero();
        assertThat(outcome.duplicated()).as("batches stored twice (a retry after a lost answer)").isZero();
    }

    private static LocalPostgres startPostgres() {
        return LocalPostgres.start(data, ROOT.resolve("target/postgres-binaries"), port, OUTPUT.resolve("restarted-postgres.log"),
                false);
    }
}
