/** Persistent model of stored files: artifacts and the files runs logged. */
package dev.lodestar.artifacts.model;
