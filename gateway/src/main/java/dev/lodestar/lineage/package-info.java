/**
 * Lineage: one graph over dataset versions, runs, model versions, approvals, deployments, prediction windows and
 * OpenLineage jobs, runs and datasets. Edges are recorded in the transactions of the changes that make them
 * ({@link dev.lodestar.lineage.LineageEdges}), read from Tribuo provenance ({@link dev.lodestar.lineage.ProvenanceLineage})
 * and from OpenLineage events ({@link dev.lodestar.lineage.OpenLineageEvents}); read over GraphQL and in the admin.
 */
package dev.lodestar.lineage;
