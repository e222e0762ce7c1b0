/**
 * Deployments: the control plane of the inference servers. A deployment serves a registered model under a stable
 * endpoint name, following an alias or pinning a version, with an optional canary (a share of traffic) and shadow
 * (a mirrored copy whose answers are never returned). Alias moves carry the deployments following them along in
 * the same transaction. Inference servers read the desired state over REST and report what they serve; the
 * reports make up the deployments' live state.
 */
package dev.lodestar.deploy;
