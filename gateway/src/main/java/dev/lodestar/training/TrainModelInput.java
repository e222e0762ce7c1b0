package dev.lodestar.training;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

import dev.lodestar.experiments.ParamInput;
import io.smallrye.graphql.api.Nullable;

/** What to train, as a client asks for it; checked by {@link TrainingJobs#submit}. */
@Input("TrainModelInput")
@Description("What to train: a dataset version, its target column and task, a trainer with its params, the holdout"
        + " split, the registered model the result becomes a version of, and the evaluation gates.")
public record TrainModelInput(
        @Description("The experiment the job's run is created in.") @Id @NonNull String experimentId,
        @Description("The dataset version to train on.") @Id @NonNull String datasetId,
        @Description("The column to predict; every other column is an input.") @NonNull String target,
        @NonNull Task task,
        @NonNull TrainerKind trainer,
        @Description("Trainer params (see trainerParams; unknown ones are refused), and 'missing': 'impute' (default:"
                + " a missing NUMBER takes the training mean, recorded as the column's fill; a missing TEXT is no"
                + " category; rows without a target are left out) or 'refuse' (the job fails naming the first line"
                + " and column with a missing value).") @Nullable List<@NonNull ParamInput> params,
        @Description("Share of rows held out for evaluation, strictly between 0 and 1; default 0.2.") Double holdoutFraction,
        @Description("Seed of the holdout split and, unless params set 'seed', of the trainer; default 1.") Integer seed,
        @Description("The registered model the trained model becomes the next version of (created if missing).") @NonNull String registerAs,
        @Description("Evaluation gates, metric name to threshold: a minimum, except for rmse and mae where it is a"
                + " maximum. A model that misses one is recorded as a FAILED_REGISTRATION version with the reason, and"
                + " the job FAILS.") @Nullable List<@NonNull ParamInput> minMetrics) {
}
