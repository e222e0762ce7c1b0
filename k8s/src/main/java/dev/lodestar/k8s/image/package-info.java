/**
 * Container images of the gateway and the inference server, built without a container engine: a linked Java
 * runtime, the host libraries native code needs and the application, written as an OCI layout that is also a
 * {@code docker save} archive ({@link dev.lodestar.k8s.image.ImageBuild}).
 */
package dev.lodestar.k8s.image;
