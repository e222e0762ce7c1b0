/**
 * Persistent model of deployments: the desired state of the inference servers (which version of which model
 * each endpoint serves, with canary and shadow), every change to it, and what each inference replica last
 * reported serving.
 */
package dev.lodestar.deploy.model;
