package dev.lodestar.monitoring;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.monitoring.model.AlertEntity;

/** An alert as the API shows it. */
@Type("Alert")
@Description("A monitor's rule broken on one window of a deployment's traffic. Raised once per monitor and window,"
        + " audited as ALERT_RAISED by the system, linked in the lineage graph from its window (RAISED).")
public record Alert(
        @Id @NonNull String id,
        @NonNull String deployment,
        @Description("The monitor's kind: DATASET_DRIFT, FEATURE_DRIFT, PERFORMANCE_BELOW or VOLUME.") @NonNull String kind,
        @NonNull String message,
        @Description("When it was raised.") @NonNull Instant at,
        @Description("The monitor, or null once it was deleted.") @Id String monitorId,
        @NonNull String model,
        @Description("The version serving the deployment at the window's end.") Integer version,
        @NonNull Instant windowStart,
        @NonNull Instant windowEnd,
        @Description("The window's drift report, as JSON.") String report) {

    static Alert of(AlertEntity entity, String model) {
        return new Alert(entity.id.toString(), entity.deploymentName, entity.kind, entity.message, entity.at,
                entity.monitorId == null ? null : entity.monitorId.toString(), model, entity.modelVersion, entity.windowStart,
                entity.windowEnd, entity.report);
    }
}
