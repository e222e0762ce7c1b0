package dev.lodestar.drift;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;
import static dev.lodestar.identity.Roles.PREDICTOR;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Mutation;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;

/**
 * Drift over GraphQL: reports, timelines, reference profiles and settings for every Lodestar role that reads;
 * settings and reference profiles changed by data scientists and admins; outcomes reported by data scientists,
 * predictors (the clients that asked for the predictions) and admins.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class DriftGraphQL {

    private final DriftReports reports;
    private final Feedback feedback;
    private final DriftSettingsService settings;
    private final ReferenceProfiles references;

    DriftGraphQL(DriftReports reports, Feedback feedback, DriftSettingsService settings, ReferenceProfiles references) {
        this.reports = reports;
        this.feedback = feedback;
        this.settings = settings;
        this.references = references;
    }

    @Query
    @Description("How the deployment's live inputs and predictions in [from, to) compare with the reference profile of the"
            + " version serving it at 'to': one test per input column (chosen as Evidently does, overridable per model), PSI,"
            + " dataset drift when at least the model's drift share of features drifted, prediction drift, and live"
            + " performance from reported outcomes next to the training evaluation. NOT_FOUND for an unknown deployment;"
            + " a period without traffic reports rows 0 and no drift.")
    public @NonNull DriftReport driftReport(@Name("deployment") @NonNull String deployment, @Name("from") @NonNull Instant from,
            @Name("to") @NonNull Instant to) {
        return reports.report(deployment, from, to);
    }

    @Query
    @Description("One point per window of the deployment overlapping [from, to), oldest first: rows, drift share, dataset"
            + " drift, the drifted features and live performance.")
    public @NonNull List<@NonNull DriftPoint> driftTimeline(@Name("deployment") @NonNull String deployment,
            @Name("from") @NonNull Instant from, @Name("to") @NonNull Instant to) {
        return reports.timeline(deployment, from, to);
    }

    @Query
    @Description("The reference profile of a model version, or null if it has none.")
    public ReferenceProfile referenceProfile(@Name("model") @NonNull String model, @Name("version") int version) {
        return reports.reference(model, version);
    }

    @Query
    @Description("The drift tests and thresholds of a model (the defaults until set).")
    public @NonNull ModelDriftSettings driftSettings(@Name("model") @NonNull String model) {
        return settings.get(model);
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, PREDICTOR, ADMIN })
    @Description("Reports the actual outcomes of predictions by their ids: the true label, or the true value as a decimal"
            + " number for a regression answer. A prediction keeps the first outcome reported. INVALID_ARGUMENT naming the"
            + " first bad outcome, and nothing stored.")
    public @NonNull FeedbackResult logFeedback(@Name("outcomes") @NonNull List<@NonNull OutcomeInput> outcomes) {
        return feedback.log(outcomes);
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Replaces a model's drift settings; fields left out take their defaults.")
    public @NonNull ModelDriftSettings setDriftSettings(@Name("model") @NonNull String model,
            @Name("settings") @NonNull DriftSettingsInput input) {
        return settings.set(model, input);
    }

    @Mutation
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Description("Records the reference profile of a version registered from outside Lodestar's training, from a dataset"
            + " version holding its input columns: the columns' distributions over every row, and the model's predictions"
            + " over rows spread evenly through the dataset. Replaces an earlier reference.")
    public @NonNull ReferenceProfile recordReferenceProfile(@Name("model") @NonNull String model, @Name("version") int version,
            @Name("datasetId") @Id @NonNull String datasetId) {
        return references.record(model, version, datasetId);
    }
}
