/** Persistent model of the model registry: registered models, their versions, tags and aliases. */
package dev.lodestar.registry.model;
