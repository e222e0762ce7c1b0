/**
 * What the server serves and how it gets there: the desired state from the control plane (or a local file),
 * verified model loading, routes swapped atomically per deployment (primary, canary, shadow), draining of
 * replaced versions, and the reports sent back to the control plane.
 */
package dev.lodestar.inference.serving;
