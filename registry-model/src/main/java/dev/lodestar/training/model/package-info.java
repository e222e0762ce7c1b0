/** Persistent model of training: training jobs and their log lines. */
package dev.lodestar.training.model;
