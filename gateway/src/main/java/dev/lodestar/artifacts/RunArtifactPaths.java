package dev.lodestar.artifacts;

import java.util.regex.Pattern;

import dev.lodestar.graphql.ApiException;

/**
 * Paths of files within a run ({@code model/model.tribuo}): relative, at most 500 characters, segments of letters,
 * digits and {@code _ - . +}, never {@code .} or {@code ..}, so a path can never leave its run when artifacts
 * are laid out as files.
 */
final class RunArtifactPaths {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_\\-.+]+");

    private RunArtifactPaths() {
    }

    static String check(String path) {
        if (path == null || path.isEmpty() || path.length() > 500 || path.startsWith("/") || path.endsWith("/")) {
            throw ApiException.invalid("a run file path must be relative, 1 to 500 characters, got '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw ApiException.invalid("'" + path + "' is not a run file path: segments are letters, digits and _ - . +,"
                        + " never . or ..");
            }
        }
        return path;
    }
}
