package dev.lodestar.drift;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.lodestar.deploy.Deployment;
import dev.lodestar.deploy.Deployments;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's drift pages: every deployment with the drift of its latest window, and one deployment's report over
 * a chosen period (the last hour by default): the per-feature tests with reference-vs-live histograms, prediction
 * drift, live performance next to training, and the timeline of drift per window. Read only.
 */
@Path("/admin/drift")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class DriftPages {

    /** The periods offered, by their query value. */
    static final Map<String, Duration> RANGES = ranges();

    private final Deployments deployments;
    private final DriftReports reports;
    private final DriftSettingsService settings;

    DriftPages(Deployments deployments, DriftReports reports, DriftSettingsService settings) {
        this.deployments = deployments;
        this.reports = reports;
        this.settings = settings;
    }

    @CheckedTemplate(basePath = "drift")
    static class Templates {
        static native TemplateInstance deployments(DriftOverview page);

        static native TemplateInstance deployment(DriftDetails page);
    }

    /** Every deployment with its latest window's drift (null before any traffic). */
    public record DriftOverview(List<Row> rows) {
    }

    /** A deployment and the drift of its latest window. */
    public record Row(Deployment deployment, DriftPoint latest) {
    }

    /**
     * One deployment's report.
     *
     * @param report     the report
     * @param features   each feature's comparison with its chart
     * @param prediction the prediction drift with its chart, or null
     * @param timeline   the drift per window
     * @param points     how many windows the timeline has
     * @param range      the period chosen ({@code 1h}), or empty for explicit from and to
     * @param ranges     the periods offered
     */
    public record DriftDetails(DriftReport report, List<FeatureView> features, FeatureView prediction, DriftTimelineChart timeline,
            int points, String range, List<String> ranges) {
    }

    /** A feature's comparison and its histogram. */
    public record FeatureView(FeatureDrift drift, DriftHistogramChart chart) {
    }

    @GET
    public TemplateInstance list() {
        List<Deployment> all = deployments.toApi(deployments.all());
        Map<String, DriftPoint> latest = reports.latest(all.stream().map(Deployment::name).toList());
        return Templates.deployments(new DriftOverview(all.stream().map(d -> new Row(d, latest.get(d.name()))).toList()));
    }

    @GET
    @Path("/{deployment}")
    public TemplateInstance deployment(@PathParam("deployment") String deployment, @QueryParam("range") String range,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        Instant end;
        Instant start;
        String chosen = "";
        if (from != null && !from.isBlank() && to != null && !to.isBlank()) {
            start = instant("from", from);
            end = instant("to", to);
        } else {
            chosen = range == null || range.isBlank() ? "1h" : range;
            Duration length = RANGES.get(chosen);
            if (length == null) {
                throw ApiException.invalid("range must be one of " + RANGES.keySet() + ", got '" + chosen + "'");
            }
            end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            start = end.minus(length);
        }
        DriftReport report;
        try {
            report = reports.report(deployment, start, end);
        } catch (ApiException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw new NotFoundException();
            }
            throw e;
        }
        List<DriftPoint> points = reports.timeline(deployment, start, end);
        double share = settings.get(report.model()).driftShare();
        List<FeatureView> features = report.features().stream().map(f -> new FeatureView(f, DriftHistogramChart.of(f))).toList();
        FeatureView prediction = report.predictionDrift() == null ? null
                : new FeatureView(report.predictionDrift(), DriftHistogramChart.of(report.predictionDrift()));
        return Templates.deployment(new DriftDetails(report, features, prediction, DriftTimelineChart.of(points, start, end, share),
                points.size(), chosen, List.copyOf(RANGES.keySet())));
    }

    private static Instant instant(String name, String text) {
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.invalid(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, got '" + text + "'");
        }
    }

    private static Map<String, Duration> ranges() {
        Map<String, Duration> ranges = new LinkedHashMap<>();
        ranges.put("15m", Duration.ofMinutes(15));
        ranges.put("1h", Duration.ofHours(1));
        ranges.put("6h", Duration.ofHours(6));
        ranges.put("24h", Duration.ofHours(24));
        ranges.put("7d", Duration.ofDays(7));
        return ranges;
    }
}
