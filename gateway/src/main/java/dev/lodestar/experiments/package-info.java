/**
 * Experiment tracking: experiments, runs, params, tags and metrics; their GraphQL API, the services that own
 * the rules (and the audit of every change), the {@code searchRuns} filter language, and the admin's pages.
 */
package dev.lodestar.experiments;
