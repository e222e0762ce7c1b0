package dev.lodestar.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.inference.v1.InferenceGrpc;
import dev.lodestar.testing.AppProcess;
import dev.lodestar.testing.Tokens;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Two inference replicas behind a client that balances over both and retries {@code UNAVAILABLE}: one replica is
 * killed with SIGKILL under load, and the client sees no failed prediction; started again, the replica serves its
 * deployment once it reports ready.
 */
class InferenceReplicaKillIT {

    private static final Path OUTPUT = Path.of(System.getProperty("lodestar.test.output", "target/test-stack")).toAbsolutePath();

    private static AppProcess gateway;
    private static final List<AppProcess> replicas = new ArrayList<>();
    private static final List<Integer> grpcPorts = new ArrayList<>();

    @BeforeAll
    static void start() {
        int gatewayPort = AppProcess.freePort();
        gateway = AppProcess.gateway("gateway-replica-kill", gatewayPort, AppProcess.Database.fresh("faults_replica_kill"),
                OUTPUT.resolve("artifacts-replica-kill"), "form-key-replica-kill", Map.of()).startReady(Duration.ofSeconds(120));
        ServedChurnModel.deploy(new GatewayEndpoint(gatewayPort), Tokens.of("alice"), "churn-replicas", "churn");
        for (String name : List.of("inference-a", "inference-b")) {
            int grpcPort = AppProcess.freePort();
            grpcPorts.add(grpcPort);
            replicas.add(AppProcess.inference(name, grpcPort, AppProcess.freePort(), "http://127.0.0.1:" + gatewayPort,
                    OUTPUT.resolve("cache-" + name), Map.of("LODESTAR_DRIFT_SHIP", "false")).start());
        }
        replicas.forEach(replica -> replica.awaitReady(Duration.ofSeconds(90)));
    }

    @AfterAll
    static void stop() {
        replicas.forEach(AppProcess::close);
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void killingAReplicaUnderLoadFailsNoPredictionAndTheReplicaComesBackWithItsDeployment() throws Exception {
        FaultFigures figures = new FaultFigures("inference-replica-kill");
        TestStack.Addresses stack = TestStack.get();
        String token = ClientTokens.clientCredentials(stack.tokenUrl(), "lodestar-predictor", stack.predictorSecret());
        ReplicaChannel balanced = new ReplicaChannel(grpcPorts, () -> token);
        AtomicBoolean running = new AtomicBoolean(true);
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Random random = new Random(c);
            Thread client = new Thread(() -> {
                InferenceGrpc.InferenceBlockingStub stub = InferenceGrpc.newBlockingStub(balanced.channel());
                while (running.get()) {
                    figures.sent.incrementAndGet();
                    try {
                        stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(ServedChurnModel.request("churn", random));
                    } catch (RuntimeException e) {
                        figures.failed.incrementAndGet();
                        figures.lost.incrementAndGet();
                        failures.merge(Status.fromThrowable(e).getCode() + ": " + Status.fromThrowable(e).getDescription(), 1,
                                Integer::sum);
                    }
                }
            }, "predictions-" + c);
            clients.add(client);
            client.start();
        }
        Stopwatch.pause(3_000);
        AppProcess victim = replicas.get(0);
        victim.kill();
        long beforeKill = figures.sent.get();
        Stopwatch.pause(3_000);
        figures.note("sentWhileOneReplicaWasDown", figures.sent.get() - beforeKill);

        long restarted = System.nanoTime();
        victim.start();
        figures.note("backAfterMs", Stopwatch.millisUntil(restarted, victim::ready, Duration.ofSeconds(90),
                "the restarted replica's readiness"));
        ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", grpcPorts.get(0)).usePlaintext().build();
        try {
            int version = InferenceGrpc.newBlockingStub(direct).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .withCallCredentials(new BearerCredentials(token))
                    .predict(ServedChurnModel.request("churn", new Random(9))).getModelVersion();
            assertThat(version).as("the restarted replica serves its deployment").isEqualTo(1);
        } finally {
            direct.shutdownNow();
        }
        Stopwatch.pause(1_000);
        running.set(false);
        for (Thread client : clients) {
            client.join(10_000);
        }
        balanced.close();
        figures.recovered.set(balanced.recovered.get());
        figures.note("failedBy", failures);
        figures.publish();

        assertThat(failures).as("predictions the client saw fail").isEmpty();
        assertThat(figures.sent.get()).isGreaterThan(100);
    }
}
