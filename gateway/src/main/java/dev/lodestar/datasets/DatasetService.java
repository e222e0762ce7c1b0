package dev.lodestar.datasets;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.artifacts.ArtifactService;
import dev.lodestar.artifacts.ArtifactStore;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;
import dev.lodestar.identity.CurrentActor;

/**
 * Dataset versions: registering a parsed and stored CSV as the next version of a name, and reading versions back.
 * Registration records the version, its artifact (reusing the CSV artifact of earlier identical content) and the
 * audit event in one transaction; the CSV's bytes are stored before it, and a refused upload never reaches it.
 */
@ApplicationScoped
@Transactional
public class DatasetService {

    /** The media type of stored datasets. */
    static final String MEDIA_TYPE = "text/csv";

    private static final String CURSOR = "datasets";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,199}");
    private static final TypeReference<List<DatasetColumn>> COLUMNS = new TypeReference<>() {
    };

    private final EntityManager entityManager;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final ArtifactService artifacts;
    private final ObjectMapper json;

    DatasetService(EntityManager entityManager, AuditLog audit, CurrentActor actor, ArtifactService artifacts, ObjectMapper json) {
        this.entityManager = entityManager;
        this.audit = audit;
        this.actor = actor;
        this.artifacts = artifacts;
        this.json = json;
    }

    /** Checks a dataset name: 1 to 200 letters, digits, {@code _ . -}, starting with a letter or digit. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.invalid("name must be 1 to 200 letters, digits, '_', '.' or '-', starting with a letter or digit, got '"
                    + (name == null ? "" : name.length() > 50 ? name.substring(0, 50) + "…" : name) + "'");
        }
        return name;
    }

    /** Registers stored, parsed content as the next version of {@code name}. */
    public DatasetVersionEntity register(String name, ArtifactStore.Blob blob, DatasetScan.Result scan) {
        String checked = checkName(name);
        // Versions of one name are numbered in registration order: concurrent uploads of a name take turns here.
        entityManager.createNativeQuery("select count(*) from (select pg_advisory_xact_lock(hashtextextended(:key, 0))) l")
                .setParameter("key", "dataset:" + checked).getSingleResult();
        Integer last = entityManager.createQuery("select max(d.version) from DatasetVersionEntity d where d.name = :name", Integer.class)
                .setParameter("name", checked).getSingleResult();
        DatasetVersionEntity dataset = new DatasetVersionEntity();
        dataset.id = UUID.randomUUID();
        dataset.name = checked;
        dataset.version = last == null ? 1 : last + 1;
        dataset.artifactId = artifactFor(blob, checked).id;
        dataset.sha256 = blob.sha256();
        dataset.rows = scan.rows();
        dataset.columns = write(scan.columns());
        dataset.profile = write(scan.profile());
        dataset.createdBy = actor.get().name();
        dataset.createdAt = Instant.now();
        entityManager.persist(dataset);
        audit.record(AuditAction.DATASET_REGISTERED, dataset.id.toString(), null, AuditLog.fields("name", dataset.name,
                "version", dataset.version, "artifactId", dataset.artifactId.toString(), "sha256", dataset.sha256,
                "rows", dataset.rows, "columns", scan.columns().stream().map(c -> c.name() + ":" + c.type()).toList()));
        return dataset;
    }

    /** The version, or {@code NOT_FOUND}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DatasetVersionEntity get(UUID id) {
        DatasetVersionEntity dataset = entityManager.find(DatasetVersionEntity.class, id);
        if (dataset == null) {
            throw ApiException.notFound("no dataset version with id " + id);
        }
        return dataset;
    }

    /** The version, or {@code NOT_FOUND}; a malformed id is {@code INVALID_ARGUMENT}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DatasetVersionEntity get(String id) {
        return get(parseId(id));
    }

    /** The version, or null. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DatasetVersionEntity find(String id) {
        return entityManager.find(DatasetVersionEntity.class, parseId(id));
    }

    /**
     * A page of versions: of one name newest first, or of every name by name and then newest first.
     * The total is counted only when asked for.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public DatasetVersionConnection page(String name, Page page) {
        String after = Cursors.decode(CURSOR, page.after());
        String afterName = null;
        int afterVersion = Integer.MAX_VALUE;
        if (after != null) {
            int split = after.lastIndexOf('/');
            try {
                afterName = after.substring(0, split);
                afterVersion = Integer.parseInt(after.substring(split + 1));
            } catch (RuntimeException e) {
                throw ApiException.invalid("after: not a cursor of this list");
            }
        }
        String where = name != null ? " where d.name = :name and d.version < :version"
                : after != null ? " where d.name > :afterName or (d.name = :afterName and d.version < :version)" : "";
        var query = entityManager.createQuery("from DatasetVersionEntity d" + where + " order by d.name, d.version desc",
                DatasetVersionEntity.class).setMaxResults(page.first() + 1);
        var count = entityManager.createQuery("select count(d) from DatasetVersionEntity d" + (name == null ? "" : " where d.name = :name"),
                Long.class);
        if (name != null) {
            query.setParameter("name", name).setParameter("version", afterVersion);
            count.setParameter("name", name);
        } else if (after != null) {
            query.setParameter("afterName", afterName).setParameter("version", afterVersion);
        }
        List<DatasetVersionEntity> rows = query.getResultList();
        List<DatasetVersionConnection.DatasetVersionEdge> edges = rows.stream().limit(page.first())
                .map(d -> new DatasetVersionConnection.DatasetVersionEdge(toApi(d), Cursors.encode(CURSOR, d.name + "/" + d.version)))
                .toList();
        List<String> cursors = edges.stream().map(DatasetVersionConnection.DatasetVersionEdge::cursor).toList();
        PageInfo info = new PageInfo(rows.size() > page.first(), after != null, cursors.isEmpty() ? null : cursors.get(0),
                cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
        return new DatasetVersionConnection(edges, info, count::getSingleResult);
    }

    /** The stored columns of a version. */
    public List<DatasetColumn> columnsOf(DatasetVersionEntity dataset) {
        try {
            return json.readValue(dataset.columns, COLUMNS);
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.INTERNAL, "the columns of dataset version " + dataset.id + " cannot be read: " + e.getOriginalMessage());
        }
    }

    /** The stored profile of a version. */
    public DatasetProfile profileOf(DatasetVersionEntity dataset) {
        try {
            return json.readValue(dataset.profile, DatasetProfile.class);
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.INTERNAL, "the profile of dataset version " + dataset.id + " cannot be read: " + e.getOriginalMessage());
        }
    }

    /** The API view of a version. */
    public DatasetVersion toApi(DatasetVersionEntity dataset) {
        return new DatasetVersion(dataset.id.toString(), dataset.name, dataset.version, dataset.rows, dataset.sha256,
                dataset.artifactId.toString(), columnsOf(dataset), profileOf(dataset).columns(), dataset.createdBy, dataset.createdAt);
    }

    private ArtifactEntity artifactFor(ArtifactStore.Blob blob, String name) {
        List<ArtifactEntity> same = entityManager.createQuery("from ArtifactEntity a where a.sha256 = :sha256 and a.mediaType = :type"
                + " order by a.createdAt", ArtifactEntity.class)
                .setParameter("sha256", blob.sha256()).setParameter("type", MEDIA_TYPE).setMaxResults(1).getResultList();
        return same.isEmpty() ? artifacts.register(blob, MEDIA_TYPE, name + ".csv") : same.get(0);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'" + id + "' is not a dataset version id");
        }
    }
}
