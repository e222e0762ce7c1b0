package dev.lodestar.experiments;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.Function;

import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.InputReaders;

/** Direct readers of the tracking inputs that arrive in bulk: metric points, params and tags. */
@Singleton
@Unremovable
public class TrackingInputReaders implements InputReaders {

    @Override
    public Map<String, Function<Map<String, Object>, Object>> inputTypes() {
        return Map.of(
                "MetricInput", fields -> new MetricInput((String) fields.get("key"),
                        ((Number) fields.get("value")).doubleValue(), step(fields.get("step")),
                        instant(fields.get("timestamp"))),
                "ParamInput", fields -> new ParamInput((String) fields.get("key"), (String) fields.get("value")),
                "TagInput", fields -> new TagInput((String) fields.get("key"), (String) fields.get("value")));
    }

    /** The engine's Int scalar checks the range but lets fractions through; steps are whole numbers. */
    private static Integer step(Object value) {
        if (value == null) {
            return null;
        }
        Number number = (Number) value;
        if (number.doubleValue() != Math.rint(number.doubleValue())) {
            throw ApiException.invalid("step must be a whole number, got " + value);
        }
        return number.intValue();
    }



    private static Instant instant(Object value) {
        if (value == null || value instanceof Instant) {
            return (Instant) value;
        }
        try {
            return OffsetDateTime.parse(value.toString()).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("timestamp '" + value + "' is not an ISO-8601 date-time with offset,"
                    + " such as 2026-01-31T12:00:00Z");
        }
    }
}
