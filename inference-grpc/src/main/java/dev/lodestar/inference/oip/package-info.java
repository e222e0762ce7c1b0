/**
 * The KServe Open Inference Protocol v2 over gRPC ({@code inference.GRPCInferenceService}), served from the same
 * deployments as Lodestar's own API: an OIP model name is a deployment name.
 */
package dev.lodestar.inference.oip;
