package dev.lodestar.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.lineage.LineageEdges;

/**
 * Takes in the windows the inference servers ship. A send is checked whole before anything is stored (a bad
 * window or outcome refuses the send with its reason and stores nothing), then stored in one transaction: each
 * window replaces what the same process sent for it before (sends are cumulative, so a retried send is harmless,
 * and a late retry carrying fewer rows than what is stored is ignored), outcomes are kept when first seen, and the
 * first intake of a window records its lineage: the model version {@code SCORED} it and the deployment
 * {@code SERVED} it. Windows are telemetry, not changes anyone made: they are not audited.
 */
@ApplicationScoped
@Transactional
public class WindowIntake {

    private static final Pattern PROCESS_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern DEPLOYMENT = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Duration LONGEST_WINDOW = Duration.ofDays(1);
    private static final int MAX_WINDOWS = 10_000;

    private final EntityManager entityManager;
    private final ObjectMapper json;
    private final Feedback feedback;
    private final LineageEdges lineage;

    WindowIntake(EntityManager entityManager, ObjectMapper json, Feedback feedback, LineageEdges lineage) {
        this.entityManager = entityManager;
        this.json = json;
        this.feedback = feedback;
        this.lineage = lineage;
    }

    /** A window whose profiles decoded. */
    private record Checked(WindowBatch.Window window, byte[] features, byte[] predictions) {
    }

    /** What a send stored. */
    public record Accepted(int windows, int newWindows, int outcomes) {
    }

    /**
     * Checks and stores a send (JSON {@link WindowBatch}).
     *
     * @throws ApiException INVALID_ARGUMENT naming the first fault; nothing is stored then
     */
    public Accepted accept(String body) {
        WindowBatch batch;
        try {
            batch = json.readValue(body == null ? "" : body, WindowBatch.class);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("the windows are not valid JSON of the expected shape: " + e.getOriginalMessage());
        }
        if (batch == null) {
            throw ApiException.invalid("a body is required");
        }
        if (batch.replicaId() == null || !PROCESS_ID.matcher(batch.replicaId()).matches()) {
            throw ApiException.invalid("replicaId must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        if (batch.incarnation() == null || !PROCESS_ID.matcher(batch.incarnation()).matches()) {
            throw ApiException.invalid("incarnation must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        if (batch.windows() == null) {
            throw ApiException.invalid("windows is required (an empty list when only feedback is sent)");
        }
        if (batch.windows().size() > MAX_WINDOWS) {
            throw ApiException.invalid("at most " + MAX_WINDOWS + " windows in one send, got " + batch.windows().size());
        }
        List<Checked> windows = new ArrayList<>(batch.windows().size());
        for (int i = 0; i < batch.windows().size(); i++) {
            windows.add(check(i, batch.windows().get(i)));
        }
        List<Feedback.Checked> outcomes = feedback.check(batch.feedback() == null ? List.of() : batch.feedback());

        Instant now = Instant.now();
        int created = 0;
        for (Checked checked : windows) {
            if (store(batch.replicaId(), batch.incarnation(), checked, now)) {
                created++;
            }
        }
        int accepted = feedback.store(outcomes, Feedback.Source.INFERENCE);
        return new Accepted(windows.size(), created, accepted);
    }

    private static Checked check(int index, WindowBatch.Window window) {
        String where = "window " + index;
        if (window == null) {
            throw ApiException.invalid(where + " is empty");
        }
        if (window.deployment() == null || !DEPLOYMENT.matcher(window.deployment()).matches()) {
            throw ApiException.invalid(where + ": deployment must be a deployment name (a DNS label), got '" + window.deployment() + "'");
        }
        where = where + " of '" + window.deployment() + "'";
        if (window.model() == null || window.model().isBlank() || window.model().length() > 255) {
            throw ApiException.invalid(where + ": model is required, at most 255 characters");
        }
        if (window.version() == null || window.version() < 1) {
            throw ApiException.invalid(where + ": version must be a positive number");
        }
        if (window.start() == null || window.end() == null || !window.end().isAfter(window.start())) {
            throw ApiException.invalid(where + ": start and end are required, end after start");
        }
        if (Duration.between(window.start(), window.end()).compareTo(LONGEST_WINDOW) > 0) {
            throw ApiException.invalid(where + ": a window is at most " + LONGEST_WINDOW + " long");
        }
        if (window.rows() == null || window.rows() < 0 || window.dropped() == null || window.dropped() < 0) {
            throw ApiException.invalid(where + ": rows and dropped are required, not negative");
        }
        return new Checked(window, profile(where + ": features", window.features()), profile(where + ": predictions", window.predictions()));
    }

    /** Decodes a profile and reads it once, so garbage is refused now rather than failing a report later. */
    private static byte[] profile(String where, String base64) {
        if (base64 == null || base64.isEmpty()) {
            throw ApiException.invalid(where + " is required (base64 of a profile)");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(where + " is not base64: " + e.getMessage());
        }
        try {
            Profile.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(where + " is not a profile: " + e.getMessage());
        }
        return bytes;
    }

    /** Upserts a window; true when it is new, and then records its lineage. */
    private boolean store(String replicaId, String incarnation, Checked checked, Instant now) {
        WindowBatch.Window window = checked.window();
        List<?> inserted = entityManager.createNativeQuery("insert into drift_window (replica_id, incarnation, deployment_name,"
                + " model_name, version, window_start, window_end, rows, dropped, features, predictions, first_received_at,"
                + " received_at) values (:replica, :incarnation, :deployment, :model, :version, :start, :end, :rows, :dropped,"
                + " :features, :predictions, :now, :now)"
                + " on conflict on constraint drift_window_identity do update set model_name = excluded.model_name,"
                + " window_end = excluded.window_end, rows = excluded.rows, dropped = excluded.dropped,"
                + " features = excluded.features, predictions = excluded.predictions, received_at = excluded.received_at"
                + " where drift_window.rows <= excluded.rows"
                + " returning (xmax = 0)")
                .setParameter("replica", replicaId).setParameter("incarnation", incarnation)
                .setParameter("deployment", window.deployment()).setParameter("model", window.model())
                .setParameter("version", window.version()).setParameter("start", window.start()).setParameter("end", window.end())
                .setParameter("rows", window.rows()).setParameter("dropped", window.dropped())
                .setParameter("features", checked.features()).setParameter("predictions", checked.predictions())
                .setParameter("now", now).getResultList();
        boolean created = !inserted.isEmpty() && Boolean.TRUE.equals(inserted.get(0));
        if (created) {
            String node = LineageEdges.window(window.deployment(), window.version(), window.start());
            lineage.record(LineageEdges.modelVersion(window.model(), window.version()), node, LineageEdges.SCORED);
            lineage.record("deployment:" + window.deployment(), node, LineageEdges.SERVED);
        }
        return created;
    }
}
