package dev.lodestar.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.lodestar.audit.model.AuditEventEntity;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.web.RequestIds;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Appends audit events. Must be called inside the transaction of the change it records
 * ({@code MANDATORY}): the change and its record commit together or not at all.
 *
 * <p>Before and after are stored as JSON. Snapshots are built not to contain secrets; as a second line of
 * defence, values of fields named like credentials ({@code password}, {@code secret}, {@code token}, ...) are
 * replaced by {@value #REDACTED} wherever they appear.
 */
@ApplicationScoped
public class AuditLog {

    static final String REDACTED = "[redacted]";
    private static final Pattern SECRET_FIELD = Pattern.compile(
            "(?i)password|secret|client_?secret|token|access_?token|refresh_?token|id_?token|credentials?");

    private final EntityManager entityManager;
    private final CurrentActor currentActor;
    private final ObjectMapper json;
    private final Timer appendTime;
    private final TransactionSynchronizationRegistry transactions;
    private final AuditSealer sealer;

    AuditLog(EntityManager entityManager, CurrentActor currentActor, ObjectMapper json, MeterRegistry metrics,
            TransactionSynchronizationRegistry transactions, AuditSealer sealer) {
        this.entityManager = entityManager;
        this.transactions = transactions;
        this.sealer = sealer;
        this.currentActor = currentActor;
        this.json = json;
        this.appendTime = Timer.builder("lodestar.audit.append")
                .description("Time an audit event adds to the change it records (serialising it and inserting it)")
                .publishPercentiles(0.5, 0.99)
                // Three significant digits: the default of one reports bucket edges, not the percentiles.
                .percentilePrecision(3)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(metrics);
    }

    /** Records {@code action} on resource {@code resourceId} by the current actor. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(AuditAction action, String resourceId, Object before, Object after) {
        record(action, resourceId, before, after, null);
    }

    /** Records {@code action} with the reason the actor gave. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(AuditAction action, String resourceId, Object before, Object after, String reason) {
        append(currentActor.get(), action, resourceId, before, after, reason);
    }

    /** Records {@code action} done by Lodestar itself (a background job), not by a person. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void recordAsSystem(AuditAction action, String resourceId, Object before, Object after, String reason) {
        append(Actor.SYSTEM, action, resourceId, before, after, reason);
    }

    private void append(Actor actor, AuditAction action, String resourceId, Object before, Object after, String reason) {
        // The change's own statements go first, so they fail before the event is written and the time below is
        // the event's alone: serialising it and sending its insert (the flush at the end).
        entityManager.flush();
        long started = System.nanoTime();
        AuditEventEntity event = new AuditEventEntity();
        event.at = Instant.now();
        event.actorSubject = actor.subject();
        event.actorName = actor.name();
        event.actorRoles = actor.roles().toArray(String[]::new);
        event.action = action.name();
        event.resourceType = action.resourceType().name();
        event.resourceId = resourceId;
        event.before = toJson(before);
        event.after = toJson(after);
        event.reason = reason;
        event.requestId = RequestIds.current();
        event.clientAddress = RequestIds.clientAddress();
        entityManager.persist(event);
        entityManager.flush();
        sealAfterCommit();
        appendTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /** Asks the sealer, once per transaction, to seal this transaction's events as soon as they commit. */
    private void sealAfterCommit() {
        if (transactions.getResource(AuditSealer.class) != null) {
            return;
        }
        transactions.putResource(AuditSealer.class, Boolean.TRUE);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    sealer.sealSoon();
                }
            }
        });
    }

    /**
     * A snapshot of named fields in the order given ({@code fields("name", a, "description", b)}); unlike
     * {@code Map.of} it keeps null values, which say "was empty".
     */
    public static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    private String toJson(Object value) {
        if (value == null) {
            return null;
        }
        JsonNode tree = json.valueToTree(value);
        redact(tree);
        try {
            return json.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit snapshot as JSON", e);
        }
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (SECRET_FIELD.matcher(field.getKey()).matches() && field.getValue().isValueNode()) {
                    field.setValue(object.textNode(REDACTED));
                } else {
                    redact(field.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(AuditLog::redact);
        }
    }
}
