/**
 * The inference server: the data plane that scores deployed models over gRPC, authenticating callers by
 * Keycloak bearer tokens.
 */
package dev.lodestar.inference;
