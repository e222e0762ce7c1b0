/**
 * Drift monitoring: reference profiles of model versions (written when training registers a version, or recorded
 * for a version registered from outside), the live windows inference servers ship ({@code POST
 * /api/serving/windows}), the actual outcomes of predictions, and the reports comparing live data with the
 * reference per feature ({@link dev.lodestar.drift.DriftReports}), over GraphQL and in the admin. The statistics
 * themselves live in {@code dev.lodestar.drift.stats}; the sketches in {@code dev.lodestar.drift.sketch}.
 */
package dev.lodestar.drift;
