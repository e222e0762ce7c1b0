package dev.lodestar.drift;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.drift.stats.DriftSettings;
import dev.lodestar.drift.stats.DriftTest;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.model.RegisteredModelEntity;

/**
 * Each model's drift settings: {@link DriftSettings#DEFAULTS} until someone sets them, stored as the settings'
 * JSON. Setting them replaces them whole, audited with before and after in the same transaction.
 */
@ApplicationScoped
@Transactional
public class DriftSettingsService {

    private final EntityManager entityManager;
    private final DriftStore store;
    private final ModelRegistry registry;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ObjectMapper json;

    DriftSettingsService(EntityManager entityManager, DriftStore store, ModelRegistry registry, AuditLog audit, CurrentActor actor,
            ObjectMapper json) {
        this.entityManager = entityManager;
        this.store = store;
        this.registry = registry;
        this.audit = audit;
        this.actor = actor;
        this.json = json;
    }

    /** The settings of a model by id; the defaults when none are stored. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DriftSettings forModel(long modelId) {
        String stored = store.settings(modelId);
        if (stored == null) {
            return DriftSettings.DEFAULTS;
        }
        try {
            return json.readValue(stored, DriftSettings.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored drift settings of model " + modelId + " are not valid", e);
        }
    }

    /** The settings of a model by name; NOT_FOUND for an unknown model. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ModelDriftSettings get(String modelName) {
        RegisteredModelEntity model = registry.get(modelName);
        return view(model, forModel(model.id));
    }

    /**
     * Replaces a model's settings.
     *
     * @throws ApiException NOT_FOUND for an unknown model; INVALID_ARGUMENT for a value out of range, an unknown
     *                      test or a feature named twice
     */
    public ModelDriftSettings set(String modelName, DriftSettingsInput input) {
        if (input == null) {
            throw ApiException.invalid("settings are required");
        }
        RegisteredModelEntity model = registry.lockedForChange(modelName);
        DriftSettings before = forModel(model.id);
        boolean hadCustom = store.settings(model.id) != null;
        DriftSettings after = settings(input);
        String text;
        try {
            text = json.writeValueAsString(after);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write drift settings", e);
        }
        String by = actor.get().name();
        Instant now = Instant.now();
        entityManager.createNativeQuery("insert into drift_settings (model_id, settings, updated_by, updated_at)"
                + " values (:m, cast(:s as jsonb), :by, :at) on conflict (model_id) do update set settings = excluded.settings,"
                + " updated_by = excluded.updated_by, updated_at = excluded.updated_at")
                .setParameter("m", model.id).setParameter("s", text).setParameter("by", by).setParameter("at", now).executeUpdate();
        audit.record(AuditAction.DRIFT_SETTINGS_CHANGED, model.name, hadCustom ? json.valueToTree(before) : null,
                json.valueToTree(after));
        return view(model, after);
    }

    /** Checks an input and builds the settings it describes. */
    DriftSettings settings(DriftSettingsInput input) {
        JsonNode defaults = json.valueToTree(DriftSettings.DEFAULTS);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("smallSampleRows", input.smallSampleRows() == null ? defaults.get("smallSampleRows").asInt() : input.smallSampleRows());
        fields.put("pValue", probability("pValue", input.pValue(), defaults));
        fields.put("wassersteinThreshold", positive("wassersteinThreshold", input.wassersteinThreshold(), defaults));
        fields.put("jensenShannonThreshold", positive("jensenShannonThreshold", input.jensenShannonThreshold(), defaults));
        fields.put("psiThreshold", positive("psiThreshold", input.psiThreshold(), defaults));
        fields.put("driftShare", probability("driftShare", input.driftShare(), defaults));
        if ((int) fields.get("smallSampleRows") < 0) {
            throw ApiException.invalid("smallSampleRows must not be negative");
        }
        Map<String, Object> features = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (DriftSettingsInput.FeatureTestInput feature : input.features() == null ? List.<DriftSettingsInput.FeatureTestInput>of()
                : input.features()) {
            if (feature.feature() == null || feature.feature().isBlank()) {
                throw ApiException.invalid("every feature setting needs a feature name");
            }
            if (!seen.add(feature.feature())) {
                throw ApiException.invalid("feature '" + feature.feature() + "' is named twice");
            }
            DriftTest test;
            try {
                test = DriftTest.valueOf(feature.test());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ApiException.invalid("feature '" + feature.feature() + "': unknown test '" + feature.test() + "'; one of "
                        + List.of(DriftTest.values()));
            }
            Double threshold = feature.threshold();
            if (threshold != null && (!(threshold > 0) || !Double.isFinite(threshold)
                    || (isHypothesis(test) && threshold >= 1))) {
                throw ApiException.invalid("feature '" + feature.feature() + "': threshold " + threshold + " is out of range for "
                        + test + (isHypothesis(test) ? " (a p-value between 0 and 1)" : " (a positive distance)"));
            }
            Map<String, Object> override = new LinkedHashMap<>();
            override.put("test", test.name());
            override.put("threshold", threshold);
            features.put(feature.feature(), override);
        }
        fields.put("features", features);
        return json.convertValue(fields, DriftSettings.class);
    }

    private ModelDriftSettings view(RegisteredModelEntity model, DriftSettings settings) {
        JsonNode tree = json.valueToTree(settings);
        List<ModelDriftSettings.FeatureTest> features = new ArrayList<>();
        tree.path("features").fields().forEachRemaining(e -> features.add(new ModelDriftSettings.FeatureTest(e.getKey(),
                e.getValue().path("test").asText(), e.getValue().path("threshold").isNumber() ? e.getValue().path("threshold").asDouble() : null)));
        @SuppressWarnings("unchecked")
        List<Object[]> stored = entityManager.createNativeQuery("select updated_by, updated_at from drift_settings where model_id = :m")
                .setParameter("m", model.id).getResultList();
        return new ModelDriftSettings(model.name, !stored.isEmpty(), tree.path("smallSampleRows").asInt(), tree.path("pValue").asDouble(),
                tree.path("wassersteinThreshold").asDouble(), tree.path("jensenShannonThreshold").asDouble(),
                tree.path("psiThreshold").asDouble(), tree.path("driftShare").asDouble(), features,
                stored.isEmpty() ? null : (String) stored.get(0)[0], stored.isEmpty() ? null : DriftStore.instant(stored.get(0)[1]));
    }

    private static boolean isHypothesis(DriftTest test) {
        return test == DriftTest.KS || test == DriftTest.CHI_SQUARED || test == DriftTest.Z_TEST;
    }

    private static double probability(String name, Double value, JsonNode defaults) {
        if (value == null) {
            return defaults.get(name).asDouble();
        }
        if (!(value > 0 && value <= 1)) {
            throw ApiException.invalid(name + " must be above 0 and at most 1, got " + value);
        }
        return value;
    }

    private static double positive(String name, Double value, JsonNode defaults) {
        if (value == null) {
            return defaults.get(name).asDouble();
        }
        if (!(value > 0) || !Double.isFinite(value)) {
            throw ApiException.invalid(name + " must be a positive number, got " + value);
        }
        return value;
    }
}
