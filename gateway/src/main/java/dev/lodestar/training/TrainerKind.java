package dev.lodestar.training;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Enum;

/** The Tribuo trainers a job may use. */
@Enum("TrainerKind")
@Description("The Tribuo trainer: LOGISTIC_REGRESSION (classification), LINEAR_SGD (both tasks), CART (both),"
        + " RANDOM_FOREST (an ensemble of CART trees, both) or XGBOOST (both). See trainerParams for each one's params.")
public enum TrainerKind {
    LOGISTIC_REGRESSION, LINEAR_SGD, CART, RANDOM_FOREST, XGBOOST
}
