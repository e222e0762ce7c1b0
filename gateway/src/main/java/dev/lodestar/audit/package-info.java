/** The audit trail: every state change, recorded in the transaction of the change. */
package dev.lodestar.audit;
