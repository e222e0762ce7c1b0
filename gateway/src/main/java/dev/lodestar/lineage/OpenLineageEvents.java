package dev.lodestar.lineage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.identity.CurrentActor;

/**
 * Takes OpenLineage events (RunEvent, DatasetEvent, JobEvent; spec 2.0.x) into the lineage graph.
 *
 * <p>An event is validated against {@code openlineage-event.schema.json} (written from the specification; formats
 * such as {@code uuid}, {@code date-time} and {@code uri} are asserted). A valid event is stored as received
 * ({@code openlineage_event}, JSONB) and merged: the job and run become nodes {@code job:<namespace>:<name>} and
 * {@code run:<runId>} joined by {@code RUN_OF}; each input dataset {@code dataset:<namespace>:<name>} joins the run
 * by {@code INPUT_TO}, the run each output by {@code OUTPUT_OF}. A JobEvent's inputs and outputs join the job
 * itself; a DatasetEvent names its dataset. Events are identified by the SHA-256 of their canonical JSON (keys
 * sorted), so sending one again changes nothing. Each new event is audited, in its transaction.
 */
@ApplicationScoped
public class OpenLineageEvents {

    private static final String SCHEMA = "/dev/lodestar/lineage/openlineage-event.schema.json";
    private static final int MAX_VIOLATIONS = 50;
    /** Longest namespace or name of a job or dataset, in UTF-8 bytes: both become part of an indexed node id. */
    static final int MAX_NAME_BYTES = 1000;

    private final EntityManager entityManager;
    private final LineageEdges edges;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ObjectMapper json;
    private final ObjectMapper canonical;
    private final JsonSchema schema;

    OpenLineageEvents(EntityManager entityManager, LineageEdges edges, AuditLog audit, CurrentActor actor, ObjectMapper json) {
        this.entityManager = entityManager;
        this.edges = edges;
        this.audit = audit;
        this.actor = actor;
        this.json = json;
        this.canonical = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        try (InputStream in = OpenLineageEvents.class.getResourceAsStream(SCHEMA)) {
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCHEMA, e);
        }
    }

    /** The event is not valid OpenLineage: what is wrong with it, one line per violation. */
    public static final class Invalid extends RuntimeException {
        private final List<String> violations;

        Invalid(List<String> violations) {
            super(String.join("; ", violations), null, false, false);
            this.violations = List.copyOf(violations);
        }

        public List<String> violations() {
            return violations;
        }
    }

    /**
     * What became of an accepted event.
     *
     * @param id     the stored event's number
     * @param stored false when the same event had been received before (nothing changed)
     */
    public record Accepted(long id, boolean stored) {
    }

    /**
     * Validates, stores and merges one event.
     *
     * @throws Invalid when the body is not JSON or not a valid OpenLineage event; nothing is stored
     */
    @Transactional
    public Accepted accept(byte[] body) {
        JsonNode event = validated(body);
        String sha256 = sha256(event);
        JsonNode run = event.path("run");
        JsonNode job = event.path("job");
        @SuppressWarnings("unchecked")
        List<Number> inserted = entityManager.createNativeQuery("""
                insert into openlineage_event (sha256, event_type, event_time, run_id, job_namespace, job_name, producer, body,
                    received_by, received_at)
                values (:sha, :type, :time, :run, :namespace, :name, :producer, cast(:body as jsonb), :by, now())
                on conflict (sha256) do nothing returning id""")
                .setParameter("sha", sha256).setParameter("type", text(event, "eventType"))
                .setParameter("time", OffsetDateTime.parse(event.path("eventTime").asText()))
                .setParameter("run", run.isMissingNode() ? null : UUID.fromString(run.path("runId").asText()))
                .setParameter("namespace", text(job, "namespace")).setParameter("name", text(job, "name"))
                .setParameter("producer", event.path("producer").asText())
                .setParameter("body", new String(body, StandardCharsets.UTF_8))
                .setParameter("by", actor.get().name()).getResultList();
        if (inserted.isEmpty()) {
            long id = ((Number) entityManager.createNativeQuery("select id from openlineage_event where sha256 = :sha")
                    .setParameter("sha", sha256).getSingleResult()).longValue();
            return new Accepted(id, false);
        }
        long id = inserted.get(0).longValue();
        List<String> nodes = merge(event);
        audit.record(AuditAction.LINEAGE_EVENT_RECEIVED, Long.toString(id), null, AuditLog.fields("eventType", text(event, "eventType"),
                "eventTime", event.path("eventTime").asText(), "producer", event.path("producer").asText(), "sha256", sha256,
                "nodes", nodes));
        return new Accepted(id, true);
    }

    /** The event's nodes and edges into the graph; returns the node ids it touched. */
    private List<String> merge(JsonNode event) {
        List<String> touched = new ArrayList<>();
        JsonNode job = event.path("job");
        String jobNode = null;
        if (!job.isMissingNode()) {
            jobNode = LineageEdges.job(job.path("namespace").asText(), job.path("name").asText());
            edges.name(jobNode, job.path("namespace").asText(), job.path("name").asText());
            touched.add(jobNode);
        }
        String center = jobNode;
        if (event.has("run")) {
            UUID runId = UUID.fromString(event.path("run").path("runId").asText());
            String runNode = LineageEdges.openLineageRun(runId);
            edges.name(runNode, job.path("namespace").asText(), job.path("name").asText() + " run " + runId.toString().substring(0, 8));
            edges.record(jobNode, runNode, LineageEdges.RUN_OF);
            touched.add(runNode);
            center = runNode;
        }
        if (event.has("dataset")) {
            touched.add(dataset(event.path("dataset")));
        }
        for (JsonNode input : event.path("inputs")) {
            String node = dataset(input);
            edges.record(node, center, LineageEdges.INPUT_TO);
            touched.add(node);
        }
        for (JsonNode output : event.path("outputs")) {
            String node = dataset(output);
            edges.record(center, node, LineageEdges.OUTPUT_OF);
            touched.add(node);
        }
        return touched;
    }

    private String dataset(JsonNode dataset) {
        String namespace = dataset.path("namespace").asText();
        String name = dataset.path("name").asText();
        String node = LineageEdges.externalDataset(namespace, name);
        edges.name(node, namespace, name);
        return node;
    }

    private JsonNode validated(byte[] body) {
        JsonNode event;
        try {
            event = json.readTree(body == null ? new byte[0] : body);
        } catch (JsonProcessingException e) {
            throw new Invalid(List.of("$: not JSON in UTF-8: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Invalid(List.of("$: not JSON in UTF-8"));
        }
        if (event == null || event.isMissingNode()) {
            throw new Invalid(List.of("$: the body is empty; an OpenLineage event is expected"));
        }
        if (holdsInfinity(event)) {
            // The schema validator reads numbers as BigDecimal, which has no infinity.
            throw new Invalid(List.of("$: a number is beyond the range of a double (such as 1e400)"));
        }
        List<String> violations = schema.validate(event).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString()).thenComparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage).distinct().limit(MAX_VIOLATIONS).toList();
        if (!violations.isEmpty()) {
            throw new Invalid(violations);
        }
        if (holdsNul(event)) {
            throw new Invalid(List.of("$: a name or value holds the character \\u0000, which cannot be stored"));
        }
        List<String> tooLong = tooLongNames(event);
        if (!tooLong.isEmpty()) {
            throw new Invalid(tooLong);
        }
        try {
            OffsetDateTime.parse(event.path("eventTime").asText());
        } catch (DateTimeParseException e) {
            throw new Invalid(List.of("$.eventTime: not a date-time with an offset, such as 2026-11-23T10:00:00Z"));
        }
        JsonNode run = event.path("run");
        if (!run.isMissingNode()) {
            try {
                UUID.fromString(run.path("runId").asText());
            } catch (IllegalArgumentException e) {
                throw new Invalid(List.of("$.run.runId: not a UUID"));
            }
        }
        return event;
    }

    /** The job's and datasets' namespaces and names longer than {@link #MAX_NAME_BYTES}, as violations. */
    private static List<String> tooLongNames(JsonNode event) {
        List<String> violations = new ArrayList<>();
        checkNames(event.path("job"), "$.job", violations);
        for (String side : List.of("inputs", "outputs")) {
            JsonNode datasets = event.path(side);
            for (int i = 0; i < datasets.size(); i++) {
                checkNames(datasets.get(i), "$." + side + "[" + i + "]", violations);
            }
        }
        return violations.stream().limit(MAX_VIOLATIONS).toList();
    }

    private static void checkNames(JsonNode holder, String location, List<String> violations) {
        for (String field : List.of("namespace", "name")) {
            int bytes = holder.path(field).asText().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                violations.add(location + "." + field + ": " + bytes + " bytes long; at most " + MAX_NAME_BYTES
                        + " bytes of UTF-8 are accepted");
            }
        }
    }

    /** Whether a key or string anywhere in the event holds U+0000, which PostgreSQL's jsonb refuses. */
    private static boolean holdsNul(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue().indexOf('\0') >= 0;
        }
        var fields = node.fieldNames();
        while (fields.hasNext()) {
            if (fields.next().indexOf('\0') >= 0) {
                return true;
            }
        }
        for (JsonNode child : node) {
            if (holdsNul(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsInfinity(JsonNode node) {
        if (node.isFloatingPointNumber()) {
            return !Double.isFinite(node.doubleValue());
        }
        for (JsonNode child : node) {
            if (holdsInfinity(child)) {
                return true;
            }
        }
        return false;
    }

    private String sha256(JsonNode event) {
        try {
            byte[] bytes = canonical.writeValueAsString(canonical.treeToValue(event, Object.class)).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash an event", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }
}
