package dev.lodestar.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;

import dev.lodestar.testing.Tokens;

/**
 * Alice asks to move a model's {@code champion} alias between versions 1 and 2 and bob approves, again and again,
 * the way a careful client does it when answers can be lost: a request or approval with no answer is sent again,
 * and a retry answered {@code CONFLICT} (the first attempt did land) is resolved by reading the request back.
 */
final class PromotionCycles {

    private static final String REQUEST = """
            mutation($n: String!, $v: Int!, $r: String!) {
              requestPromotion(name: $n, version: $v, alias: "champion", reason: $r) { id }
            }""";
    private static final String APPROVE = "mutation($id: ID!) { approvePromotion(requestId: $id, comment: \"ok\") { status } }";
    private static final String OPEN = """
            { promotionRequests(status: OPEN, first: 100) { edges { node { id name version } } } }""";
    private static final String STATUS = "query($id: ID!) { promotionRequest(id: $id) { status } }";

    private final GatewayEndpoint gateway;
    private final String model;
    private final FaultFigures figures;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread client;
    /** Request ids whose approval a client saw acknowledged (directly, or found decided after a lost answer). */
    final List<String> approved = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The version the last acknowledged approval made champion. */
    volatile int champion;
    final Map<String, Integer> failures = new ConcurrentHashMap<>();

    PromotionCycles(GatewayEndpoint gateway, String model, FaultFigures figures) {
        this.gateway = gateway;
        this.model = model;
        this.figures = figures;
        this.client = new Thread(this::run, "promotions");
    }

    PromotionCycles start() {
        client.start();
        return this;
    }

    void finish() throws InterruptedException {
        running.set(false);
        client.join(120_000);
    }

    private void run() {
        for (int cycle = 0; running.get(); cycle++) {
            int version = cycle % 2 + 1;
            String id = request(version);
            if (approve(id)) {
                approved.add(id);
                champion = version;
            }
        }
    }

    private String request(int version) {
        figures.sent.incrementAndGet();
        for (int attempt = 1;; attempt++) {
            GatewayEndpoint.Answer answer = gateway.graphql(Tokens.of("alice"), REQUEST,
                    Map.of("n", model, "v", version, "r", "cycle"));
            if (answer.succeeded()) {
                recoveredIf(attempt);
                return answer.data().path("requestPromotion").path("id").asText();
            }
            failed(answer);
            if (answer.codes().contains("CONFLICT")) {
                // The lost attempt opened the request: carry on with it.
                for (JsonNode edge : gateway.data(Tokens.of("carol"), OPEN, Map.of()).path("promotionRequests").path("edges")) {
                    if (edge.path("node").path("name").asText().equals(model) && edge.path("node").path("version").asInt() == version) {
                        figures.recovered.incrementAndGet();
                        return edge.path("node").path("id").asText();
                    }
                }
                throw new AssertionError("CONFLICT without an open request of version " + version + ": " + answer.raw());
            }
            Stopwatch.pause(100);
        }
    }

    private boolean approve(String id) {
        figures.sent.incrementAndGet();
        for (int attempt = 1;; attempt++) {
            GatewayEndpoint.Answer answer = gateway.graphql(Tokens.of("bob"), APPROVE, Map.of("id", id));
            if (answer.succeeded()) {
                recoveredIf(attempt);
                return true;
            }
            failed(answer);
            if (answer.codes().contains("CONFLICT")) {
                String status = gateway.data(Tokens.of("carol"), STATUS, Map.of("id", id)).path("promotionRequest").path("status")
                        .asText();
                if (status.equals("APPROVED")) {
                    figures.recovered.incrementAndGet();
                    return true;
                }
                throw new AssertionError("approval of " + id + " refused, request is " + status + ": " + answer.raw());
            }
            Stopwatch.pause(100);
        }
    }

    private void recoveredIf(int attempt) {
        if (attempt > 1) {
            figures.recovered.incrementAndGet();
        }
    }

    private void failed(GatewayEndpoint.Answer answer) {
        figures.failed.incrementAndGet();
        String kind = answer.status() == -1 ? "no answer" : answer.codes().isEmpty() ? "HTTP " + answer.status()
                : String.join(",", answer.codes());
        failures.merge(kind, 1, Integer::sum);
    }
}
