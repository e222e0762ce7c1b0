/** Persistent model of monitoring: monitors on deployments, the alerts they raise, webhooks and their deliveries. */
package dev.lodestar.monitoring.model;
