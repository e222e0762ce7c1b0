/**
 * Drift statistics: compares a reference {@link dev.lodestar.drift.sketch.Profile} with a current one, feature by
 * feature, choosing each feature's test as Evidently does by default (Kolmogorov-Smirnov, chi-squared or a
 * two-proportion z-test for small references; normalised Wasserstein or Jensen-Shannon distance for large ones),
 * always reporting PSI, and deciding dataset drift from the share of drifted features. Everything is computed from
 * the profiles' summaries, so a report costs the same whether a window held ten rows or ten million.
 *
 * <p>{@link dev.lodestar.drift.stats.DriftCalculator} is the entry point; {@link dev.lodestar.drift.stats.DriftStatistics}
 * holds the individual statistics.
 */
package dev.lodestar.drift.stats;
