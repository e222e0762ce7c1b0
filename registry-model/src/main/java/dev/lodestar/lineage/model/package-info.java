/** Persistent model of lineage: the edges between datasets, runs, model versions, approvals and deployments. */
package dev.lodestar.lineage.model;
