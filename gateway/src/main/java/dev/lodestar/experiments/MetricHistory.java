package dev.lodestar.experiments;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.graphql.ApiException;

/**
 * The history of one metric of a run, whole or downsampled.
 *
 * <p>Downsampling keeps the shape a chart needs: the series is cut into {@code maxPoints / 4} buckets of
 * consecutive points, and of each bucket the first, last, lowest and highest point are kept (the M4
 * method), so the first and last points and every extreme survive. It runs inside PostgreSQL, so a series
 * of a million points costs one scan and sends back at most {@code maxPoints} points.
 */
@ApplicationScoped
public class MetricHistory {

    /** The fewest points a downsampled history may be asked for (one bucket). */
    static final int MIN_POINTS = 4;
    /** The most points a history may be asked for. */
    static final int MAX_POINTS = 100_000;

    private static final String WHOLE = "select step, ts, value from metric where run_id = :run and key = :key order by step, ts";

    private static final String DOWNSAMPLED = """
            with series as (
                select step, ts, value, row_number() over (order by step, ts) - 1 as i, count(*) over () as n
                from metric where run_id = :run and key = :key
            ), picks as (
                select min(i) as first_i, max(i) as last_i,
                       (min(array[value, i::float8]))[2]::bigint as low_i,
                       (max(array[value, -i::float8]))[2]::bigint as high_i
                from series
                group by i * :buckets / n
            )
            select step, ts, value from series
            where i in (select unnest(array[first_i, last_i, low_i, -high_i]) from picks)
            order by i
            """;

    private final EntityManager entityManager;

    MetricHistory(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * The points of metric {@code key} of {@code run} in step order; with {@code maxPoints}, at most that
     * many, downsampled when the series is longer.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Metric> of(UUID run, String key, Integer maxPoints) {
        if (maxPoints != null && (maxPoints < MIN_POINTS || maxPoints > MAX_POINTS)) {
            throw ApiException.invalid("maxPoints must be between " + MIN_POINTS + " and " + MAX_POINTS + ", got " + maxPoints);
        }
        long length = maxPoints == null ? 0 : ((Number) entityManager.createNativeQuery(
                "select count(*) from metric where run_id = :run and key = :key", Long.class)
                .setParameter("run", run).setParameter("key", key).getSingleResult()).longValue();
        var query = maxPoints == null || length <= maxPoints
                ? entityManager.createNativeQuery(WHOLE, Object[].class)
                : entityManager.createNativeQuery(DOWNSAMPLED, Object[].class).setParameter("buckets", maxPoints / MIN_POINTS);
        List<?> rows = query.setParameter("run", run).setParameter("key", key).getResultList();
        List<Metric> points = new ArrayList<>(rows.size());
        for (Object row : rows) {
            Object[] columns = (Object[]) row;
            points.add(new Metric(key, ((Number) columns[2]).doubleValue(), apiStep(((Number) columns[0]).longValue()),
                    instant(columns[1])));
        }
        return points;
    }

    /** Steps are 64-bit in storage (as in MLflow) and 32-bit in GraphQL: larger ones are clamped. */
    static int apiStep(long step) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, step));
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
