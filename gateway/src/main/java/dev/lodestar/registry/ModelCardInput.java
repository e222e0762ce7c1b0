package dev.lodestar.registry;

import org.eclipse.microprofile.graphql.Input;

/** A model card to set; a null section clears it. */
@Input("ModelCardInput")
public record ModelCardInput(String intendedUse, String trainingData, String evaluation, String limitations) {
}
