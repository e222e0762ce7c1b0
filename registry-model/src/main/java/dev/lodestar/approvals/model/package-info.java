/** Persistent model of promotions: requests to move a protected alias, and the approvals they collect. */
package dev.lodestar.approvals.model;
