/** Authentication of inference callers by Keycloak bearer tokens, verified locally against cached keys. */
package dev.lodestar.inference.auth;
