package dev.lodestar.training;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

import dev.lodestar.graphql.ApiException;

/**
 * A param a trainer accepts: its kind, range and default. Values arrive as strings (GraphQL {@code ParamInput})
 * and are checked here, so a job never fails on a param it was given.
 *
 * @param name         the param's name in {@code params}
 * @param kind         {@code INT}, {@code DOUBLE} or {@code CHOICE}
 * @param min          smallest allowed value (numbers)
 * @param max          largest allowed value (numbers)
 * @param choices      allowed values ({@code CHOICE})
 * @param defaultValue the value used when the param is not given; null when the trainer's seed follows the job's
 * @param description  what it does
 */
@Type("TrainerParam")
@Description("A param a trainer accepts.")
public record TrainerParam(@NonNull String name, @NonNull String kind, Double min, Double max, @NonNull List<@NonNull String> choices,
        String defaultValue, @NonNull String description) {

    static TrainerParam integer(String name, long min, long max, Long defaultValue, String description) {
        return new TrainerParam(name, "INT", (double) min, (double) max, List.of(),
                defaultValue == null ? null : defaultValue.toString(), description);
    }

    static TrainerParam decimal(String name, double min, double max, double defaultValue, String description) {
        return new TrainerParam(name, "DOUBLE", min, max, List.of(), Double.toString(defaultValue), description);
    }

    static TrainerParam choice(String name, List<String> choices, String description) {
        return new TrainerParam(name, "CHOICE", null, null, choices, choices.get(0), description);
    }

    /** A yes/no param: a {@code CHOICE} of {@code true} and {@code false}. */
    static TrainerParam flag(String name, boolean defaultValue, String description) {
        return new TrainerParam(name, "CHOICE", null, null, List.of("true", "false"), Boolean.toString(defaultValue), description);
    }

    /** The value checked against kind and range, in canonical form; {@code INVALID_ARGUMENT} naming the param. */
    String check(String value) {
        String prefix = "params: '" + name + "' ";
        switch (kind) {
            case "INT" -> {
                long parsed;
                try {
                    parsed = Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.invalid(prefix + "must be a whole number, got '" + value + "'");
                }
                if (parsed < min || parsed > max) {
                    throw ApiException.invalid(prefix + "must be between " + min.longValue() + " and " + max.longValue() + ", got " + parsed);
                }
                return Long.toString(parsed);
            }
            case "DOUBLE" -> {
                double parsed;
                try {
                    parsed = Double.parseDouble(value.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.invalid(prefix + "must be a number, got '" + value + "'");
                }
                if (!(parsed >= min && parsed <= max)) {
                    throw ApiException.invalid(prefix + "must be between " + min + " and " + max + ", got " + value);
                }
                return Double.toString(parsed);
            }
            default -> {
                if (!choices.contains(value)) {
                    throw ApiException.invalid(prefix + "must be one of " + choices + ", got '" + value + "'");
                }
                return value;
            }
        }
    }
}
