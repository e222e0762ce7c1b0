/** Persistent model of training: training jobs and their log lines, and the lineage edges jobs record. */
package dev.lodestar.training.model;
