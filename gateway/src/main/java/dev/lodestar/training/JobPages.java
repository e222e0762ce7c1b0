package dev.lodestar.training;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Page;
import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import dev.lodestar.training.model.JobStatus;
import dev.lodestar.training.model.TrainingJobEntity;
import dev.lodestar.web.FormTokens;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateExtension;
import io.quarkus.qute.TemplateInstance;

/**
 * The admin's training pages: the job list with each job's progress, and one job with its stage, progress bar
 * and log, kept live by {@code /admin/assets/jobs.js} re-fetching the page's {@code live} fragment every second
 * until the job is finished; plus the cancel form (data scientists and admins), checked by {@link FormTokens}.
 */
@Path("/admin/jobs")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class JobPages {

    static final int PAGE = 50;
    static final int LOG_LINES = 500;

    private final TrainingJobs jobs;
    private final CurrentActor actor;
    private final FormTokens forms;

    JobPages(TrainingJobs jobs, CurrentActor actor, FormTokens forms) {
        this.jobs = jobs;
        this.actor = actor;
        this.forms = forms;
    }

    @CheckedTemplate(basePath = "jobs")
    static class Templates {
        static native TemplateInstance jobs(JobList page);

        static native TemplateInstance job(JobDetails page);

        static native TemplateInstance job$live(JobDetails page);
    }

    /** A page of jobs of one status (all when {@code status} is empty). */
    public record JobList(List<Job> jobs, String status, List<JobStatus> statuses, String next, int total) {
    }

    /**
     * One job.
     *
     * @param job       the job
     * @param dataset   the dataset version it trains on, if it still exists
     * @param logs      the last lines of its log
     * @param mayCancel whether the cancel form is offered: the job is not finished and the user may cancel
     */
    public record JobDetails(Job job, DatasetVersionEntity dataset, List<JobLogLine> logs, boolean mayCancel) {
    }

    @GET
    public TemplateInstance list(@QueryParam("status") String status, @QueryParam("after") String after) {
        JobStatus wanted = parseStatus(status);
        JobConnection page = jobs.page(wanted, Page.of(PAGE, after == null || after.isBlank() ? null : after));
        return Templates.jobs(new JobList(page.getEdges().stream().map(JobConnection.JobEdge::node).toList(),
                wanted == null ? "" : wanted.name(), List.of(JobStatus.values()),
                page.getPageInfo().hasNextPage() ? page.getPageInfo().endCursor() : null, Math.toIntExact(page.total())));
    }

    @GET
    @Path("/{id}")
    public TemplateInstance job(@PathParam("id") String id) {
        return Templates.job(details(id));
    }

    /** The live part of a job's page alone, for the page's script to swap in. */
    @GET
    @Path("/{id}/live")
    public TemplateInstance live(@PathParam("id") String id) {
        return Templates.job$live(details(id));
    }

    @POST
    @Path("/{id}/cancel")
    @RolesAllowed({ DATA_SCIENTIST, ADMIN })
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response cancel(@PathParam("id") String id, @FormParam(FormTokens.FIELD) String csrf) {
        forms.check(csrf);
        found(id);
        TrainingJobEntity job = jobs.cancel(id);
        return Response.seeOther(URI.create("/admin/jobs/" + job.id)).build();
    }

    private JobDetails details(String id) {
        TrainingJobEntity entity = found(id);
        Job job = jobs.toApi(entity);
        DatasetVersionEntity dataset;
        try {
            dataset = jobs.dataset(job.datasetId());
        } catch (ApiException e) {
            dataset = null;
        }
        Actor me = actor.get();
        boolean mayCancel = !entity.status.terminal() && !entity.cancelRequested
                && (me.roles().contains(DATA_SCIENTIST) || me.roles().contains(ADMIN));
        return new JobDetails(job, dataset, jobs.logsOf(List.of(entity.id), LOG_LINES).getOrDefault(entity.id, List.of()), mayCancel);
    }

    private TrainingJobEntity found(String id) {
        TrainingJobEntity job = jobs.find(id);
        if (job == null) {
            throw new NotFoundException();
        }
        return job;
    }

    private static JobStatus parseStatus(String status) {
        if (status == null || status.isBlank() || "ALL".equalsIgnoreCase(status)) {
            return null;
        }
        try {
            return JobStatus.valueOf(status.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("status: one of " + List.of(JobStatus.values()) + " or ALL");
        }
    }

    /** How job pages show a job. */
    @TemplateExtension
    static final class JobFormats {

        private JobFormats() {
        }

        /** Progress in whole percent. */
        static int percent(Job job) {
            return (int) Math.floor(job.progress() * 100);
        }

        /** True once the job will not change any more: the page stops refreshing. */
        static boolean finished(Job job) {
            return job.status().terminal();
        }

        /** The checked params. */
        static java.util.Map<String, String> params(Job job) {
            return job.spec().params();
        }
    }
}
