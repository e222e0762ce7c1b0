package dev.lodestar.deploy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.deploy.model.ServingReplicaEntity;
import dev.lodestar.graphql.ApiException;
import io.quarkus.scheduler.Scheduled;

/**
 * The inference replicas' reports and the live state made of them. The latest report of each replica is kept
 * (a replica reports after every change and every 10 seconds); a replica silent for
 * {@link ServingConfig#replicaStaleAfter()} is stale, and after {@link ServingConfig#replicaForgetAfter()} it is
 * forgotten. Reports are telemetry, not changes anyone made, so they are not audited.
 */
@ApplicationScoped
@Transactional
public class ServingReplicas {

    private static final Pattern REPLICA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final int MAX_TEXT = 4_000;

    private final EntityManager entityManager;
    private final ObjectMapper json;
    private final ServingConfig config;

    ServingReplicas(EntityManager entityManager, ObjectMapper json, ServingConfig config) {
        this.entityManager = entityManager;
        this.json = json;
        this.config = config;
    }

    /** Checks and stores a replica's report (JSON), replacing its previous one. */
    public void report(String replicaId, String body) {
        if (replicaId == null || !REPLICA_ID.matcher(replicaId).matches()) {
            throw ApiException.invalid("replica id must be 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        ReplicaReport report;
        try {
            report = json.readValue(body == null ? "" : body, ReplicaReport.class);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("the report is not valid: " + e.getOriginalMessage());
        }
        check(report);
        String stored;
        try {
            stored = json.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a replica report", e);
        }
        entityManager.createNativeQuery("insert into serving_replica (replica_id, address, revision, report, reported_at)"
                + " values (:id, :address, :revision, cast(:report as jsonb), :at)"
                + " on conflict (replica_id) do update set address = excluded.address, revision = excluded.revision,"
                + " report = excluded.report, reported_at = excluded.reported_at")
                .setParameter("id", replicaId).setParameter("address", report.address())
                .setParameter("revision", report.revision()).setParameter("report", stored)
                .setParameter("at", Instant.now()).executeUpdate();
    }

    /**
     * The replicas holding versions of each of several deployments, by deployment name, from one query over the
     * replicas not yet forgotten.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Map<String, List<DeploymentReplica>> liveStateOf(Collection<String> deployments) {
        Map<String, List<DeploymentReplica>> live = new HashMap<>();
        if (deployments.isEmpty()) {
            return live;
        }
        Set<String> wanted = Set.copyOf(deployments);
        Instant now = Instant.now();
        Instant staleBefore = now.minus(config.replicaStaleAfter());
        List<ServingReplicaEntity> replicas = entityManager.createQuery("from ServingReplicaEntity r where r.reportedAt > :since"
                + " order by r.replicaId", ServingReplicaEntity.class)
                .setParameter("since", now.minus(config.replicaForgetAfter())).getResultList();
        for (ServingReplicaEntity replica : replicas) {
            ReplicaReport report = read(replica);
            for (ReplicaReport.DeploymentReport held : report.deployments()) {
                if (!wanted.contains(held.name())) {
                    continue;
                }
                List<DeploymentReplica.ReplicaVersion> versions = held.versions().stream()
                        .map(v -> new DeploymentReplica.ReplicaVersion(v.version(), v.role(), v.state(), v.error(), v.loadMillis()))
                        .toList();
                live.computeIfAbsent(held.name(), k -> new ArrayList<>()).add(new DeploymentReplica(replica.replicaId,
                        replica.address, Math.toIntExact(replica.revision), replica.reportedAt,
                        !replica.reportedAt.isAfter(staleBefore), versions));
            }
        }
        return live;
    }

    /**
     * Whether a deployment is ready: some fresh replica reports its desired primary version {@code READY} in the
     * primary role.
     */
    public static boolean ready(List<DeploymentReplica> replicas, Integer primaryVersion) {
        return primaryVersion != null && replicas.stream().filter(r -> !r.stale())
                .flatMap(r -> r.versions().stream())
                .anyMatch(v -> v.version() == primaryVersion && v.role() == ServingRole.PRIMARY && v.state() == ServingState.READY);
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetSilentReplicas() {
        entityManager.createQuery("delete from ServingReplicaEntity r where r.reportedAt <= :before")
                .setParameter("before", Instant.now().minus(config.replicaForgetAfter())).executeUpdate();
    }

    private ReplicaReport read(ServingReplicaEntity replica) {
        try {
            return json.readValue(replica.report, ReplicaReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored report of replica " + replica.replicaId + " is not valid JSON", e);
        }
    }

    private static void check(ReplicaReport report) {
        if (report == null) {
            throw ApiException.invalid("the report is required");
        }
        if (report.address() == null || report.address().isBlank() || report.address().length() > 255) {
            throw ApiException.invalid("address is required (host:port), at most 255 characters");
        }
        if (report.revision() == null || report.revision() < 0) {
            throw ApiException.invalid("revision is required: the desired-state revision the replica has applied");
        }
        if (report.deployments() == null) {
            throw ApiException.invalid("deployments is required (an empty list when the replica serves nothing)");
        }
        for (ReplicaReport.DeploymentReport deployment : report.deployments()) {
            if (deployment == null || deployment.name() == null || deployment.name().isBlank() || deployment.versions() == null) {
                throw ApiException.invalid("every deployment needs a name and a list of versions");
            }
            for (ReplicaReport.VersionReport version : deployment.versions()) {
                if (version == null || version.version() == null || version.role() == null || version.state() == null) {
                    throw ApiException.invalid("every version of '" + deployment.name() + "' needs version, role and state");
                }
                if (version.error() != null && version.error().length() > MAX_TEXT) {
                    throw ApiException.invalid("error is at most " + MAX_TEXT + " characters");
                }
            }
        }
    }
}
