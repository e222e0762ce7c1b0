/**
 * Training as a pipeline job: {@code trainModel} validates a request and queues a job; the gateways' training
 * workers share queued jobs through {@code FOR UPDATE SKIP LOCKED} and leases, load the dataset version, encode it
 * into Tribuo features following the input schema, train, evaluate on a holdout, apply the evaluation gates and
 * register the model version, writing run, artifact, version, lineage and outcome in one transaction. Also the
 * jobs' GraphQL API and admin pages.
 */
package dev.lodestar.training;
