/** Persistent model of the audit trail. */
package dev.lodestar.audit.model;
