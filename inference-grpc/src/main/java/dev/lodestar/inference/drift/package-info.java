/**
 * Live drift data of the inference server: per deployment, answering version and time window, profiles of the
 * features scored and the answers given ({@link dev.lodestar.inference.drift.LiveProfiles}, folded off the predict
 * path), the actual outcomes callers report ({@link dev.lodestar.inference.drift.FeedbackBuffer}), and their
 * shipment to the control plane ({@link dev.lodestar.inference.drift.WindowShipper}, contract 3).
 */
package dev.lodestar.inference.drift;
