package dev.lodestar.experiments;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import dev.lodestar.experiments.RunFilter.Comparison;
import dev.lodestar.experiments.RunFilter.Field;
import dev.lodestar.experiments.RunFilter.Kind;
import dev.lodestar.experiments.RunFilter.Literal;
import dev.lodestar.experiments.RunFilter.NumberLiteral;
import dev.lodestar.experiments.RunFilter.Operator;
import dev.lodestar.experiments.RunFilter.TextLiteral;
import dev.lodestar.experiments.RunFilterParser.RunOrder;
import dev.lodestar.experiments.model.RunEntity;
import dev.lodestar.experiments.model.RunStatus;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.Cursors;
import dev.lodestar.graphql.Page;
import dev.lodestar.graphql.PageInfo;

/**
 * {@code searchRuns}: compiles a filter and an order into one SQL query over runs.
 *
 * <p>Metric comparisons look at the latest value of each metric (table {@code latest_metric}), never at the
 * history. Every comparison is an {@code EXISTS} probe on a primary key, so a page of the newest matching runs
 * is found by walking the run index until the page is full. All values are bound parameters.
 */
@ApplicationScoped
public class RunSearch {

    /** Most orderBy entries a search may have: each metric or param sort is a join. */
    static final int MAX_ORDER_TERMS = 10;
    /** Most distinct experiments one search may name. */
    static final int MAX_EXPERIMENTS = 1000;
    private static final String CURSOR = "runs-search";
    private static final String NUMERIC = "'^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$'";

    private final EntityManager entityManager;

    RunSearch(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Runs of {@code experimentIds} (all active experiments when null) matching {@code filter}, sorted by
     * {@code orderBy} and then newest first.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RunConnection search(List<String> experimentIds, String filter, List<String> orderBy, Page page) {
        return search(experimentIds, filter, orderBy, page, Set.of(RunEntity.Lifecycle.ACTIVE));
    }

    /** As {@link #search(List, String, List, Page)}, over the runs in {@code lifecycles} (MLflow's view types). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public RunConnection search(List<String> experimentIds, String filter, List<String> orderBy, Page page,
            Set<RunEntity.Lifecycle> lifecycles) {
        if (lifecycles.isEmpty()) {
            throw ApiException.invalid("search at least one run lifecycle");
        }
        Sql sql = new Sql();
        List<String> where = new ArrayList<>();
        where.add("r.lifecycle in (" + sql.bind(lifecycles.stream().map(Enum::name).sorted().toList()) + ")");
        if (experimentIds == null) {
            where.add("r.experiment_id in (select id from experiment where lifecycle = 'ACTIVE')");
        } else {
            where.add("r.experiment_id in (" + sql.bind(experimentIdsOf(experimentIds)) + ")");
        }
        RunFilter parsed = RunFilterParser.parse(filter);
        if (parsed != null) {
            where.add(condition(parsed, sql));
        }
        StringBuilder joins = new StringBuilder();
        List<String> order = new ArrayList<>();
        if (orderBy != null) {
            if (orderBy.size() > MAX_ORDER_TERMS) {
                throw ApiException.invalid("orderBy: at most " + MAX_ORDER_TERMS + " entries, not " + orderBy.size());
            }
            for (String entry : orderBy) {
                order.add(orderTerm(RunFilterParser.parseOrder(entry), sql, joins));
            }
        }
        order.add("r.start_time desc");
        order.add("r.id desc");

        String after = Cursors.decode(CURSOR, page.after());
        int offset;
        try {
            offset = after == null ? 0 : Integer.parseInt(after);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("after: not a cursor of this list");
        }
        String whereClause = String.join(" and ", where);
        Query query = entityManager.createNativeQuery("select r.* from run r" + joins + " where " + whereClause
                + " order by " + String.join(", ", order) + " offset " + offset + " limit " + (page.first() + 1),
                RunEntity.class);
        sql.bindTo(query);
        List<?> rows = query.getResultList();
        boolean more = rows.size() > page.first();
        List<RunConnection.RunEdge> edges = new ArrayList<>();
        for (int i = 0; i < Math.min(rows.size(), page.first()); i++) {
            edges.add(new RunConnection.RunEdge(Run.of((RunEntity) rows.get(i)), Cursors.encode(CURSOR, Integer.toString(offset + i + 1))));
        }
        PageInfo info = new PageInfo(more, offset > 0, edges.isEmpty() ? null : edges.get(0).cursor(),
                edges.isEmpty() ? null : edges.get(edges.size() - 1).cursor());
        return new RunConnection(edges, info, () -> {
            Query count = entityManager.createNativeQuery("select count(*) from run r where " + whereClause, Long.class);
            sql.bindTo(count);
            return ((Number) count.getSingleResult()).longValue();
        });
    }

    private static List<Long> experimentIdsOf(List<String> ids) {
        Set<Long> numbers = new TreeSet<>();
        for (String id : ids) {
            numbers.add(ExperimentGraphQL.idOf(id));
            if (numbers.size() > MAX_EXPERIMENTS) {
                throw ApiException.invalid("experimentIds: at most " + MAX_EXPERIMENTS + " experiments in one search;"
                        + " leave it out to search every experiment");
            }
        }
        if (numbers.isEmpty()) {
            throw ApiException.invalid("experimentIds: give at least one id, or leave it out to search every experiment");
        }
        return List.copyOf(numbers);
    }

    private static String condition(RunFilter filter, Sql sql) {
        if (filter instanceof RunFilter.And and) {
            return "(" + condition(and.left(), sql) + " and " + condition(and.right(), sql) + ")";
        }
        if (filter instanceof RunFilter.Or or) {
            return "(" + condition(or.left(), sql) + " or " + condition(or.right(), sql) + ")";
        }
        Comparison comparison = (Comparison) filter;
        return switch (comparison.field().kind()) {
            case METRIC -> metric(comparison, sql);
            case PARAM -> keyValue(comparison, "run_param", sql);
            case TAG -> keyValue(comparison, "run_tag", sql);
            case ATTRIBUTE -> attribute(comparison, sql);
        };
    }

    private static String metric(Comparison c, Sql sql) {
        String probe = "select 1 from latest_metric m where m.run_id = r.id and m.key = " + sql.bind(c.field().key());
        return switch (c.operator()) {
            case IS_NULL -> "not exists (" + probe + ")";
            case IS_NOT_NULL -> "exists (" + probe + ")";
            case EQ, NE, LT, LE, GT, GE -> "exists (" + probe + " and m.value " + sqlOperator(c.operator()) + " "
                    + sql.bind(number(c, c.values().get(0))) + ")";
            case IN, NOT_IN -> "exists (" + probe + " and m.value " + (c.operator() == Operator.IN ? "in" : "not in")
                    + " (" + sql.bind(c.values().stream().map(v -> number(c, v)).toList()) + "))";
            default -> throw unsupported(c, "metrics compare as numbers: =, !=, <, <=, >, >=, IN, IS NULL");
        };
    }

    private static String keyValue(Comparison c, String table, Sql sql) {
        String probe = "select 1 from " + table + " p where p.run_id = r.id and p.key = " + sql.bind(c.field().key());
        if (c.operator() == Operator.IS_NULL) {
            return "not exists (" + probe + ")";
        }
        if (c.operator() == Operator.IS_NOT_NULL) {
            return "exists (" + probe + ")";
        }
        return "exists (" + probe + " and " + textComparison("p.value", c, sql) + ")";
    }

    /**
     * A comparison of a text column. An ordering comparison with a number compares numerically, and only
     * values that are numbers can match it ({@code params.lr < 0.01}).
     */
    private static String textComparison(String column, Comparison c, Sql sql) {
        Literal first = c.values().get(0);
        if (c.operator().ordering() && first instanceof NumberLiteral number) {
            return "(case when " + column + " ~ " + NUMERIC + " then " + column + "::float8 end) "
                    + sqlOperator(c.operator()) + " " + sql.bind(number.value());
        }
        return switch (c.operator()) {
            case IN, NOT_IN -> column + (c.operator() == Operator.IN ? " in (" : " not in (")
                    + sql.bind(c.values().stream().map(RunSearch::text).toList()) + ")";
            default -> column + " " + sqlOperator(c.operator()) + " " + sql.bind(text(first));
        };
    }

    private static String attribute(Comparison c, Sql sql) {
        String name = c.field().key();
        return switch (name) {
            case "status" -> textComparison("r.status", statusUpperCased(c), sql);
            case "run_name", "name" -> nullable("r.name", c, sql, () -> textComparison("r.name", c, sql));
            case "user", "user_id" -> textComparison("r.user_name", c, sql);
            case "run_id", "id" -> uuidComparison("r.id", c, sql);
            case "parent_run_id" -> nullable("r.parent_run_id", c, sql, () -> uuidComparison("r.parent_run_id", c, sql));
            case "experiment_id" -> numberComparison("r.experiment_id", c, sql);
            case "start_time", "created" -> timeComparison("r.start_time", c, sql);
            case "end_time" -> nullable("r.end_time", c, sql, () -> timeComparison("r.end_time", c, sql));
            default -> throw ApiException.invalid("filter: unknown attribute '" + name + "' at position " + c.field().position()
                    + "; attributes are status, run_name, user, run_id, parent_run_id, experiment_id, start_time, end_time");
        };
    }

    private static String nullable(String column, Comparison c, Sql sql, java.util.function.Supplier<String> otherwise) {
        return switch (c.operator()) {
            case IS_NULL -> column + " is null";
            case IS_NOT_NULL -> column + " is not null";
            default -> otherwise.get();
        };
    }

    private static String uuidComparison(String column, Comparison c, Sql sql) {
        return switch (c.operator()) {
            case EQ, NE -> column + " " + sqlOperator(c.operator()) + " " + sql.bind(RunIds.parse(text(c.values().get(0))));
            case IN, NOT_IN -> column + (c.operator() == Operator.IN ? " in (" : " not in (")
                    + sql.bind(c.values().stream().map(v -> RunIds.parse(text(v))).toList()) + ")";
            case LIKE, ILIKE, NOT_LIKE, NOT_ILIKE -> "replace(" + column + "::text, '-', '') " + sqlOperator(c.operator()) + " "
                    + sql.bind(text(c.values().get(0)));
            default -> throw unsupported(c, "run ids compare with =, !=, IN, LIKE");
        };
    }

    private static String numberComparison(String column, Comparison c, Sql sql) {
        return switch (c.operator()) {
            case EQ, NE, LT, LE, GT, GE -> column + " " + sqlOperator(c.operator()) + " " + sql.bind((long) number(c, c.values().get(0)));
            case IN, NOT_IN -> column + (c.operator() == Operator.IN ? " in (" : " not in (")
                    + sql.bind(c.values().stream().map(v -> (long) number(c, v)).toList()) + ")";
            default -> throw unsupported(c, "ids compare as numbers: =, !=, <, <=, >, >=, IN");
        };
    }

    private static String timeComparison(String column, Comparison c, Sql sql) {
        return switch (c.operator()) {
            case EQ, NE, LT, LE, GT, GE -> column + " " + sqlOperator(c.operator()) + " " + sql.bind(instant(c, c.values().get(0)));
            default -> throw unsupported(c, "times compare with =, !=, <, <=, >, >= against milliseconds since 1970 or an ISO-8601 time");
        };
    }

    private static String orderTerm(RunOrder order, Sql sql, StringBuilder joins) {
        Field field = order.field();
        String direction = order.descending() ? " desc nulls last" : " asc nulls last";
        String alias = "sort" + sql.size();
        return switch (field.kind()) {
            case METRIC -> {
                joins.append(" left join latest_metric ").append(alias).append(" on ").append(alias).append(".run_id = r.id and ")
                        .append(alias).append(".key = ").append(sql.bind(field.key()));
                yield alias + ".value" + direction;
            }
            case PARAM, TAG -> {
                joins.append(" left join ").append(field.kind() == Kind.PARAM ? "run_param " : "run_tag ").append(alias)
                        .append(" on ").append(alias).append(".run_id = r.id and ").append(alias).append(".key = ")
                        .append(sql.bind(field.key()));
                yield alias + ".value" + direction;
            }
            case ATTRIBUTE -> switch (field.key()) {
                case "status" -> "r.status" + direction;
                case "run_name", "name" -> "r.name" + direction;
                case "user", "user_id" -> "r.user_name" + direction;
                case "run_id", "id" -> "r.id" + direction;
                case "experiment_id" -> "r.experiment_id" + direction;
                case "start_time", "created" -> "r.start_time" + direction;
                case "end_time" -> "r.end_time" + direction;
                default -> throw ApiException.invalid("orderBy: unknown attribute '" + field.key()
                        + "'; attributes are status, run_name, user, run_id, experiment_id, start_time, end_time");
            };
        };
    }

    private static Comparison statusUpperCased(Comparison c) {
        List<Literal> values = c.values().stream()
                .map(v -> v instanceof TextLiteral t ? (Literal) new TextLiteral(t.value().toUpperCase(Locale.ROOT), t.position()) : v)
                .toList();
        for (Literal value : values) {
            if (value instanceof TextLiteral text && !c.operator().pattern() && !isStatus(text.value())) {
                throw ApiException.invalid("filter: '" + text.value() + "' at position " + text.position()
                        + " is not a run status (RUNNING, FINISHED, FAILED, KILLED)");
            }
        }
        return new Comparison(c.field(), c.operator(), values, c.position());
    }

    private static boolean isStatus(String value) {
        for (RunStatus status : RunStatus.values()) {
            if (status.name().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String sqlOperator(Operator operator) {
        return operator == Operator.NE ? "<>" : operator.text().toLowerCase(Locale.ROOT);
    }

    private static double number(Comparison c, Literal literal) {
        if (literal instanceof NumberLiteral number) {
            return number.value();
        }
        throw ApiException.invalid("filter: expected a number at position " + literal.position() + " to compare with "
                + c.field().kind().name().toLowerCase(Locale.ROOT) + " '" + c.field().key() + "'");
    }

    private static String text(Literal literal) {
        return literal instanceof TextLiteral text ? text.value() : ((NumberLiteral) literal).text();
    }

    private static Instant instant(Comparison c, Literal literal) {
        if (literal instanceof NumberLiteral number) {
            return Instant.ofEpochMilli((long) number.value());
        }
        try {
            return Instant.parse(text(literal));
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("filter: expected milliseconds since 1970 or an ISO-8601 time such as "
                    + "'2026-01-31T12:00:00Z' at position " + literal.position());
        }
    }

    private static ApiException unsupported(Comparison c, String allowed) {
        return ApiException.invalid("filter: " + c.operator().text() + " does not apply to "
                + c.field().kind().name().toLowerCase(Locale.ROOT) + " '" + c.field().key() + "' at position "
                + c.position() + "; " + allowed);
    }

    /** Bound parameters of the query being built, named {@code :p0}, {@code :p1}, ... */
    private static final class Sql {
        private final Map<String, Object> parameters = new LinkedHashMap<>();

        String bind(Object value) {
            String name = "p" + parameters.size();
            parameters.put(name, value);
            return ":" + name;
        }

        int size() {
            return parameters.size();
        }

        /** Binds the parameters {@code query} uses (a count query leaves out those of the order). */
        void bindTo(Query query) {
            Set<String> used = new HashSet<>();
            query.getParameters().forEach(parameter -> used.add(parameter.getName()));
            parameters.forEach((name, value) -> {
                if (used.contains(name)) {
                    query.setParameter(name, value);
                }
            });
        }
    }
}
