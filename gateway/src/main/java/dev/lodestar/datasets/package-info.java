/**
 * Datasets: numbered versions of named tables registered from CSV uploads. An upload is parsed (RFC 4180, strict
 * UTF-8), typed and profiled while it streams into the artifact store; a malformed file is refused with its line
 * and column and leaves nothing behind. Training reads versions back through {@link dev.lodestar.datasets.DatasetTables}.
 */
package dev.lodestar.datasets;
