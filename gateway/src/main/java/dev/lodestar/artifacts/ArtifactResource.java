package dev.lodestar.artifacts;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;
import static dev.lodestar.identity.Roles.INFERENCE_SERVER;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.jboss.logging.Logger;

import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;

/**
 * Artifacts over HTTP, outside GraphQL: the raw bytes are streamed in and out, never held in memory.
 * <ul>
 * <li>{@code POST /api/artifacts} (body: the bytes; optional {@code ?name=} file name) stores them and answers 201
 * with {@code {"id", "sha256", "size"}}. The bytes must be what the {@code Content-Type} says ({@link DeclaredContent})
 * and, when the sender announces their SHA-256 ({@code Digest: sha-256=<base64>} or {@code X-Content-SHA256: <hex>}),
 * hash to it; otherwise the upload is refused with 400 and nothing is kept;</li>
 * <li>{@code GET /api/artifacts/{id}} streams them back with their SHA-256 as {@code ETag} and
 * {@code Digest}, to every reader role and to inference servers, which load deployed models from it.</li>
 * </ul>
 */
@Path("/api/artifacts")
public class ArtifactResource {

    private static final Logger LOG = Logger.getLogger(ArtifactResource.class);
    private static final String SHA256_HEADER = "X-Content-SHA256";

    private final ArtifactStore store;
    private final ArtifactService artifacts;
    private final ArtifactsConfig config;

    ArtifactResource(ArtifactStore store, ArtifactService artifacts, ArtifactsConfig config) {
        this.store = store;
        this.artifacts = artifacts;
        this.config = config;
    }

    @POST
    @RolesAllowed(DATA_SCIENTIST)
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(InputStream body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String mediaType,
            @HeaderParam("Digest") String digest, @HeaderParam(SHA256_HEADER) String sha256Header,
            @QueryParam("name") String name) throws IOException {
        checkFileName(name);
        MediaType type;
        try {
            type = DeclaredContent.parse(mediaType);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("Content-Type is not the media type of a file");
        }
        String expected = expectedSha256(digest, sha256Header);
        ArtifactStore.Blob blob;
        try {
            blob = store.put(DeclaredContent.checked(body, type), config.maxSize().asLongValue(), expected);
        } catch (ArtifactStore.TooLarge e) {
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("code", ErrorCode.INVALID_ARGUMENT.name(), "message", e.getMessage())).build();
        } catch (ArtifactStore.DigestMismatch | DeclaredContent.Mismatch e) {
            throw ApiException.invalid(e.getMessage());
        }
        ArtifactEntity artifact = artifacts.register(blob, mediaType, name);
        return Response.created(URI.create("/api/artifacts/" + artifact.id))
                .entity(Map.of("id", artifact.id.toString(), "sha256", artifact.sha256, "size", artifact.size))
                .build();
    }

    /**
     * A file name is a name, never a path: no separators, no {@code .} or {@code ..}, no control characters, at most
     * 255 characters. It is only ever shown (in {@code Content-Disposition}); the bytes are stored by their hash.
     */
    static void checkFileName(String name) {
        if (name != null && (name.isBlank() || name.length() > 255 || name.contains("/") || name.contains("\\")
                || name.equals(".") || name.equals("..") || name.contains("\"")
                || name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT))) {
            throw ApiException.invalid("name must be a plain file name of at most 255 characters, without separators,"
                    + " quotes or control characters, and not . or ..");
        }
    }

    /** The SHA-256 the sender announced (hex), from {@code Digest: sha-256=<base64>} or {@code X-Content-SHA256}, or null. */
    static String expectedSha256(String digest, String sha256Header) {
        String fromDigest = null;
        if (digest != null) {
            for (String entry : digest.split(",")) {
                int equals = entry.indexOf('=');
                if (equals > 0 && entry.substring(0, equals).trim().equalsIgnoreCase("sha-256")) {
                    try {
                        byte[] bytes = Base64.getDecoder().decode(entry.substring(equals + 1).trim());
                        if (bytes.length == 32) {
                            fromDigest = HexFormat.of().formatHex(bytes);
                        }
                    } catch (IllegalArgumentException e) {
                        // Refused below.
                    }
                    if (fromDigest == null) {
                        throw ApiException.invalid("Digest: sha-256 must be the base64 of 32 bytes");
                    }
                }
            }
        }
        String fromHeader = null;
        if (sha256Header != null) {
            fromHeader = sha256Header.trim().toLowerCase(java.util.Locale.ROOT);
            if (!fromHeader.matches("[0-9a-f]{64}")) {
                throw ApiException.invalid(SHA256_HEADER + " must be 64 hex digits");
            }
        }
        if (fromDigest != null && fromHeader != null && !fromDigest.equals(fromHeader)) {
            throw ApiException.invalid("Digest and " + SHA256_HEADER + " announce different SHA-256s");
        }
        return fromDigest != null ? fromDigest : fromHeader;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN, INFERENCE_SERVER })
    public Response download(@PathParam("id") String id) {
        ArtifactEntity artifact = artifacts.get(id);
        if (!store.contains(artifact.sha256)) {
            LOG.errorf("Artifact %s: content %s is missing from the store", artifact.id, artifact.sha256);
            throw new ApiException(ErrorCode.INTERNAL, "the content of artifact " + id + " is missing from the store");
        }
        StreamingOutput content = out -> {
            try (InputStream in = store.open(artifact.sha256)) {
                in.transferTo(out);
            } catch (ArtifactStore.Corrupted e) {
                LOG.errorf("Artifact %s: %s; the download was cut off", artifact.id, e.getMessage());
                throw e;
            }
        };
        String digest = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(artifact.sha256));
        Response.ResponseBuilder response = Response.ok(content, artifact.mediaType)
                .header(HttpHeaders.CONTENT_LENGTH, artifact.size)
                .header(HttpHeaders.ETAG, "\"" + artifact.sha256 + "\"")
                .header("Digest", "sha-256=" + digest)
                .header("X-Content-SHA256", artifact.sha256);
        if (artifact.fileName != null) {
            response.header("Content-Disposition", "attachment; filename=\"" + artifact.fileName.replace("\"", "") + "\"");
        }
        return response.build();
    }
}
