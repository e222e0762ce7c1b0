package dev.lodestar.drift;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import dev.lodestar.artifacts.ArtifactStore;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.datasets.DatasetService;
import dev.lodestar.datasets.DatasetTable;
import dev.lodestar.datasets.DatasetTables;
import dev.lodestar.deploy.Deployments;
import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.sketch.ProfileBuilder;
import dev.lodestar.drift.sketch.ProfileColumn;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.registry.ModelRegistry;
import dev.lodestar.registry.model.ModelVersionEntity;
import dev.lodestar.registry.model.RegisteredModelEntity;
import dev.lodestar.tribuo.InputSchema;
import dev.lodestar.tribuo.TribuoModels;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Reference profiles: what a version's live data is compared with. The features profile holds the dataset's rows
 * restricted to the version's input columns ({@link InputSchema}), raw values as clients send them, missing ones
 * counted; the predictions profile holds the model's answers (a TEXT column {@code prediction} of labels for
 * classification, a NUMBER column for regression). A training job writes both in its final transaction, the
 * predictions over its holdout rows; {@link #record} makes them for a version registered from outside, predicting
 * at most {@link DriftConfig#referencePredictionRows()} rows evenly spaced over the dataset.
 */
@ApplicationScoped
public class ReferenceProfiles {

    /** The column of a predictions profile. */
    public static final String PREDICTION = "prediction";

    private final EntityManager entityManager;
    private final ModelRegistry registry;
    private final DatasetService datasets;
    private final DatasetTables tables;
    private final ArtifactStore store;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final DriftReports reports;
    private final DriftConfig config;

    ReferenceProfiles(EntityManager entityManager, ModelRegistry registry, DatasetService datasets, DatasetTables tables,
            ArtifactStore store, AuditLog audit, CurrentActor actor, DriftReports reports, DriftConfig config) {
        this.entityManager = entityManager;
        this.registry = registry;
        this.datasets = datasets;
        this.tables = tables;
        this.store = store;
        this.audit = audit;
        this.actor = actor;
        this.reports = reports;
        this.config = config;
    }

    /** Where a reference profile came from. */
    public enum Source {
        /** The training job that produced the version. */
        TRAINING,
        /** {@code recordReferenceProfile}, for a version registered from outside. */
        RECORDED
    }

    /**
     * The profile of a dataset's rows over a model's input columns.
     *
     * @throws ApiException INVALID_ARGUMENT when the dataset lacks an input column or holds it with another type
     */
    public static Profile features(InputSchema schema, DatasetTable table) {
        List<ProfileColumn> columns = new ArrayList<>(schema.columns().size());
        int[] source = new int[schema.columns().size()];
        List<String> absent = new ArrayList<>();
        for (int i = 0; i < source.length; i++) {
            InputSchema.Column column = schema.columns().get(i);
            source[i] = table.columnIndex(column.name());
            if (source[i] < 0) {
                absent.add(column.name());
            } else if (table.types().get(source[i]) != column.type()) {
                throw ApiException.invalid("column '" + column.name() + "' is " + column.type() + " for the model but "
                        + table.types().get(source[i]) + " in dataset " + table.version().id);
            }
            columns.add(new ProfileColumn(column.name(), kind(column.type())));
        }
        if (!absent.isEmpty()) {
            throw ApiException.invalid("dataset " + table.version().id + " has no column " + String.join(", ", absent)
                    + " of the model's inputs " + schema.names());
        }
        ProfileBuilder builder = new ProfileBuilder(columns);
        for (Object[] row : table.rows()) {
            for (int i = 0; i < source.length; i++) {
                Object cell = row[source[i]];
                if (cell == null) {
                    builder.missing(i);
                } else if (cell instanceof Double number) {
                    builder.number(i, number);
                } else {
                    builder.text(i, (String) cell);
                }
            }
            builder.endRow();
        }
        return builder.build();
    }

    /** The profile of a model's answers: labels as TEXT, the first regression dimension as NUMBER. */
    public static <T extends Output<T>> Profile predictions(List<Prediction<T>> predictions, boolean labels) {
        ProfileBuilder builder = new ProfileBuilder(List.of(new ProfileColumn(PREDICTION, labels ? ColumnKind.TEXT : ColumnKind.NUMBER)));
        for (Prediction<T> prediction : predictions) {
            Output<?> output = prediction.getOutput();
            if (output instanceof Label label) {
                builder.text(0, label.getLabel());
            } else if (output instanceof Regressor regressor) {
                builder.number(0, regressor.getValues()[0]);
            } else {
                builder.missing(0);
            }
            builder.endRow();
        }
        return builder.build();
    }

    /**
     * Stores a version's reference profile in the caller's transaction, replacing an earlier one, and records it in
     * the audit trail (as the system for {@link Source#TRAINING}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void store(RegisteredModelEntity model, int version, UUID datasetId, Profile features, Profile predictions, Source source,
            String createdBy) {
        Instant now = Instant.now();
        entityManager.createNativeQuery("insert into reference_profile (model_id, version, dataset_id, rows, prediction_rows,"
                + " features, predictions, source, created_by, created_at) values (:m, :v, :d, :rows, :predictionRows, :features,"
                + " :predictions, :source, :by, :at) on conflict (model_id, version) do update set dataset_id = excluded.dataset_id,"
                + " rows = excluded.rows, prediction_rows = excluded.prediction_rows, features = excluded.features,"
                + " predictions = excluded.predictions, source = excluded.source, created_by = excluded.created_by,"
                + " created_at = excluded.created_at")
                .setParameter("m", model.id).setParameter("v", version).setParameter("d", datasetId)
                .setParameter("rows", features.rows()).setParameter("predictionRows", predictions.rows())
                .setParameter("features", features.toBytes()).setParameter("predictions", predictions.toBytes())
                .setParameter("source", source.name()).setParameter("by", createdBy).setParameter("at", now).executeUpdate();
        Object after = AuditLog.fields("dataset", datasetId == null ? null : datasetId.toString(), "rows", features.rows(),
                "predictionRows", predictions.rows(), "columns", features.columns().stream().map(ProfileColumn::name).toList(),
                "source", source.name());
        if (source == Source.TRAINING) {
            audit.recordAsSystem(AuditAction.REFERENCE_PROFILE_RECORDED, ModelRegistry.versionId(model, version), null, after, null);
        } else {
            audit.record(AuditAction.REFERENCE_PROFILE_RECORDED, ModelRegistry.versionId(model, version), null, after);
        }
    }

    /**
     * Makes and stores the reference profile of a version registered from outside, from a dataset version: the
     * dataset is read and predicted outside any transaction, the profile stored and audited in one.
     *
     * @throws ApiException NOT_FOUND for an unknown model, version or dataset; CONFLICT for a version that is not a
     *                      READY Tribuo model; INVALID_ARGUMENT when the dataset lacks the model's input columns
     */
    public ReferenceProfile record(String modelName, int number, String datasetId) {
        RegisteredModelEntity model = registry.get(modelName);
        ModelVersionEntity version = registry.getVersion(model, number);
        if (!Deployments.isDeployable(version)) {
            throw ApiException.conflict("version " + number + " of '" + model.name + "' is " + version.status + " of format "
                    + version.format + "; a reference profile needs a READY Tribuo model");
        }
        UUID dataset = datasets.get(datasetId).id;
        ArtifactEntity artifact = QuarkusTransaction.requiringNew().call(() -> entityManager.find(ArtifactEntity.class, version.artifactId));
        Model<?> trained;
        try (InputStream content = store.open(artifact.sha256)) {
            trained = TribuoModels.read(content);
        } catch (IOException | TribuoModels.NotTribuo | TribuoModels.Unreadable e) {
            throw new ApiException(ErrorCode.INTERNAL, "version " + number + " of '" + model.name + "' cannot be read back: "
                    + e.getMessage());
        }
        InputSchema schema = InputSchema.of(trained);
        DatasetTable table = QuarkusTransaction.requiringNew().call(() -> tables.load(dataset));
        Profile features = features(schema, table);
        Profile predictions = predictSample(trained, schema, table);
        String by = actor.get().name();
        QuarkusTransaction.requiringNew().run(() -> store(registry.lockedForChange(model.name), number, dataset, features, predictions,
                Source.RECORDED, by));
        return reports.reference(model.name, number);
    }

    /** Predicts evenly spaced rows of the table; rows the model cannot encode (a missing number without fill) are skipped. */
    private Profile predictSample(Model<?> model, InputSchema schema, DatasetTable table) {
        boolean labels = "LABEL".equals(TribuoModels.describe(model).output().kind());
        int[] source = schema.columns().stream().mapToInt(c -> table.columnIndex(c.name())).toArray();
        int total = table.rows().size();
        int wanted = Math.min(total, Math.max(1, config.referencePredictionRows()));
        ProfileBuilder builder = new ProfileBuilder(List.of(new ProfileColumn(PREDICTION, labels ? ColumnKind.TEXT : ColumnKind.NUMBER)));
        for (int k = 0; k < wanted; k++) {
            Object[] row = table.rows().get((int) ((long) k * total / wanted));
            Object[] cells = new Object[source.length];
            for (int i = 0; i < source.length; i++) {
                cells[i] = row[source[i]];
            }
            List<org.tribuo.Feature> encoded;
            try {
                encoded = schema.encode(cells);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (encoded.isEmpty()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Prediction<?> prediction = labels ? predictOne((Model<Label>) model, LabelFactory.UNKNOWN_LABEL, encoded)
                    : predictOne((Model<Regressor>) model, RegressionFactory.UNKNOWN_REGRESSOR, encoded);
            Output<?> output = prediction.getOutput();
            if (output instanceof Label label) {
                builder.text(0, label.getLabel());
            } else if (output instanceof Regressor regressor) {
                builder.number(0, regressor.getValues()[0]);
            } else {
                builder.missing(0);
            }
            builder.endRow();
        }
        return builder.build();
    }

    private static <T extends Output<T>> Prediction<T> predictOne(Model<T> model, T unknown, List<org.tribuo.Feature> features) {
        return model.predict(new ArrayExample<>(unknown, features));
    }

    private static ColumnKind kind(InputSchema.ColumnType type) {
        return type == InputSchema.ColumnType.NUMBER ? ColumnKind.NUMBER : ColumnKind.TEXT;
    }
}
