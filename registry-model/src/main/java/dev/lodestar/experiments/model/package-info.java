/**
 * Persistent model of experiment tracking: experiments, runs, their params, tags and latest metrics.
 * Entities hold ids of related rows rather than associations, so every read of related rows is an explicit,
 * batched query.
 */
package dev.lodestar.experiments.model;
