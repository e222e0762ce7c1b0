package dev.lodestar.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.lodestar.experiments.RunFilter.Comparison;
import dev.lodestar.experiments.RunFilter.Field;
import dev.lodestar.experiments.RunFilter.Kind;
import dev.lodestar.experiments.RunFilter.Literal;
import dev.lodestar.experiments.RunFilter.NumberLiteral;
import dev.lodestar.experiments.RunFilter.Operator;
import dev.lodestar.experiments.RunFilter.TextLiteral;
import dev.lodestar.graphql.ApiException;

/**
 * Parses the {@code searchRuns} filter language, MLflow's search syntax extended with {@code OR} and
 * parentheses:
 *
 * <pre>
 * filter     = or
 * or         = and { "OR" and }
 * and        = primary { "AND" primary }
 * primary    = "(" or ")" | comparison
 * comparison = field operator value | field ["NOT"] "IN" "(" value { "," value } ")" | field "IS" ["NOT"] "NULL"
 * field      = ("metrics" | "params" | "tags" | "attributes") "." key      (singular forms too)
 * key        = name | "double quoted" | `backticked`
 * operator   = "=" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | ["NOT"] "LIKE" | ["NOT"] "ILIKE"
 * value      = number | 'single quoted' | "double quoted"
 * </pre>
 *
 * Keywords are case-insensitive. A malformed filter is {@code INVALID_ARGUMENT} naming the 1-based position
 * of the problem.
 */
final class RunFilterParser {

    /** Most comparisons one filter may hold: each is a subquery, and PostgreSQL plans them all at once. */
    static final int MAX_COMPARISONS = 100;
    /** Deepest nesting of parentheses a filter may use. */
    static final int MAX_DEPTH = 32;

    private final String text;
    private final String label;
    private int at;
    private int comparisons;
    private int depth;

    private RunFilterParser(String text, String label) {
        this.text = text;
        this.label = label;
    }

    /** Parses a filter; null for a blank one (no filtering). */
    static RunFilter parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        RunFilterParser parser = new RunFilterParser(filter, "filter");
        RunFilter parsed = parser.or();
        parser.skipSpaces();
        if (parser.at < filter.length()) {
            throw parser.error("expected AND, OR or the end of the filter");
        }
        return parsed;
    }

    /** Parses one {@code orderBy} entry: a field, optionally followed by ASC or DESC. */
    static RunOrder parseOrder(String order) {
        RunFilterParser parser = new RunFilterParser(order == null ? "" : order, "orderBy '" + order + "'");
        Field field = parser.field();
        boolean descending = false;
        if (parser.keyword("DESC")) {
            descending = true;
        } else {
            parser.keyword("ASC");
        }
        parser.skipSpaces();
        if (parser.at < parser.text.length()) {
            throw parser.error("expected ASC, DESC or the end of the order");
        }
        return new RunOrder(field, descending);
    }

    /** One sort key of {@code searchRuns}. */
    record RunOrder(Field field, boolean descending) {
    }

    private RunFilter or() {
        RunFilter left = and();
        while (keyword("OR")) {
            left = new RunFilter.Or(left, and());
        }
        return left;
    }

    private RunFilter and() {
        RunFilter left = primary();
        while (keyword("AND")) {
            left = new RunFilter.And(left, primary());
        }
        return left;
    }

    private RunFilter primary() {
        skipSpaces();
        if (peek('(')) {
            if (++depth > MAX_DEPTH) {
                throw error("parentheses nest deeper than " + MAX_DEPTH + " levels");
            }
            at++;
            RunFilter inner = or();
            skipSpaces();
            if (!peek(')')) {
                throw error("expected ')'");
            }
            at++;
            depth--;
            return inner;
        }
        if (++comparisons > MAX_COMPARISONS) {
            throw error("a filter holds at most " + MAX_COMPARISONS + " comparisons");
        }
        return comparison();
    }

    private Comparison comparison() {
        Field field = field();
        skipSpaces();
        int position = at + 1;
        if (keyword("IS")) {
            boolean not = keyword("NOT");
            if (!keyword("NULL")) {
                throw error("expected NULL after IS" + (not ? " NOT" : ""));
            }
            return new Comparison(field, not ? Operator.IS_NOT_NULL : Operator.IS_NULL, List.of(), position);
        }
        boolean not = keyword("NOT");
        if (keyword("IN")) {
            return new Comparison(field, not ? Operator.NOT_IN : Operator.IN, valueList(), position);
        }
        if (keyword("LIKE")) {
            return new Comparison(field, not ? Operator.NOT_LIKE : Operator.LIKE, List.of(value()), position);
        }
        if (keyword("ILIKE")) {
            return new Comparison(field, not ? Operator.NOT_ILIKE : Operator.ILIKE, List.of(value()), position);
        }
        if (not) {
            throw error("expected IN, LIKE or ILIKE after NOT");
        }
        Operator operator = symbolOperator();
        if (operator == null) {
            throw error("expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL)");
        }
        return new Comparison(field, operator, List.of(value()), position);
    }

    private Operator symbolOperator() {
        for (String symbol : new String[] { "<=", ">=", "!=", "<>", "=", "<", ">" }) {
            if (text.startsWith(symbol, at)) {
                at += symbol.length();
                return switch (symbol) {
                    case "<=" -> Operator.LE;
                    case ">=" -> Operator.GE;
                    case "!=", "<>" -> Operator.NE;
                    case "=" -> Operator.EQ;
                    case "<" -> Operator.LT;
                    default -> Operator.GT;
                };
            }
        }
        return null;
    }

    private Field field() {
        skipSpaces();
        int position = at + 1;
        int start = at;
        while (at < text.length() && Character.isLetter(text.charAt(at))) {
            at++;
        }
        String prefix = text.substring(start, at).toLowerCase(Locale.ROOT);
        Kind kind = switch (prefix) {
            case "metric", "metrics" -> Kind.METRIC;
            case "param", "params", "parameter", "parameters" -> Kind.PARAM;
            case "tag", "tags" -> Kind.TAG;
            case "attribute", "attributes", "attr", "run" -> Kind.ATTRIBUTE;
            default -> null;
        };
        if (kind == null || !peek('.')) {
            at = start;
            throw error("expected a field such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>");
        }
        at++;
        String key;
        if (peek('"') || peek('`')) {
            key = quoted(text.charAt(at));
        } else {
            int keyStart = at;
            while (at < text.length() && isKeyChar(text.charAt(at))) {
                at++;
            }
            key = text.substring(keyStart, at);
        }
        if (key.isEmpty()) {
            throw error("expected a key after '" + prefix + ".'");
        }
        return new Field(kind, kind == Kind.ATTRIBUTE ? key.toLowerCase(Locale.ROOT) : key, position);
    }

    private List<Literal> valueList() {
        skipSpaces();
        if (!peek('(')) {
            throw error("expected '(' to start the IN list");
        }
        at++;
        List<Literal> values = new ArrayList<>();
        values.add(value());
        skipSpaces();
        while (peek(',')) {
            at++;
            values.add(value());
            skipSpaces();
        }
        if (!peek(')')) {
            throw error("expected ',' or ')' in the IN list");
        }
        at++;
        return values;
    }

    private Literal value() {
        skipSpaces();
        int position = at + 1;
        if (peek('\'') || peek('"')) {
            return new TextLiteral(quoted(text.charAt(at)), position);
        }
        int start = at;
        if (peek('-') || peek('+')) {
            at++;
        }
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
            at++;
        }
        if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
            at++;
            if (peek('-') || peek('+')) {
                at++;
            }
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
        }
        String number = text.substring(start, at);
        try {
            if (number.isEmpty()) {
                throw new NumberFormatException();
            }
            return new NumberLiteral(Double.parseDouble(number), number, position);
        } catch (NumberFormatException e) {
            at = start;
            throw error("expected a number or a quoted string");
        }
    }

    /** A string in the quote at the cursor; the quote doubled inside stands for itself. */
    private String quoted(char quote) {
        int open = at;
        at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == quote) {
                if (peek(quote)) {
                    value.append(quote);
                    at++;
                } else {
                    return value.toString();
                }
            } else if (c == '\\' && at < text.length()) {
                value.append(text.charAt(at++));
            } else {
                value.append(c);
            }
        }
        at = open;
        throw error("this quote " + quote + " is never closed");
    }

    /** Consumes {@code word} (case-insensitive, as a whole word) if it comes next. */
    private boolean keyword(String word) {
        skipSpaces();
        int end = at + word.length();
        if (end <= text.length() && text.regionMatches(true, at, word, 0, word.length())
                && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
            at = end;
            return true;
        }
        return false;
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void skipSpaces() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == '/';
    }

    private ApiException error(String expected) {
        return ApiException.invalid(label + ": " + expected + " at position " + (at + 1) + context());
    }

    private String context() {
        if (at >= text.length()) {
            return " (the end)";
        }
        String rest = text.substring(at);
        return " (near '" + (rest.length() > 20 ? rest.substring(0, 20) + "..." : rest) + "')";
    }
}
