/**
 * The stack on one machine: a real PostgreSQL and Keycloak and the two Lodestar applications, started by
 * {@code ./lodestar up}, and by the tests (the test jar's {@code TestStack}) through the same classes.
 */
package dev.lodestar.devstack;
