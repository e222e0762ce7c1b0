package dev.lodestar.registry;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Type;

/** A model card: markdown sections describing a version for the people who decide on it and use it. */
@Type("ModelCard")
@Description("Markdown sections describing a version: intended use, training data, evaluation, limitations.")
public record ModelCard(String intendedUse, String trainingData, String evaluation, String limitations) {
}
