package dev.lodestar.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.LodestarStack;
import dev.lodestar.testing.TestDatabase;
import dev.lodestar.testing.Tokens;
import dev.lodestar.testing.fuzz.JsonMutator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;

/**
 * Hostile input against the packaged gateway, with a real PostgreSQL and Keycloak: valid GraphQL, MLflow REST and
 * OpenLineage requests mutated by a {@link JsonMutator} (fields dropped, duplicated and retyped, NaN and infinities,
 * huge numbers and strings, unicode tricks, invalid UTF-8, 10,000 levels of nesting, truncation), sent with right and
 * wrong content types, and plain noise. Every answer must be a 2xx or a 4xx whose JSON carries a code (GraphQL's
 * {@code errors[].extensions.code}, MLflow's {@code error_code}, elsewhere {@code code}), never a 5xx, never a Java
 * class name or stack trace, never more than a few kilobytes of echoed input. Afterwards the gateway is ready and
 * the database holds exactly what the accepted requests wrote: every metric point, param and tag of each accepted
 * batch, every accepted run, experiment and lineage event, and nothing of a refused one.
 *
 * <p>Deterministic for a seed: {@code -Dlodestar.fuzz.seed=S} replays a run, {@code -Dlodestar.fuzz.count=N}
 * changes the number of inputs (default 500).
 */
@QuarkusIntegrationTest
@QuarkusTestResource(LodestarStack.class)
class HostileInputFuzzIT {

    /** The seed of a plain build, so CI always tries the same inputs; pass -Dlodestar.fuzz.seed to try others. */
    private static final long DEFAULT_SEED = 20261123L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MLFLOW = "/api/2.0/mlflow/";
    private static final int MAX_ERROR_BODY = 8 * 1024;
    /** A fully qualified Java class name, a stack frame or an exception's simple name. */
    private static final Pattern LEAK = Pattern.compile(
            "\\b(?:java|javax|jakarta|org|io|com|dev)\\.[a-z0-9_]+\\.[\\w.$]*[A-Z]\\w*|\\bat [\\w.$]+\\(|\\.java:\\d+|\\w+Exception\\b");

    private static final String CREATE_EXPERIMENT = """
            mutation($name: String!, $description: String) {
              createExperiment(name: $name, description: $description) { id name }
            }""";
    private static final String CREATE_RUN = """
            mutation($experiment: ID!, $name: String, $tags: [TagInput!]) {
              createRun(experimentId: $experiment, name: $name, tags: $tags) { id name status }
            }""";
    private static final String LOG_BATCH = """
            mutation($run: ID!, $metrics: [MetricInput!], $params: [ParamInput!], $tags: [TagInput!]) {
              logBatch(runId: $run, metrics: $metrics, params: $params, tags: $tags) { id latestMetrics { key value step } }
            }""";
    private static final String SET_RUN_TAG = """
            mutation($run: ID!, $key: String!, $value: String!) {
              setRunTag(runId: $run, key: $key, value: $value) { id }
            }""";
    private static final String SEARCH_RUNS = """
            query($experiments: [ID!], $filter: String, $order: [String!], $first: Int, $after: String) {
              searchRuns(experimentIds: $experiments, filter: $filter, orderBy: $order, first: $first, after: $after) {
                totalCount edges { node { id name latestMetrics { key value } } } pageInfo { hasNextPage endCursor }
              }
            }""";
    private static final String RUN = """
            query($id: ID!) { run(id: $id) { id name status params { key value } tags { key value } } }""";
    private static final String METRIC_HISTORY = """
            query($run: ID!, $key: String!) { metricHistory(runId: $run, key: $key) { key value step timestamp } }""";
    private static final String EXPERIMENTS = """
            query($first: Int, $after: String, $name: String) {
              experiments(first: $first, after: $after, nameContains: $name) { totalCount edges { node { id name } } }
            }""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Integer> tried = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private Random random;
    private JsonMutator mutator;
    private String experiment;
    private final List<String> runs = new ArrayList<>();

    // What the accepted writes must have left behind.
    private int acceptedExperiments;
    private int acceptedRuns;
    private int acceptedLineage;
    private long expectedPoints;
    private final Set<String> expectedParams = new HashSet<>();
    private final Set<String> expectedTags = new HashSet<>();

    @Test
    void hostileRequestsAreRefusedWithACodeAndEveryAcceptedWriteIsStored() throws Exception {
        long seed = Long.getLong("lodestar.fuzz.seed", DEFAULT_SEED);
        int count = Integer.getInteger("lodestar.fuzz.count", 500);
        random = new Random(seed);
        mutator = new JsonMutator(random);
        setUp();
        long runsBefore = TestDatabase.count("select count(*) from run");
        long experimentsBefore = TestDatabase.count("select count(*) from experiment");
        long lineageBefore = TestDatabase.count("select count(*) from openlineage_event");
        Map<String, Long> before = stored();

        long started = System.nanoTime();
        for (int i = 0; i < count && failures.size() < 20; i++) {
            int surface = random.nextInt(20);
            String problem;
            if (surface < 8) {
                problem = graphql();
            } else if (surface < 15) {
                problem = mlflow();
            } else if (surface < 19) {
                problem = openLineage();
            } else {
                problem = noise();
            }
            if (problem != null) {
                failures.add("input " + i + ": " + problem);
            }
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("Hostile input fuzz: seed %d, %d inputs in %d ms: %s%n", seed,
                tried.values().stream().mapToInt(Integer::intValue).sum(), millis, tried);

        assertThat(failures).as("replay with -Dlodestar.fuzz.seed=%d -Dlodestar.fuzz.count=%d", seed, count).isEmpty();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        Map<String, Long> after = stored();
        // Every write an answer reported as accepted is stored, and nothing a refusal answered.
        Map<String, long[]> writes = new java.util.LinkedHashMap<>();
        writes.put("metric points", new long[] {expectedPoints, after.get("points") - before.get("points")});
        writes.put("params", new long[] {expectedParams.size(), after.get("params") - before.get("params")});
        writes.put("tags", new long[] {expectedTags.size(), after.get("tags") - before.get("tags")});
        writes.put("runs", new long[] {acceptedRuns, TestDatabase.count("select count(*) from run") - runsBefore});
        writes.put("experiments", new long[] {acceptedExperiments,
                TestDatabase.count("select count(*) from experiment") - experimentsBefore});
        writes.put("lineage events", new long[] {acceptedLineage,
                TestDatabase.count("select count(*) from openlineage_event") - lineageBefore});
        writes.forEach((what, counts) -> System.out.printf("Hostile input fuzz: %s accepted %d, stored %d%n", what,
                counts[0], counts[1]));
        printUnexpected("params", "run_param", expectedParams);
        printUnexpected("tags", "run_tag", expectedTags);
        writes.forEach((what, counts) -> assertThat(counts[1]).as("%s stored against %s accepted, seed %d", what, counts[0], seed)
                .isEqualTo(counts[0]));
    }

    private void setUp() throws IOException, InterruptedException {
        JsonNode created = send("/graphql", "application/json", JSON.writeValueAsBytes(Map.of("query", CREATE_EXPERIMENT,
                "variables", Map.of("name", Fixtures.unique("fuzz")))), Tokens.of("alice"));
        experiment = created.path("data").path("createExperiment").path("id").asText();
        assertThat(experiment).as(created.toString()).isNotEmpty();
        for (int i = 0; i < 3; i++) {
            JsonNode run = send(MLFLOW + "runs/create", "application/json",
                    JSON.writeValueAsBytes(Map.of("experiment_id", experiment, "run_name", "fuzz-" + i)), Tokens.of("alice"));
            runs.add(run.path("run").path("info").path("run_id").asText());
        }
        assertThat(runs).allSatisfy(run -> assertThat(run).hasSize(32));
    }

    private JsonNode send(String path, String type, byte[] body, String token) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", type)
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(response.body());
    }

    /** Metric points, params and tags of the fuzzed runs. */
    private Map<String, Long> stored() {
        UUID[] ids = runs.stream().map(HostileInputFuzzIT::uuid).toArray(UUID[]::new);
        return Map.of("points", TestDatabase.count("select count(*) from metric where run_id = any(?)", (Object) ids),
                "params", TestDatabase.count("select count(*) from run_param where run_id = any(?)", (Object) ids),
                "tags", TestDatabase.count("select count(*) from run_tag where run_id = any(?)", (Object) ids));
    }

    /** Stored keys of the fuzzed runs that no accepted answer accounts for: the requests a failure is about. */
    private void printUnexpected(String what, String table, Set<String> expected) {
        UUID[] ids = runs.stream().map(HostileInputFuzzIT::uuid).toArray(UUID[]::new);
        List<String> unexpected = TestDatabase.query("select run_id, key from " + table + " where run_id = any(?)", (Object) ids)
                .stream().map(row -> row[0].toString().replace("-", "") + "\n" + row[1])
                .filter(key -> !expected.contains(key)).map(key -> key.substring(33)).toList();
        if (!unexpected.isEmpty()) {
            System.out.printf("Hostile input fuzz: %s stored without an accepted answer naming them: %s%n", what,
                    unexpected.stream().map(HostileInputFuzzIT::shown).limit(20).toList());
        }
    }

    /** A key as Java would write it in a string literal, cut to 60 characters. */
    private static String shown(String key) {
        StringBuilder text = new StringBuilder("\"");
        key.codePoints().limit(60).forEach(c -> text.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return text.append(key.length() > 60 ? "...\"" : "\"").toString();
    }

    // GraphQL

    private String graphql() {
        String run = runs.get(random.nextInt(runs.size()));
        int kind = random.nextInt(8);
        ObjectNode variables = switch (kind) {
            case 0 -> JsonMutator.object(Map.of("name", "fuzz-" + random.nextInt(1_000_000), "description", "d"));
            case 1 -> JsonMutator.object(Map.of("experiment", experiment, "name", "r", "tags", List.of(tag())));
            case 2, 3 -> JsonMutator.object(Map.of("run", run, "metrics", metrics(), "params", List.of(param()),
                    "tags", List.of(tag())));
            case 4 -> JsonMutator.object(Map.of("run", run, "key", "k" + random.nextInt(50), "value", "v"));
            case 5 -> JsonMutator.object(Map.of("experiments", List.of(experiment), "filter", "metrics.loss > 0.1",
                    "order", List.of("metrics.loss DESC"), "first", 5));
            case 6 -> JsonMutator.object(Map.of("run", run, "key", "loss"));
            default -> random.nextBoolean() ? JsonMutator.object(Map.of("id", run))
                    : JsonMutator.object(Map.of("first", 3, "name", "fuzz"));
        };
        String document = switch (kind) {
            case 0 -> CREATE_EXPERIMENT;
            case 1 -> CREATE_RUN;
            case 2, 3 -> LOG_BATCH;
            case 4 -> SET_RUN_TAG;
            case 5 -> SEARCH_RUNS;
            case 6 -> METRIC_HISTORY;
            default -> variables.has("id") ? RUN : EXPERIMENTS;
        };
        ObjectNode request = JSON.createObjectNode().put("query", document);
        request.set("variables", variables);
        byte[] body;
        if (random.nextInt(8) == 0) {
            body = hostileDocument(document, variables);
        } else {
            body = mutator.mutate(request);
        }
        Answer answer = post("/graphql", contentType("application/json"), body, Tokens.of("alice"));
        count("GraphQL");
        String problem = checkGraphQL(answer);
        if (problem != null) {
            return "GraphQL " + describe(body) + ": " + problem;
        }
        JsonNode sent = JsonMutator.parse(body);
        String field = switch (kind) {
            case 0 -> "createExperiment";
            case 1 -> "createRun";
            case 2, 3 -> "logBatch";
            case 4 -> "setRunTag";
            default -> null;
        };
        if (field != null && answer.status() == 200 && answer.json().path("data").hasNonNull(field) && sent != null) {
            JsonNode vars = sent.path("variables");
            switch (field) {
                case "createExperiment" -> acceptedExperiments++;
                case "createRun" -> acceptedRuns++;
                case "logBatch" -> accepted(vars.path("run").asText(), vars.path("metrics"), vars.path("params"),
                        vars.path("tags"));
                default -> expectedTags.add(vars.path("run").asText() + "\n" + vars.path("key").asText());
            }
        }
        return null;
    }

    /** A well-formed body whose document is hostile: nested 10,000 deep, cut off, or a flood of aliases. */
    private byte[] hostileDocument(String document, ObjectNode variables) {
        String query = switch (random.nextInt(4)) {
            case 0 -> "{" + "experiments { edges { node { ".repeat(2_000) + "id" + " } } }".repeat(2_000) + "}";
            case 1 -> document.substring(0, random.nextInt(document.length()));
            case 2 -> {
                StringBuilder aliases = new StringBuilder("{");
                for (int i = 0; i < 5_000; i++) {
                    aliases.append(" a").append(i).append(": experiments(first: 100) { totalCount }");
                }
                yield aliases.append('}').toString();
            }
            default -> "query " + mutator.string() + " { __typename }";
        };
        ObjectNode request = JSON.createObjectNode().put("query", query);
        request.set("variables", variables);
        try {
            return JSON.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checkGraphQL(Answer answer) {
        String common = checkCommon(answer);
        if (common != null) {
            return common;
        }
        JsonNode errors = answer.json().path("errors");
        if (answer.status() != 200 && !errors.isArray()) {
            return "HTTP " + answer.status() + " without errors: " + answer.excerpt();
        }
        for (JsonNode error : errors) {
            String code = error.path("extensions").path("code").asText();
            if (code.isEmpty()) {
                return "an error without extensions.code: " + answer.excerpt();
            }
            if (code.equals("INTERNAL")) {
                return "an INTERNAL error (the server failed, not the request): " + answer.excerpt();
            }
        }
        return null;
    }

    // MLflow

    private String mlflow() {
        String run = runs.get(random.nextInt(runs.size()));
        int kind = random.nextInt(10);
        String endpoint;
        ObjectNode valid;
        switch (kind) {
            case 0 -> {
                endpoint = "experiments/create";
                valid = JsonMutator.object(Map.of("name", "fuzz-" + random.nextInt(1_000_000),
                        "tags", List.of(Map.of("key", "team", "value", "ml"))));
            }
            case 1 -> {
                endpoint = "runs/create";
                valid = JsonMutator.object(Map.of("experiment_id", experiment, "run_name", "r", "start_time", 1_700_000_000_000L,
                        "tags", List.of(Map.of("key", "k", "value", "v"))));
            }
            case 2, 3 -> {
                endpoint = "runs/log-batch";
                valid = JsonMutator.object(Map.of("run_id", run, "metrics", metrics(), "params", List.of(param()),
                        "tags", List.of(tag())));
            }
            case 4 -> {
                endpoint = "runs/log-metric";
                valid = JsonMutator.object(Map.of("run_id", run, "key", "acc", "value", random.nextDouble(),
                        "timestamp", 1_700_000_000_000L + random.nextInt(1000), "step", random.nextInt(100)));
            }
            case 5 -> {
                endpoint = "runs/log-parameter";
                valid = JsonMutator.object(Map.of("run_id", run, "key", "p" + random.nextInt(1000), "value", "v"));
            }
            case 6 -> {
                endpoint = "runs/set-tag";
                valid = JsonMutator.object(Map.of("run_id", run, "key", "t" + random.nextInt(50), "value", "v"));
            }
            case 7 -> {
                endpoint = "runs/search";
                valid = JsonMutator.object(Map.of("experiment_ids", List.of(experiment), "filter", "metrics.loss < 1",
                        "max_results", 10, "order_by", List.of("metrics.loss ASC")));
            }
            case 8 -> {
                endpoint = "experiments/search";
                valid = JsonMutator.object(Map.of("max_results", 5, "filter", "name LIKE 'fuzz%'"));
            }
            default -> {
                endpoint = "registered-models/get-latest-versions";
                valid = JsonMutator.object(Map.of("name", "fuzz-model", "stages", List.of("Production")));
            }
        }
        byte[] body = mutator.mutate(valid);
        Answer answer = post(MLFLOW + endpoint, contentType("application/json"), body, Tokens.of("alice"));
        count("MLflow");
        String problem = checkCommon(answer);
        if (problem == null && answer.status() / 100 != 2 && answer.json().path("error_code").asText().isEmpty()) {
            problem = "HTTP " + answer.status() + " without error_code: " + answer.excerpt();
        }
        if (problem != null) {
            return "MLflow " + endpoint + " " + describe(body) + ": " + problem;
        }
        JsonNode sent = JsonMutator.parse(body);
        if (answer.status() == 200 && sent != null) {
            String runId = sent.path("run_id").asText();
            switch (endpoint) {
                case "experiments/create" -> acceptedExperiments++;
                case "runs/create" -> acceptedRuns++;
                case "runs/log-batch" -> accepted(runId, sent.path("metrics"), sent.path("params"), sent.path("tags"));
                case "runs/log-metric" -> expectedPoints++;
                case "runs/log-parameter" -> expectedParams.add(runId + "\n" + sent.path("key").asText());
                case "runs/set-tag" -> expectedTags.add(runId + "\n" + sent.path("key").asText());
                default -> {
                    // Reads write nothing.
                }
            }
        }
        return null;
    }

    // OpenLineage

    private String openLineage() {
        ObjectNode event = JsonMutator.object(Map.of(
                "eventType", random.nextBoolean() ? "START" : "COMPLETE",
                "eventTime", "2026-11-23T10:0" + random.nextInt(10) + ":00Z",
                "producer", "https://example.com/fuzz",
                "schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
                "run", Map.of("runId", UUID.nameUUIDFromBytes(new byte[] {(byte) random.nextInt(64)}).toString()),
                "job", Map.of("namespace", "fuzz", "name", "job-" + random.nextInt(64)),
                "inputs", List.of(Map.of("namespace", "postgres://db:5432", "name", "crm.customers")),
                "outputs", List.of(Map.of("namespace", "s3://features", "name", "churn/" + random.nextInt(8)))));
        byte[] body = mutator.mutate(event);
        Answer answer = post("/api/v1/lineage", contentType("application/json"), body, Tokens.lineageProducer());
        count("OpenLineage");
        String problem = checkCommon(answer);
        if (problem == null && answer.status() / 100 != 2 && answer.json().path("code").asText().isEmpty()) {
            problem = "HTTP " + answer.status() + " without code: " + answer.excerpt();
        }
        if (problem != null) {
            return "OpenLineage " + describe(body) + ": " + problem;
        }
        if (answer.status() == 201) {
            acceptedLineage++;
        }
        return null;
    }

    // Noise: random bytes to every surface.

    private String noise() {
        String[] paths = {"/graphql", MLFLOW + "runs/log-batch", MLFLOW + "experiments/create", "/api/v1/lineage"};
        String path = paths[random.nextInt(paths.length)];
        byte[] body = mutator.noise();
        String token = path.equals("/api/v1/lineage") ? Tokens.lineageProducer() : Tokens.of("alice");
        Answer answer = post(path, contentType("application/octet-stream"), body, token);
        count("noise");
        String problem = checkCommon(answer);
        if (problem == null && answer.status() / 100 != 2 && !hasCode(answer.json())) {
            problem = "HTTP " + answer.status() + " without a code: " + answer.excerpt();
        }
        return problem == null ? null : "noise to " + path + " " + describe(body) + ": " + problem;
    }

    private static boolean hasCode(JsonNode json) {
        return !json.path("code").asText().isEmpty() || !json.path("error_code").asText().isEmpty()
                || !json.path("errors").path(0).path("extensions").path("code").asText().isEmpty();
    }

    // Shared

    private void accepted(String run, JsonNode metrics, JsonNode params, JsonNode tags) {
        expectedPoints += entries(metrics).size();
        for (JsonNode param : entries(params)) {
            expectedParams.add(run + "\n" + param.path("key").asText());
        }
        for (JsonNode tag : entries(tags)) {
            expectedTags.add(run + "\n" + tag.path("key").asText());
        }
    }

    /** The entries of a list field as a lenient reader sees them: a single value is a list of one. */
    private static List<JsonNode> entries(JsonNode field) {
        List<JsonNode> entries = new ArrayList<>();
        if (field.isArray()) {
            field.forEach(entries::add);
        } else if (field.isObject()) {
            entries.add(field);
        }
        return entries;
    }

    private List<Map<String, Object>> metrics() {
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
            metrics.add(Map.of("key", random.nextBoolean() ? "loss" : "acc", "value", random.nextDouble(),
                    "timestamp", 1_700_000_000_000L + random.nextInt(100_000), "step", random.nextInt(100)));
        }
        return metrics;
    }

    private Map<String, Object> param() {
        return Map.of("key", "p" + random.nextInt(1000), "value", "v");
    }

    private Map<String, Object> tag() {
        return Map.of("key", "t" + random.nextInt(50), "value", "v" + random.nextInt(3));
    }

    private String contentType(String right) {
        return switch (random.nextInt(16)) {
            case 0 -> "text/plain";
            case 1 -> "application/x-www-form-urlencoded";
            case 2 -> "multipart/form-data; boundary=x";
            case 3 -> "application/json; charset=latin1";
            default -> right;
        };
    }

    private static String checkCommon(Answer answer) {
        if (answer.status() >= 500) {
            return "HTTP " + answer.status() + ": " + answer.excerpt();
        }
        if (answer.status() < 200) {
            return "no answer: " + answer.excerpt();
        }
        if (answer.json() == null) {
            return "HTTP " + answer.status() + " with a body that is not JSON: " + answer.excerpt();
        }
        if (LEAK.matcher(answer.body()).find()) {
            return "HTTP " + answer.status() + " leaks internals: " + answer.excerpt();
        }
        if (answer.status() / 100 != 2 && answer.body().length() > MAX_ERROR_BODY) {
            return "HTTP " + answer.status() + " with an error of " + answer.body().length() + " characters: " + answer.excerpt();
        }
        return null;
    }

    /** An answer: status, body as text, body as JSON (null if it is not JSON). */
    private record Answer(int status, String body, JsonNode json) {

        String excerpt() {
            return body.length() > 400 ? body.substring(0, 400) + "..." : body;
        }
    }

    private Answer post(String path, String contentType, byte[] body, String token) {
        HttpRequest request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            String text = new String(response.body(), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), text, JsonMutator.parse(response.body()));
        } catch (IOException e) {
            return new Answer(0, "the connection failed: " + e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void count(String surface) {
        tried.merge(surface, 1, Integer::sum);
    }

    private static String describe(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        return "(" + body.length + " bytes: " + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + ")";
    }

    private static URI uri(String path) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
    }

    private static UUID uuid(String hex) {
        return UUID.fromString(hex.replaceFirst("(\\w{8})(\\w{4})(\\w{4})(\\w{4})(\\w{12})", "$1-$2-$3-$4-$5"));
    }
}
