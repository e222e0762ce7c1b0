package dev.lodestar.identity;

/**
 * The realm roles Lodestar knows, in one place. Every GraphQL operation and admin page names the roles it
 * admits with these constants; whatever names none is denied.
 */
public final class Roles {

    /** Creates experiments and runs, logs metrics, registers models, requests promotions. */
    public static final String DATA_SCIENTIST = "data-scientist";
    /** Approves or rejects promotions requested by others. */
    public static final String APPROVER = "approver";
    /** Reads everything, the audit trail included; changes nothing. */
    public static final String AUDITOR = "auditor";
    /** Manages users' roles. */
    public static final String ADMIN = "admin";
    /** Calls the inference data plane. */
    public static final String PREDICTOR = "predictor";
    /** An inference server: reads the desired deployments and their artifacts, reports what it serves. */
    public static final String INFERENCE_SERVER = "inference-server";
    /** Sends OpenLineage events (a pipeline's integration: Airflow, Spark, dbt). */
    public static final String LINEAGE_PRODUCER = "lineage-producer";

    private Roles() {
    }
}
