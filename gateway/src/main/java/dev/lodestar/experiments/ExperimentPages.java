package dev.lodestar.experiments;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.lodestar.experiments.model.ExperimentEntity;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.web.LineChart;
import dev.lodestar.web.Links;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's experiment pages: the experiment list, an experiment's runs (filtered and sorted like
 * {@code searchRuns}), and a run with its params, tags and a chart of each metric's history.
 */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class ExperimentPages {

    /** Points per chart: plenty for a 640-unit-wide plot, whatever the history's length. */
    static final int CHART_POINTS = 400;
    /** Param columns shown in a run table; the run page shows them all. */
    static final int PARAM_COLUMNS = 4;

    private final ExperimentService experiments;
    private final RunService runs;
    private final RunSearch search;
    private final MetricHistory history;

    ExperimentPages(ExperimentService experiments, RunService runs, RunSearch search, MetricHistory history) {
        this.experiments = experiments;
        this.runs = runs;
        this.search = search;
        this.history = history;
    }

    @CheckedTemplate(basePath = "experiments")
    static class Templates {
        static native TemplateInstance experiments(ExperimentList list);

        static native TemplateInstance experiment(ExperimentRuns page);

        static native TemplateInstance run(RunDetails page);
    }

    /** The experiment list. */
    public record ExperimentList(List<ExperimentRow> rows, String q, boolean archived, String next, int total) {
    }

    /** One experiment in the list, with its run count. */
    public record ExperimentRow(Experiment experiment, int runs) {
    }

    /** An experiment and a page of its runs. */
    public record ExperimentRuns(Experiment experiment, List<Tag> tags, List<RunRow> rows, List<String> metricKeys,
            List<String> paramKeys, String filter, String sort, boolean descending, String error, String next,
            int total) {

        /** The sort column of metric {@code key}, quoted so any key reads back. */
        public String metricColumn(String key) {
            return "metrics.`" + key + "`";
        }

        /** The sort column of param {@code key}. */
        public String paramColumn(String key) {
            return "params.`" + key + "`";
        }

        /** The query string that sorts by {@code column}, toggling the direction if it is the current sort. */
        public String sortLink(String column) {
            boolean desc = column.equals(sort) ? !descending : true;
            return "?sort=" + Links.encode(column) + "&dir=" + (desc ? "desc" : "asc")
                    + (filter == null || filter.isBlank() ? "" : "&filter=" + Links.encode(filter));
        }

        /** The arrow showing the current sort on {@code column}, if any. */
        public String sortMark(String column) {
            return column.equals(sort) ? (descending ? " ▼" : " ▲") : "";
        }
    }

    /** A run in a table: the run, its params and its latest metrics by key. */
    public record RunRow(Run run, Map<String, String> params, Map<String, Metric> metrics) {
    }

    /** A run and everything about it. */
    public record RunDetails(Run run, Experiment experiment, Run parent, List<Run> children, List<Param> params,
            List<Tag> tags, List<Metric> latest, List<LineChart> charts) {
    }

    @GET
    @Path("/experiments")
    public TemplateInstance experiments(@QueryParam("q") String q, @QueryParam("archived") boolean archived,
            @QueryParam("after") String after) {
        ExperimentConnection page = experiments.page(Page.of(50, blankToNull(after)), q, archived);
        List<Experiment> listed = page.getEdges().stream().map(ExperimentConnection.ExperimentEdge::node).toList();
        Map<Long, Long> counts = runs.countsOf(listed.stream().map(Experiment::numericId).toList());
        List<ExperimentRow> rows = listed.stream()
                .map(e -> new ExperimentRow(e, Math.toIntExact(counts.getOrDefault(e.numericId(), 0L))))
                .toList();
        return Templates.experiments(new ExperimentList(rows, q == null ? "" : q, archived,
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null, Math.toIntExact(page.total())));
    }

    @GET
    @Path("/experiments/{id}")
    public TemplateInstance experiment(@PathParam("id") String id, @QueryParam("filter") String filter,
            @QueryParam("sort") String sort, @QueryParam("dir") @DefaultValue("desc") String dir,
            @QueryParam("after") String after) {
        ExperimentEntity entity = experiments.find(parseExperimentId(id));
        if (entity == null) {
            throw new NotFoundException();
        }
        Experiment experiment = Experiment.of(entity);
        boolean descending = !"asc".equalsIgnoreCase(dir);
        List<String> order = sort == null || sort.isBlank() ? null : List.of(sort + (descending ? " DESC" : " ASC"));
        String error = null;
        RunConnection page;
        try {
            page = search.search(List.of(experiment.id()), blankToNull(filter), order, Page.of(50, blankToNull(after)));
        } catch (ApiException e) {
            error = e.getMessage();
            page = search.search(List.of(experiment.id()), null, null, Page.of(50, null));
        }
        List<Run> listed = page.runs();
        List<UUID> ids = listed.stream().map(Run::uuid).toList();
        Map<UUID, List<Param>> params = runs.paramsOf(ids);
        Map<UUID, List<Metric>> metrics = runs.latestMetricsOf(ids);
        TreeSet<String> metricKeys = new TreeSet<>();
        TreeSet<String> paramKeys = new TreeSet<>();
        List<RunRow> rows = new ArrayList<>();
        for (Run run : listed) {
            Map<String, String> runParams = new LinkedHashMap<>();
            params.getOrDefault(run.uuid(), List.of()).forEach(p -> runParams.put(p.key(), p.value()));
            Map<String, Metric> runMetrics = new LinkedHashMap<>();
            metrics.getOrDefault(run.uuid(), List.of()).forEach(m -> runMetrics.put(m.key(), m));
            paramKeys.addAll(runParams.keySet());
            metricKeys.addAll(runMetrics.keySet());
            rows.add(new RunRow(run, runParams, runMetrics));
        }
        return Templates.experiment(new ExperimentRuns(experiment,
                experiments.tagsOf(List.of(experiment.numericId())).getOrDefault(experiment.numericId(), List.of()), rows,
                List.copyOf(metricKeys), paramKeys.stream().limit(PARAM_COLUMNS).toList(), filter == null ? "" : filter,
                sort == null ? "" : sort, descending, error,
                error == null && page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null,
                error == null ? Math.toIntExact(page.total()) : rows.size()));
    }

    @GET
    @Path("/runs/{id}")
    public TemplateInstance run(@PathParam("id") String id) {
        RunEntity entity;
        try {
            entity = runs.find(RunIds.parse(id));
        } catch (ApiException e) {
            throw new NotFoundException();
        }
        if (entity == null) {
            throw new NotFoundException();
        }
        Run run = Run.of(entity);
        List<UUID> self = List.of(entity.id);
        List<Metric> latest = runs.latestMetricsOf(self).getOrDefault(entity.id, List.of());
        List<LineChart> charts = new ArrayList<>();
        for (Metric metric : latest) {
            List<LineChart.Point> points = history.of(entity.id, metric.key(), CHART_POINTS).stream()
                    .map(m -> new LineChart.Point(m.step(), m.value()))
                    .toList();
            charts.add(LineChart.of(metric.key(), points));
        }
        RunEntity parent = entity.parentRunId == null ? null : runs.find(entity.parentRunId);
        return Templates.run(new RunDetails(run, Experiment.of(experiments.get(entity.experimentId)),
                parent == null ? null : Run.of(parent),
                runs.childrenOf(self).getOrDefault(entity.id, List.of()).stream().map(Run::of).toList(),
                runs.paramsOf(self).getOrDefault(entity.id, List.of()),
                runs.tagsOf(self).getOrDefault(entity.id, List.of()), latest, charts));
    }

    private static long parseExperimentId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new NotFoundException();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
