package dev.lodestar.experiments;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.lodestar.graphql.ApiException;

/**
 * What names and values tracking accepts, close to MLflow's limits so MLflow clients behave the same here.
 * Keys are 1 to 250 characters of letters, digits, {@code _ - . : /} and spaces, never a {@code ..} path
 * segment nor starting with {@code /} (keys may become file names in artifact stores).
 */
final class TrackingRules {

    static final int MAX_KEY = 250;
    static final int MAX_PARAM_VALUE = 6_000;
    static final int MAX_TAG_VALUE = 8_000;
    static final int MAX_NAME = 256;
    static final int MAX_DESCRIPTION = 5_000;
    static final int MAX_METRICS_PER_BATCH = 1_000;
    static final int MAX_PARAMS_PER_BATCH = 100;
    static final int MAX_TAGS_PER_BATCH = 100;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_\\-.:/ ]+");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private TrackingRules() {
    }

    /** A metric, param or tag key; {@code what} names it in the error. */
    static String key(String what, String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY) {
            throw ApiException.invalid(what + " key must be 1 to " + MAX_KEY + " characters, got "
                    + (key == null ? "none" : key.length()));
        }
        if (!KEY.matcher(key).matches() || key.startsWith("/") || key.equals("..") || key.startsWith("../")
                || key.contains("/../") || key.endsWith("/..")) {
            throw ApiException.invalid(what + " key '" + key + "' may hold only letters, digits, spaces and _ - . : /"
                    + " and may not start with / or contain .. segments");
        }
        return key;
    }

    /** Tags given to a creation, checked, in the order given; a key given twice is refused. */
    static Map<String, String> tags(List<TagInput> tags) {
        Map<String, String> checked = new LinkedHashMap<>();
        if (tags != null) {
            for (TagInput tag : tags) {
                String key = key("tag", tag.key());
                if (checked.put(key, tagValue(key, tag.value())) != null) {
                    throw ApiException.invalid("tag '" + key + "' is given twice");
                }
            }
        }
        return checked;
    }

    static String paramValue(String key, String value) {
        return value("param '" + key + "'", value, MAX_PARAM_VALUE);
    }

    static String tagValue(String key, String value) {
        return value("tag '" + key + "'", value, MAX_TAG_VALUE);
    }

    /** An experiment name: trimmed, 1 to {@value #MAX_NAME} characters, no control characters. */
    static String experimentName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME || CONTROL.matcher(trimmed).find()) {
            throw ApiException.invalid("an experiment name must be 1 to " + MAX_NAME
                    + " printable characters");
        }
        return trimmed;
    }

    /** A run name: optional, at most {@value #MAX_NAME} printable characters. */
    static String runName(String name) {
        if (name == null) {
            return null;
        }
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME || CONTROL.matcher(trimmed).find()) {
            throw ApiException.invalid("a run name must be at most " + MAX_NAME + " printable characters");
        }
        return trimmed.isEmpty() ? null : trimmed;
    }

    static String description(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.invalid("a description must be at most " + MAX_DESCRIPTION + " characters");
        }
        return description;
    }

    private static String value(String what, String value, int max) {
        if (value == null) {
            throw ApiException.invalid(what + " needs a value");
        }
        if (value.length() > max) {
            throw ApiException.invalid(what + " value must be at most " + max + " characters, got " + value.length());
        }
        return value;
    }
}
