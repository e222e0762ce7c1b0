/**
 * Monitoring of deployments: monitors (rules on a deployment's drift, live performance or volume) judged once per
 * closed window of live traffic against the drift reports, the alerts they raise (audited, in the lineage graph,
 * in GraphQL and the admin), and webhooks that hear about every alert through an outbox, signed and retried.
 */
package dev.lodestar.monitoring;
