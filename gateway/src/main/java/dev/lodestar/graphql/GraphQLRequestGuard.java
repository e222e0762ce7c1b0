package dev.lodestar.graphql;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import graphql.language.Document;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Checks a GraphQL request before it reaches the engine, answering in GraphQL's error shape:
 * <ul>
 * <li>without a bearer token, or with one that does not verify: HTTP 401 with {@code UNAUTHENTICATED}
 * (and {@code WWW-Authenticate}), since every operation needs an authenticated role. This holds for the
 * schema too: introspection and {@code /graphql/schema.graphql} answer only authenticated callers;</li>
 * <li>a body that is not JSON, lacks {@code query}, or whose query does not parse: HTTP 400 with
 * {@code INVALID_ARGUMENT} and the position of the syntax error;</li>
 * <li>a document over one of the {@link GraphQLLimits}: HTTP 400 with {@code LIMIT_EXCEEDED}, naming the
 * limit. Nothing of such a document runs, so a mutation in it writes nothing.</li>
 * </ul>
 * Queries that passed once are remembered, so a client repeating a document is not parsed twice.
 */
@ApplicationScoped
public class GraphQLRequestGuard {

    private static final int MAX_REMEMBERED = 1_000;
    /** Refuses a key given twice in one object: which of the two counts would otherwise be a guess. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private final Map<String, Boolean> parsed = new ConcurrentHashMap<>();
    private final GraphQLLimits limits;
    private volatile String path;

    GraphQLRequestGuard(GraphQLLimits limits) {
        this.limits = limits;
    }

    void install(@Observes Router router,
            @ConfigProperty(name = "lodestar.http.max-request-body", defaultValue = "16M") MemorySize maxBody,
            @ConfigProperty(name = "quarkus.smallrye-graphql.root-path", defaultValue = "/graphql") String path) {
        this.path = path;
        // After Quarkus's authentication handler (order -200) has set up the lazy identity, before the GraphQL
        // routes (their handlers are registered at startup, with lower orders than any positive value).
        // The content type is checked on a route of its own, before the body is read: a route may not put a
        // handler before its BodyHandler.
        router.route(path).order(-(SecurityHandlerPriorities.AUTHORIZATION + 20)).handler(GraphQLRequestGuard::checkContentType);
        router.route(path).order(-(SecurityHandlerPriorities.AUTHORIZATION + 10))
                .handler(BodyHandler.create(false).setBodyLimit(maxBody.asLongValue()))
                .handler(this::check);
        // The schema in SDL is introspection by another name.
        router.route(path + "/*").order(-(SecurityHandlerPriorities.AUTHORIZATION + 10)).handler(this::check);
    }

    /**
     * A POST must be {@code application/json}: a form or multipart body would otherwise be decoded as form fields
     * (and fail there, past the error shape) before anything could refuse it.
     */
    private static void checkContentType(RoutingContext context) {
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String essence = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (context.request().method() == HttpMethod.POST && !essence.equals("application/json")) {
            context.response().setStatusCode(415)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(CodedError.responseBody(ErrorCode.INVALID_ARGUMENT,
                            "send GraphQL requests as application/json"));
            return;
        }
        context.next();
    }

    private void check(RoutingContext context) {
        if (context.request().method() == HttpMethod.OPTIONS) {
            context.next();
            return;
        }
        String authorization = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthenticated(context, "authentication required: send a bearer token (Authorization: Bearer <token>)", null);
            return;
        }
        context.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (event, failure) ->
                unauthenticated(event, "the bearer token is invalid or has expired", "invalid_token"));
        QuarkusHttpUser.getSecurityIdentity(context, null).subscribe().with(
                identity -> {
                    if (context.response().ended()) {
                        return;
                    }
                    if (context.request().method() == HttpMethod.POST && context.normalizedPath().equals(path)) {
                        checkBody(context);
                    } else {
                        context.next();
                    }
                },
                failure -> {
                    if (!context.response().ended()) {
                        unauthenticated(context, "the bearer token is invalid or has expired", "invalid_token");
                    }
                });
    }

    private void checkBody(RoutingContext context) {
        String text;
        try {
            text = queryOf(context.body().buffer() == null ? new byte[0] : context.body().buffer().getBytes());
        } catch (JsonParseException e) {
            invalid(context, e.getOriginalMessage().startsWith("Duplicate field")
                    ? "the request body gives a key twice in one object (" + e.getOriginalMessage() + ")"
                    : "the request body is not a JSON object");
            return;
        } catch (IOException e) {
            invalid(context, "the request body is not a JSON object");
            return;
        }
        if (text == null || text.isBlank()) {
            invalid(context, "the request body needs a \"query\" string");
            return;
        }
        if (!parsed.containsKey(text)) {
            if (text.length() > limits.maxDocumentSize()) {
                overLimit(context, "the document has " + text.length() + " characters; at most " + limits.maxDocumentSize()
                        + " are allowed (lodestar.graphql.max-document-size)");
                return;
            }
            Document document;
            try {
                document = Parser.parse(text);
            } catch (InvalidSyntaxException e) {
                invalid(context, "syntax error in the query: " + e.getMessage());
                return;
            }
            Optional<String> refusal = DocumentShape.refusal(document, limits);
            if (refusal.isPresent()) {
                overLimit(context, refusal.get());
                return;
            }
            if (parsed.size() >= MAX_REMEMBERED) {
                parsed.clear();
            }
            parsed.put(text, Boolean.TRUE);
        }
        context.next();
    }

    /**
     * The {@code query} string of a GraphQL request body, or null without one. Reads the body as a token
     * stream without building a tree (a {@code logBatch} body holds a thousand objects), and to the end, so
     * malformed JSON anywhere is refused here.
     */
    private static String queryOf(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            String query = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("query".equals(name) && value == JsonToken.VALUE_STRING) {
                    query = parser.getText();
                } else if (("variables".equals(name) || "extensions".equals(name)) && value != JsonToken.START_OBJECT
                        && value != JsonToken.VALUE_NULL) {
                    throw new IOException(name + " is not an object");
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IOException("trailing content");
            }
            return query;
        }
    }

    private static void unauthenticated(RoutingContext context, String message, String error) {
        if (context.response().ended()) {
            return;
        }
        context.response().setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"lodestar\"" + (error == null ? "" : ", error=\"" + error + "\""))
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(CodedError.responseBody(ErrorCode.UNAUTHENTICATED, message));
    }

    private static void overLimit(RoutingContext context, String message) {
        context.response().setStatusCode(400)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(CodedError.responseBody(ErrorCode.LIMIT_EXCEEDED, message));
    }

    private static void invalid(RoutingContext context, String message) {
        context.response().setStatusCode(400)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(CodedError.responseBody(ErrorCode.INVALID_ARGUMENT, message));
    }
}
