/**
 * The model registry: registered models, numbered versions registered from artifacts (Tribuo models inspected for
 * their signature, output and provenance), model cards, tags, aliases and promotion policies.
 */
package dev.lodestar.registry;
