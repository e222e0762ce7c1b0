package dev.lodestar.datasets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.lodestar.graphql.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a dataset upload whose Content-Length is over {@code lodestar.datasets.max-size} with 413 before a byte
 * of its body is read, so a client announcing 2 GB learns at once instead of after sending them. Uploads without
 * a length (chunked) are counted as they stream (see {@link DatasetResource}).
 */
@ApplicationScoped
public class DatasetUploadLimits {

    void install(@Observes Router router, DatasetsConfig config) {
        long max = config.maxSize().asLongValue();
        router.post("/api/datasets").order(-301).handler(context -> check(context, max));
    }

    private static void check(RoutingContext context, long max) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > max) {
                    context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                            .putHeader(HttpHeaders.CONNECTION, "close")
                            .end(new JsonObject().put("code", ErrorCode.INVALID_ARGUMENT.name())
                                    .put("message", DatasetResource.tooLargeMessage(max)).encode());
                    return;
                }
            } catch (NumberFormatException e) {
                // BodyLimits answers a malformed length.
            }
        }
        context.next();
    }
}
