package dev.lodestar.drift;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
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
        Map<String, DriftSettings.FeatureOverride> overrides = new LinkedHashMap<>();
        for (DriftSettingsInput.FeatureTestInput feature : input.features() == null ? List.<DriftSettingsInput.FeatureTestInput>of()
                : input.features()) {
            if (feature.feature() == null || feature.feature().isBlank()) {
                throw ApiException.invalid("every feature setting needs a feature name");
            }
            if (overrides.containsKey(feature.feature())) {
                throw ApiException.invalid("feature '" + feature.feature() + "' is named twice");
            }
            DriftTest test = null;
            try {
                if (feature.test() != null) {
                    test = DriftTest.valueOf(feature.test());
                }
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("feature '" + feature.feature() + "': unknown test '" + feature.test() + "'; one of "
                        + List.of(DriftTest.values()));
            }
            overrides.put(feature.feature(), new DriftSettings.FeatureOverride(test, feature.threshold()));
        }
        try {
            return new DriftSettings(overrides, input.smallSampleRows() == null ? null : input.smallSampleRows().longValue(),
                    input.pValue(), input.wassersteinThreshold(), input.jensenShannonThreshold(), input.psiThreshold(),
                    input.driftShare());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }

    private ModelDriftSettings view(RegisteredModelEntity model, DriftSettings settings) {
        List<ModelDriftSettings.FeatureTest> features = new ArrayList<>();
        new java.util.TreeMap<>(settings.overrides()).forEach((feature, override) -> features.add(new ModelDriftSettings.FeatureTest(
                feature, override.test() == null ? null : override.test().name(), override.threshold())));
        @SuppressWarnings("unchecked")
        List<Object[]> stored = entityManager.createNativeQuery("select updated_by, updated_at from drift_settings where model_id = :m")
                .setParameter("m", model.id).getResultList();
        return new ModelDriftSettings(model.name, !stored.isEmpty(), Performance.clamp(settings.smallSampleRows()), settings.pValue(),
                settings.wassersteinThreshold(), settings.jensenShannonThreshold(), settings.psiThreshold(), settings.driftShare(),
                features, stored.isEmpty() ? null : (String) stored.get(0)[0],
                stored.isEmpty() ? null : DriftStore.instant(stored.get(0)[1]));
    }
}
