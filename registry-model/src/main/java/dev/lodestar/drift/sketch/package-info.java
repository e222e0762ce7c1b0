/**
 * Profiles: mergeable, serializable summaries of a table's columns, the same for the reference data a model version
 * was trained on (built by the gateway) and for the live data a deployment scores (built by the inference server per
 * time window).
 *
 * <p>A {@link dev.lodestar.drift.sketch.ProfileBuilder} folds rows into a {@link dev.lodestar.drift.sketch.Profile}
 * in constant memory per column: numbers go into an Apache DataSketches KLL quantiles sketch (plus exact count, mean,
 * spread, and the values themselves while there are few), text goes into exact counts while there are few distinct
 * values and into a frequent-items sketch and an HLL distinct-count sketch after. Profiles of the same columns merge
 * (sketch union), so windows add up to a period and replicas add up to a deployment, and they travel as bytes
 * ({@link dev.lodestar.drift.sketch.Profile#toBytes()}, a versioned format).
 */
package dev.lodestar.drift.sketch;
