package dev.lodestar.approvals;

import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;

/** Four-eyes promotions to protected aliases, through {@code /graphql} with real tokens of each demo user. */
@QuarkusTest
class PromotionGraphQLTest {

    static final String REQUEST = """
            mutation($name: String!, $version: Int!, $alias: String!, $reason: String!) {
              requestPromotion(name: $name, version: $version, alias: $alias, reason: $reason) {
                id status name version alias requestedBy requiredApprovals
                evidence { artifactSha256 card { intendedUse } }
              }
            }""";

    static final String APPROVE = """
            mutation($id: ID!, $comment: String) {
              approvePromotion(requestId: $id, comment: $comment) { id status decidedBy approvals { approver comment at } }
            }""";

    static final String REJECT = "mutation($id: ID!, $reason: String!) { rejectPromotion(requestId: $id, reason: $reason) { status decisionReason } }";

    static final String CANCEL = "mutation($id: ID!) { cancelPromotion(requestId: $id) { status decidedBy } }";

    static final String CHAMPION = "query($n: String!) { registeredModel(name: $n) { aliases { alias version } } }";

    @Test
    void anApproverApprovesAndTheChampionMoves() {
        String model = createModel(unique("promoted"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));

        var opened = GraphQL.as("alice").data(REQUEST, "name", model, "version", version, "alias", "champion",
                "reason", "beats the baseline by 3 points of AUC");
        String id = opened.getString("requestPromotion.id");
        assertThat(opened.getString("requestPromotion.status")).isEqualTo("OPEN");
        assertThat(opened.getString("requestPromotion.requestedBy")).isEqualTo("alice");
        assertThat(opened.getString("requestPromotion.evidence.artifactSha256")).hasSize(64);
        assertThat(champion(model)).isEmpty();

        var approved = GraphQL.as("bob").data(APPROVE, "id", id, "comment", "looks good");

        assertThat(approved.getString("approvePromotion.status")).isEqualTo("APPROVED");
        assertThat(approved.getString("approvePromotion.decidedBy")).isEqualTo("bob");
        assertThat(approved.getList("approvePromotion.approvals.approver")).containsExactly("bob");
        assertThat(approved.getList("approvePromotion.approvals.comment")).containsExactly("looks good");
        assertThat(champion(model)).containsExactly(version);
        var queue = GraphQL.as("carol").data("{ promotionRequests(status: OPEN, first: 1000) { edges { node { id } } } }");
        assertThat(queue.getList("promotionRequests.edges.node.id")).doesNotContain(id);
    }

    @Test
    void erinHoldsBothRolesButCannotApproveHerOwnRequest() {
        String model = createModel(unique("own"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String id = GraphQL.as("erin").data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "retrained")
                .getString("requestPromotion.id");

        var own = GraphQL.as("erin").call(APPROVE, "id", id);
        var ownRejection = GraphQL.as("erin").call(REJECT, "id", id, "reason", "changed my mind");

        assertThat(own.codes()).containsExactly("FORBIDDEN");
        assertThat(own.message()).contains("four eyes");
        assertThat(ownRejection.codes()).containsExactly("FORBIDDEN");
        assertThat(champion(model)).isEmpty();
        assertThat(GraphQL.as("bob").data(APPROVE, "id", id).getString("approvePromotion.status")).isEqualTo("APPROVED");
    }

    @Test
    void aPolicyOfTwoNeedsTwoDistinctApprovers() {
        String model = createModel(unique("two"));
        GraphQL.as("dave").data("mutation($n: String!) { setModelPolicy(name: $n, requiredApprovals: 2, protectedAliases: [\"champion\"]) { name } }",
                "n", model);
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String id = GraphQL.as("alice").data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "quarterly refresh")
                .getString("requestPromotion.id");

        var first = GraphQL.as("bob").data(APPROVE, "id", id);
        var again = GraphQL.as("bob").call(APPROVE, "id", id);

        assertThat(first.getString("approvePromotion.status")).isEqualTo("OPEN");
        assertThat(again.codes()).containsExactly("CONFLICT");
        assertThat(champion(model)).isEmpty();

        var second = GraphQL.as("erin").data(APPROVE, "id", id, "comment", "second pair of eyes");

        assertThat(second.getString("approvePromotion.status")).isEqualTo("APPROVED");
        assertThat(second.getList("approvePromotion.approvals.approver")).containsExactly("bob", "erin");
        assertThat(champion(model)).containsExactly(version);
    }

    @Test
    void aRejectionNeedsAReasonAndLeavesTheAliasWhereItWas() {
        String model = createModel(unique("rejected"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String id = GraphQL.as("alice").data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "try it")
                .getString("requestPromotion.id");

        var blank = GraphQL.as("bob").call(REJECT, "id", id, "reason", "  ");
        var rejected = GraphQL.as("bob").data(REJECT, "id", id, "reason", "no evaluation on the holdout set");
        var late = GraphQL.as("erin").call(APPROVE, "id", id);

        assertThat(blank.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(rejected.getString("rejectPromotion.status")).isEqualTo("REJECTED");
        assertThat(rejected.getString("rejectPromotion.decisionReason")).isEqualTo("no evaluation on the holdout set");
        assertThat(late.codes()).containsExactly("CONFLICT");
        assertThat(late.message()).contains("REJECTED");
        assertThat(champion(model)).isEmpty();
    }

    @Test
    void onlyTheRequesterCancelsAndOnlyOneRequestPerAliasIsOpen() {
        String model = createModel(unique("cancelled"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String id = GraphQL.as("alice").data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "first")
                .getString("requestPromotion.id");

        var second = GraphQL.as("erin").call(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "second");
        var byOther = GraphQL.as("erin").call(CANCEL, "id", id);
        var byApprover = GraphQL.as("bob").call(CANCEL, "id", id);
        var cancelled = GraphQL.as("alice").data(CANCEL, "id", id);

        assertThat(second.codes()).containsExactly("CONFLICT");
        assertThat(second.message()).contains("request " + id);
        assertThat(byOther.codes()).containsExactly("FORBIDDEN");
        assertThat(byApprover.codes()).containsExactly("FORBIDDEN");
        assertThat(cancelled.getString("cancelPromotion.status")).isEqualTo("CANCELLED");
        assertThat(GraphQL.as("bob").call(APPROVE, "id", id).codes()).containsExactly("CONFLICT");
        assertThat(GraphQL.as("erin").data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "again")
                .getString("requestPromotion.status")).isEqualTo("OPEN");
    }

    @Test
    void requestsAreCheckedBeforeTheyOpen() {
        String model = createModel(unique("checked"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        var alice = GraphQL.as("alice");

        assertThat(alice.call(REQUEST, "name", model, "version", version, "alias", "challenger", "reason", "r").codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "").codes())
                .containsExactly("INVALID_ARGUMENT");
        assertThat(alice.call(REQUEST, "name", model, "version", 42, "alias", "champion", "reason", "r").codes())
                .containsExactly("NOT_FOUND");
        assertThat(GraphQL.as("bob").call(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "r").codes())
                .containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("carol").call(APPROVE, "id", "1").codes()).containsExactly("FORBIDDEN");
        assertThat(GraphQL.as("bob").call(APPROVE, "id", "not-a-number").codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(GraphQL.as("bob").call(APPROVE, "id", "999999999").codes()).containsExactly("NOT_FOUND");
    }

    @Test
    void anOpenRequestExpiresAndCanNoLongerBeApproved() throws SQLException, InterruptedException {
        String model = createModel(unique("expiring"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));
        String id = GraphQL.as("alice").data(REQUEST, "name", model, "version", version, "alias", "champion", "reason", "slow")
                .getString("requestPromotion.id");
        try (Connection db = DriverManager.getConnection(TestStack.get().jdbcUrl(), TestStack.get().dbUser(), TestStack.get().dbPassword())) {
            db.createStatement().executeUpdate("update promotion_request set expires_at = now() - interval '1 minute' where id = " + id);
        }

        var late = GraphQL.as("bob").call(APPROVE, "id", id);

        assertThat(late.codes()).containsExactly("CONFLICT");
        assertThat(late.message()).contains("expired");
        String status = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline && !"EXPIRED".equals(status)) {
            Thread.sleep(200);
            status = GraphQL.as("bob").data("query($id: ID!) { promotionRequest(id: $id) { status decidedBy } }", "id", id)
                    .getString("promotionRequest.status");
        }
        assertThat(status).isEqualTo("EXPIRED");
        assertThat(champion(model)).isEmpty();
    }

    /** The versions the model's champion alias points at: empty or one. */
    static List<Integer> champion(String model) {
        var aliases = GraphQL.as("carol").data(CHAMPION, "n", model);
        List<String> names = aliases.getList("registeredModel.aliases.alias");
        List<Integer> versions = aliases.getList("registeredModel.aliases.version", Integer.class);
        return names.contains("champion") ? List.of(versions.get(names.indexOf("champion"))) : List.of();
    }
}
