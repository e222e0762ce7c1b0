/** Persistent model of the closed loop: retraining policies per model and the retrainings they started. */
package dev.lodestar.retraining.model;
