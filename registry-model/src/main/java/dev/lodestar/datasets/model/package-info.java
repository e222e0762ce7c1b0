/** Persistent model of datasets: numbered versions of named tables registered from stored CSV files. */
package dev.lodestar.datasets.model;
