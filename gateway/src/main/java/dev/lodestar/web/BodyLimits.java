package dev.lodestar.web;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.lodestar.artifacts.ArtifactsConfig;
import dev.lodestar.datasets.DatasetsConfig;
import dev.lodestar.drift.DriftConfig;
import dev.lodestar.graphql.ErrorCode;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies of JSON and form endpoints stay small. The server-wide limit
 * ({@code quarkus.http.limits.max-body-size}) stays above the streamed limits, which the store enforces with a coded
 * answer; every other body must declare its length and stay under
 * {@code lodestar.http.max-request-body} (GraphQL enforces the same limit on its own, chunked bodies included).
 * The streaming endpoints ({@code /api/artifacts}, {@code /api/datasets}) have limits of their own: a declared
 * length over them is refused before a byte of the body is read, so a client announcing 2 GB learns at once; a
 * chunked body is counted by the store as it streams. The inference servers' drift windows
 * ({@code /api/serving/windows}) are not streamed but may be larger than other bodies: they have a limit of their
 * own and, like every non-streaming body, must declare their length.
 */
@ApplicationScoped
public class BodyLimits {

    private final List<ErrorFormat> formats;

    BodyLimits(Instance<ErrorFormat> formats) {
        this.formats = formats.stream().toList();
    }

    void install(@Observes Router router,
            @ConfigProperty(name = "lodestar.http.max-request-body", defaultValue = "16M") MemorySize limit,
            ArtifactsConfig artifacts, DatasetsConfig datasets, DriftConfig drift) {
        Map<String, Long> streaming = Map.of("/api/artifacts", artifacts.maxSize().asLongValue(),
                "/api/datasets", datasets.maxSize().asLongValue());
        Map<String, Long> own = Map.of("/api/serving/windows", drift.maxWindowsBody().asLongValue());
        long max = limit.asLongValue();
        router.route().order(-300).handler(context -> check(context, max, streaming, own));
    }

    private void check(RoutingContext context, long max, Map<String, Long> streaming, Map<String, Long> own) {
        String path = context.normalizedPath();
        if (context.request().method().name().equals("GET") || path.equals("/graphql")) {
            context.next();
            return;
        }
        Long streamed = streaming.get(path);
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            if (streamed == null && "chunked".equalsIgnoreCase(context.request().getHeader(HttpHeaders.TRANSFER_ENCODING))) {
                refuse(context, 411, "send this request with a Content-Length");
                return;
            }
        } else {
            try {
                long limit = streamed != null ? streamed : own.getOrDefault(path, max);
                if (Long.parseLong(length.trim()) > limit) {
                    context.response().putHeader(HttpHeaders.CONNECTION, "close");
                    refuse(context, 413, "the request body is larger than the limit of " + limit + " bytes");
                    return;
                }
            } catch (NumberFormatException e) {
                refuse(context, 400, "Content-Length is not a number");
                return;
            }
        }
        context.next();
    }

    /** A refusal in the shape the path's clients read (MLflow's under its prefix). */
    private void refuse(RoutingContext context, int status, String message) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(ErrorFormat.of(formats, context.normalizedPath()).refusalJson(ErrorCode.INVALID_ARGUMENT, message));
    }
}
