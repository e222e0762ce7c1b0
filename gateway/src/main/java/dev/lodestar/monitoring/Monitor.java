package dev.lodestar.monitoring;

import java.time.Instant;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.monitoring.model.MonitorEntity;
import dev.lodestar.monitoring.model.MonitorKind;

/** A monitor as the API shows it. */
@Type("Monitor")
@Description("A rule on a deployment, judged once on every closed window of its live traffic; a broken rule raises one"
        + " alert for that window.")
public record Monitor(
        @Id @NonNull String id,
        @NonNull String deployment,
        @NonNull MonitorKind kind,
        String feature,
        String metric,
        Double bound,
        Long minRows,
        Long maxRows,
        @Description("The end of the last window judged.") Instant checkedUntil,
        @NonNull String createdBy,
        @NonNull Instant createdAt) {

    static Monitor of(MonitorEntity entity) {
        return new Monitor(entity.id.toString(), entity.deploymentName, entity.kind, entity.feature, entity.metric, entity.bound,
                entity.minRows, entity.maxRows, entity.checkedUntil, entity.createdBy, entity.createdAt);
    }

    /** The rule in words, for messages and pages. */
    public String rule() {
        return switch (kind) {
            case DATASET_DRIFT -> "dataset drift";
            case FEATURE_DRIFT -> "drift of feature '" + feature + "'";
            case PERFORMANCE_BELOW -> metric + (Monitors.lowerIsBetter(metric) ? " above " : " below ") + bound;
            case VOLUME -> "rows per window" + (minRows == null ? "" : " at least " + minRows)
                    + (minRows != null && maxRows != null ? " and" : "") + (maxRows == null ? "" : " at most " + maxRows);
        };
    }
}
