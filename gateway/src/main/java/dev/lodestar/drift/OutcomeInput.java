package dev.lodestar.drift;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/**
 * The actual outcome of one prediction.
 *
 * @param predictionId the id the prediction answered with
 * @param actual       the true label (classification) or the true value as a decimal number (regression)
 */
@Input("OutcomeInput")
@Description("The actual outcome of a prediction: the true label, or the true value as a decimal number.")
public record OutcomeInput(@NonNull String predictionId, @NonNull String actual) {
}
