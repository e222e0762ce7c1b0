package dev.lodestar.registry;

import static dev.lodestar.testing.Fixtures.awaitRegistered;
import static dev.lodestar.testing.Fixtures.createExperiment;
import static dev.lodestar.testing.Fixtures.createModel;
import static dev.lodestar.testing.Fixtures.createReadyVersion;
import static dev.lodestar.testing.Fixtures.createRun;
import static dev.lodestar.testing.Fixtures.metric;
import static dev.lodestar.testing.Fixtures.tribuoModel;
import static dev.lodestar.testing.Fixtures.unique;
import static dev.lodestar.testing.Fixtures.upload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;

/** Registered models, versions registered from artifacts, model cards and aliases, through {@code /graphql}. */
@QuarkusTest
class RegistryGraphQLTest {

    static final String CREATE_VERSION = """
            mutation($name: String!, $artifact: ID!, $run: ID) {
              createModelVersion(name: $name, artifactId: $artifact, runId: $run) { name version status artifactSha256 runId }
            }""";

    static final String VERSION = """
            query($name: String!, $version: Int!) {
              modelVersion(name: $name, version: $version) {
                version status statusMessage format artifactSha256 aliases runId
                signature { name type } output { kind classes } provenance
                metrics { key value }
                card { intendedUse limitations }
              }
            }""";

    static final String SET_ALIAS = """
            mutation($name: String!, $alias: String!, $version: Int!) {
              setAlias(name: $name, alias: $alias, version: $version) { version aliases }
            }""";

    @Test
    void aTribuoModelIsRegisteredWithItsSignatureOutputAndProvenance() {
        String model = createModel(unique("churn"));
        String run = createRun(createExperiment(unique("churn-training")), "fit");
        GraphQL.as("alice").data("mutation($run: ID!, $m: [MetricInput!]) { logBatch(runId: $run, metrics: $m) { id } }",
                "run", run, "m", List.of(metric("auc", 0.91, 0)));
        var uploaded = upload(tribuoModel("churn-logistic"));

        var created = GraphQL.as("alice").data(CREATE_VERSION, "name", model, "artifact", uploaded.getString("id"), "run", run);

        assertThat(created.getInt("createModelVersion.version")).isEqualTo(1);
        assertThat(created.getString("createModelVersion.status")).isEqualTo("PENDING_REGISTRATION");
        assertThat(awaitRegistered(model, 1)).isEqualTo("READY");
        var version = GraphQL.as("carol").data(VERSION, "name", model, "version", 1);
        assertThat(version.getString("modelVersion.format")).isEqualTo("TRIBUO");
        assertThat(version.getString("modelVersion.artifactSha256")).isEqualTo(uploaded.getString("sha256"));
        assertThat(version.getString("modelVersion.runId")).isEqualTo(run);
        assertThat(version.getList("modelVersion.signature.name")).isNotEmpty();
        assertThat(version.getString("modelVersion.output.kind")).isEqualTo("LABEL");
        assertThat(version.getList("modelVersion.output.classes")).isNotEmpty();
        assertThat(version.getString("modelVersion.provenance")).contains("org.tribuo");
        assertThat(version.getList("modelVersion.metrics.key")).containsExactly("auc");
    }

    @Test
    void anyOtherFileIsStoredAsItIsAndVersionsCountUp() {
        String model = createModel(unique("onnx"));

        int first = createReadyVersion(model, "not a tribuo model".getBytes(StandardCharsets.UTF_8));
        int second = createReadyVersion(model, tribuoModel("spend-linear"));

        assertThat(List.of(first, second)).containsExactly(1, 2);
        var version = GraphQL.as("alice").data(VERSION, "name", model, "version", 1);
        assertThat(version.getString("modelVersion.format")).isEqualTo("FILE");
        assertThat(version.getList("modelVersion.signature")).isEmpty();
        assertThat(version.getString("modelVersion.output")).isNull();
        assertThat(GraphQL.as("alice").data(VERSION, "name", model, "version", 2).getString("modelVersion.output.kind"))
                .isEqualTo("REGRESSION");
        var listed = GraphQL.as("bob").data("query($name: String!) { registeredModel(name: $name) {"
                + " versions(first: 1) { totalCount edges { node { version } } pageInfo { hasNextPage } } } }", "name", model);
        assertThat(listed.getList("registeredModel.versions.edges.node.version")).containsExactly(2);
        assertThat(listed.getInt("registeredModel.versions.totalCount")).isEqualTo(2);
        assertThat(listed.getBoolean("registeredModel.versions.pageInfo.hasNextPage")).isTrue();
    }

    @Test
    void anArtifactWhoseStoredBytesChangedFailsRegistrationWithTheReason() throws Exception {
        String model = createModel(unique("tampered"));

        GraphQL.as("alice").data(CREATE_VERSION, "name", model, "artifact", uploadThenAlterOnDisk());

        assertThat(awaitRegistered(model, 1)).isEqualTo("FAILED_REGISTRATION");
        assertThat(GraphQL.as("alice").data(VERSION, "name", model, "version", 1).getString("modelVersion.statusMessage"))
                .contains("does not match its SHA-256");
    }

    /** Uploads an artifact, then changes its stored bytes behind the store's back; returns its id. */
    private static String uploadThenAlterOnDisk() throws IOException {
        var uploaded = upload(unique("weights").getBytes(StandardCharsets.UTF_8));
        String sha = uploaded.getString("sha256");
        Path stored;
        try (var files = Files.walk(Path.of(System.getProperty("lodestar.test.output", "target/test-stack"), "artifacts"))) {
            stored = files.filter(p -> p.getFileName().toString().equals(sha)).findFirst().orElseThrow();
        }
        stored.toFile().setWritable(true);
        Files.writeString(stored, "altered on disk");
        return uploaded.getString("id");
    }

    @Test
    void namesAreUniqueAndChecked() {
        String name = createModel(unique("unique"));

        var duplicate = GraphQL.as("alice").call("mutation($n: String!) { createRegisteredModel(name: $n) { name } }", "n", name);
        var malformed = GraphQL.as("alice").call("mutation { createRegisteredModel(name: \"a/b\") { name } }");
        var byAuditor = GraphQL.as("carol").call("mutation { createRegisteredModel(name: \"carols\") { name } }");

        assertThat(duplicate.codes()).containsExactly("CONFLICT");
        assertThat(malformed.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(byAuditor.codes()).containsExactly("FORBIDDEN");
    }

    @Test
    void unprotectedAliasesAreSetDirectlyButChampionIsForbidden() {
        String model = createModel(unique("aliases"));
        int v1 = createReadyVersion(model, tribuoModel("churn-logistic"));
        int v2 = createReadyVersion(model, tribuoModel("churn-logistic"));
        var alice = GraphQL.as("alice");

        alice.data(SET_ALIAS, "name", model, "alias", "challenger", "version", v1);
        var moved = alice.data(SET_ALIAS, "name", model, "alias", "challenger", "version", v2);
        var champion = alice.call(SET_ALIAS, "name", model, "alias", "champion", "version", v2);
        var reserved = alice.call(SET_ALIAS, "name", model, "alias", "latest", "version", v2);
        var missing = alice.call(SET_ALIAS, "name", model, "alias", "staging", "version", 9);
        var deleteChampion = alice.call("mutation($n: String!) { deleteAlias(name: $n, alias: \"champion\") { name } }", "n", model);

        assertThat(moved.getList("setAlias.aliases")).containsExactly("challenger");
        assertThat(champion.codes()).containsExactly("FORBIDDEN");
        assertThat(champion.message()).contains("protected");
        assertThat(reserved.codes()).containsExactly("INVALID_ARGUMENT");
        assertThat(missing.codes()).containsExactly("NOT_FOUND");
        assertThat(deleteChampion.codes()).containsExactly("FORBIDDEN");
        var aliases = alice.data("query($n: String!) { registeredModel(name: $n) { aliases { alias version protectedAlias } } }", "n", model);
        assertThat(aliases.getList("registeredModel.aliases.alias")).containsExactly("challenger");
        assertThat(aliases.getList("registeredModel.aliases.version", Integer.class)).containsExactly(v2);

        alice.data("mutation($n: String!) { deleteAlias(name: $n, alias: \"challenger\") { name } }", "n", model);
        assertThat(alice.data(VERSION, "name", model, "version", v2).getList("modelVersion.aliases")).isEmpty();
    }

    @Test
    void onlyReadyVersionsGetAliases() throws IOException {
        String model = createModel(unique("not-ready"));
        GraphQL.as("alice").data(CREATE_VERSION, "name", model, "artifact", uploadThenAlterOnDisk());
        assertThat(awaitRegistered(model, 1)).isEqualTo("FAILED_REGISTRATION");

        var alias = GraphQL.as("alice").call("mutation($n: String!) { setAlias(name: $n, alias: \"candidate\", version: 1) { version } }",
                "n", model);

        assertThat(alias.codes()).containsExactly("CONFLICT");
        assertThat(alias.message()).contains("FAILED_REGISTRATION").contains("only READY versions");
    }

    @Test
    void onlyAdminsChangeThePromotionPolicy() {
        String model = createModel(unique("policy"));
        String setPolicy = "mutation($n: String!, $k: Int!, $p: [String!]!) { setModelPolicy(name: $n, requiredApprovals: $k,"
                + " protectedAliases: $p) { requiredApprovals protectedAliases } }";

        var byOwner = GraphQL.as("alice").call(setPolicy, "n", model, "k", 1, "p", List.of());
        var byAdmin = GraphQL.as("dave").data(setPolicy, "n", model, "k", 2, "p", List.of("champion", "production"));
        var outOfRange = GraphQL.as("dave").call(setPolicy, "n", model, "k", 0, "p", List.of("champion"));

        assertThat(byOwner.codes()).containsExactly("FORBIDDEN");
        assertThat(byAdmin.getInt("setModelPolicy.requiredApprovals")).isEqualTo(2);
        assertThat(byAdmin.getList("setModelPolicy.protectedAliases")).containsExactly("champion", "production");
        assertThat(outOfRange.codes()).containsExactly("INVALID_ARGUMENT");
    }

    @Test
    void theModelCardIsKeptPerVersion() {
        String model = createModel(unique("carded"));
        int version = createReadyVersion(model, tribuoModel("churn-logistic"));

        GraphQL.as("alice").data("mutation($n: String!, $v: Int!, $card: ModelCardInput!) { setModelCard(name: $n, version: $v,"
                + " card: $card) { version } }", "n", model, "v", version,
                "card", Map.of("intendedUse", "Rank **churn** risk", "limitations", "Not for credit decisions"));

        var card = GraphQL.as("bob").data(VERSION, "name", model, "version", version);
        assertThat(card.getString("modelVersion.card.intendedUse")).isEqualTo("Rank **churn** risk");
        assertThat(card.getString("modelVersion.card.limitations")).isEqualTo("Not for credit decisions");
    }

    @Test
    void modelsPageByNameAndFilter() {
        String prefix = unique("paged");
        for (String suffix : List.of("c", "a", "b")) {
            createModel(prefix + "-" + suffix);
        }
        String page = "query($f: Int, $after: String, $q: String) { registeredModels(first: $f, after: $after, nameContains: $q) {"
                + " totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }";

        var first = GraphQL.as("carol").data(page, "f", 2, "q", prefix.toUpperCase());
        var second = GraphQL.as("carol").data(page, "f", 2, "q", prefix, "after", first.getString("registeredModels.pageInfo.endCursor"));

        assertThat(first.getList("registeredModels.edges.node.name")).containsExactly(prefix + "-a", prefix + "-b");
        assertThat(first.getInt("registeredModels.totalCount")).isEqualTo(3);
        assertThat(second.getList("registeredModels.edges.node.name")).containsExactly(prefix + "-c");
        assertThat(second.getBoolean("registeredModels.pageInfo.hasNextPage")).isFalse();
    }
}
