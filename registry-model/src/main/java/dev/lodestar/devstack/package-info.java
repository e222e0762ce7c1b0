/**
 * The stack on one machine: a real PostgreSQL and Keycloak and the two Lodestar applications, started by
 * {@code ./lodestar up} and by the integration tests through the same classes.
 */
package dev.lodestar.devstack;
