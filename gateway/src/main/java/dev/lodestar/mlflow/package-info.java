/**
 * MLflow compatibility: the MLflow REST API 2.0 ({@code /api/2.0/mlflow/...}) for experiments, runs, metric
 * histories, registered models, model versions and aliases, so existing MLflow clients work against Lodestar
 * unchanged. The resources only translate: every call goes through the same services as GraphQL, so the same
 * rules, roles and audit apply. Refusals use MLflow's JSON ({@code error_code}, {@code message}) and HTTP statuses.
 * Stages are mapped onto aliases ({@link dev.lodestar.mlflow.MlflowStages}).
 */
package dev.lodestar.mlflow;
