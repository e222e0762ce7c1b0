/**
 * Scoring rows with Tribuo models, fast: rows read by name into the model's column order ({@link
 * dev.lodestar.inference.scoring.RowReader}) and models compiled once into immutable, thread-safe scorers ({@link
 * dev.lodestar.inference.scoring.CompiledModel}) that give the same answers as Tribuo's own {@code predict}.
 */
package dev.lodestar.inference.scoring;
