package dev.lodestar.approvals;

import static dev.lodestar.approvals.PromotionGraphQLTest.APPROVE;
import static dev.lodestar.approvals.PromotionGraphQLTest.CANCEL;
import static dev.lodestar.approvals.PromotionGraphQLTest.REQUEST;
import static dev.lodestar.approvals.PromotionGraphQLTest.champion;
import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Decisions racing on one request end in exactly one consistent outcome: the alias, the request's status, its
 * approvals and the audit trail agree, whichever decision wins.
 */
@QuarkusTest
class PromotionRaceTest {

    private static final int ROUNDS = 8;

    @Test
    void twoApproversAtOnceMoveTheAliasOnceAndTheLoserIsTold() throws Exception {
        String model = createModel(unique("race-approve"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        for (int round = 0; round < ROUNDS; round++) {
            String id = open(model, version, "alice");

            List<GraphQL.Response> answers = atOnce(
                    () -> GraphQL.as("bob").call(APPROVE, "id", id),
                    () -> GraphQL.as("erin").call(APPROVE, "id", id));

            assertThat(answers).filteredOn(a -> a.codes().isEmpty()).hasSize(1);
            assertThat(answers).filteredOn(a -> a.codes().equals(List.of("CONFLICT"))).hasSize(1);
            assertThat(status(id)).isEqualTo("APPROVED");
            assertThat(count("select count(*) from approval where request_id = " + id)).isEqualTo(1);
            assertThat(auditCount(id, "PROMOTION_APPROVED")).isEqualTo(1);
            assertThat(champion(model)).containsExactly(version);
            version = createReadyVersion(model, tribuoModel("churn-logistic"));
        }
    }

    @Test
    void twoApprovalsAtOnceOfARequestNeedingTwoBothCountAndCompleteIt() throws Exception {
        String model = createModel(unique("race-two"));
        GraphQL.as("dave").data("mutation($n: String!) { setModelPolicy(name: $n, requiredApprovals: 2, protectedAliases: [\"champion\"]) { name } }",
                "n", model);
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        for (int round = 0; round < ROUNDS; round++) {
            String id = open(model, version, "alice");

            List<GraphQL.Response> answers = atOnce(
                    () -> GraphQL.as("bob").call(APPROVE, "id", id),
                    () -> GraphQL.as("erin").call(APPROVE, "id", id));

            assertThat(answers).allSatisfy(a -> assertThat(a.codes()).isEmpty());
            assertThat(answers).extracting(a -> a.json().getString("data.approvePromotion.status")).containsExactlyInAnyOrder("OPEN", "APPROVED");
            assertThat(count("select count(*) from approval where request_id = " + id)).isEqualTo(2);
            assertThat(auditCount(id, "PROMOTION_APPROVED")).isEqualTo(1);
            assertThat(champion(model)).containsExactly(version);
            version = createReadyVersion(model, tribuoModel("churn-logistic"));
        }
    }

    @Test
    void anApprovalRacingACancellationLeavesOneOutcome() throws Exception {
        String model = createModel(unique("race-cancel"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        Integer championBefore = null;
        for (int round = 0; round < ROUNDS; round++) {
            String id = open(model, version, "alice");

            List<GraphQL.Response> answers = atOnce(
                    () -> GraphQL.as("bob").call(APPROVE, "id", id),
                    () -> GraphQL.as("alice").call(CANCEL, "id", id));

            assertThat(answers).filteredOn(a -> a.codes().isEmpty()).hasSize(1);
            assertThat(answers).filteredOn(a -> a.codes().equals(List.of("CONFLICT"))).hasSize(1);
            String outcome = status(id);
            assertThat(outcome).isIn("APPROVED", "CANCELLED");
            if (outcome.equals("APPROVED")) {
                assertThat(champion(model)).containsExactly(version);
                assertThat(auditCount(id, "PROMOTION_CANCELLED")).isZero();
                championBefore = version;
            } else {
                assertThat(champion(model)).isEqualTo(championBefore == null ? List.of() : List.of(championBefore));
                assertThat(count("select count(*) from approval where request_id = " + id)).isZero();
                assertThat(auditCount(id, "PROMOTION_APPROVED")).isZero();
            }
            version = createReadyVersion(model, tribuoModel("churn-logistic"));
        }
    }

    private static String open(String model, int version, String user) {
        return GraphQL.as(user).data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "race")
                .getString("requestPromotion.id");
    }

    /** Runs both calls released by one barrier, so they reach the server together. */
    @SafeVarargs
    private static List<GraphQL.Response> atOnce(Supplier<GraphQL.Response>... calls) throws Exception {
        // Tokens are fetched first, so the barrier releases calls that go straight to the server.
        GraphQL.as("alice");
        GraphQL.as("bob");
        GraphQL.as("erin");
        CyclicBarrier start = new CyclicBarrier(calls.length);
        ExecutorService pool = Executors.newFixedThreadPool(calls.length);
        try {
            List<Future<GraphQL.Response>> futures = new ArrayList<>();
            for (Supplier<GraphQL.Response> call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.get();
                }));
            }
            List<GraphQL.Response> answers = new ArrayList<>();
            for (Future<GraphQL.Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String status(String id) {
        return GraphQL.as("carol").data("query($id: ID!) { promotionRequest(id: $id) { status } }", "id", id)
                .getString("promotionRequest.status");
    }

    private static long auditCount(String id, String action) throws SQLException {
        return count("select count(*) from audit_event where resource_type = 'PROMOTION_REQUEST' and resource_id = '" + id
                + "' and action = '" + action + "'");
    }

    private static long count(String sql) throws SQLException {
        TestStack.Addresses stack = TestStack.get();
        try (Connection db = DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
                ResultSet rows = db.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
