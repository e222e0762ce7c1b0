/**
 * The closed loop: a retraining policy per model starts a training job with the spec of the job behind the
 * version at an alias (default {@code champion}), on the newest version of its dataset, when an alert is raised on
 * one of the model's deployments, on a schedule or when a new dataset version is registered; once the new version
 * is READY, it opens a promotion request to the alias, requested by the system, with the drift report as
 * evidence, so nothing reaches the alias without the approvals the model's policy demands.
 */
package dev.lodestar.retraining;
