/** Lineage: which dataset, run, model version, approval and deployment each thing came from. */
package dev.lodestar.lineage;
