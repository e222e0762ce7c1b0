package dev.lodestar.mlflow;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads MLflow requests the way the MLflow server does: a JSON body for POST, PATCH and DELETE, query parameters
 * for GET (and for a DELETE without a body), repeated parameters for repeated fields. Numbers are accepted as
 * JSON numbers or strings, since protobuf's JSON writes 64-bit integers as strings. A body that is not JSON is
 * {@code BAD_REQUEST}, a value of the wrong kind {@code INVALID_PARAMETER_VALUE}, both in MLflow's JSON.
 */
@ApplicationScoped
public class MlflowRequests {

    private final ObjectMapper json;

    MlflowRequests(ObjectMapper json) {
        this.json = json.copy()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY, true);
    }

    /**
     * The request of type {@code type} from a body (when there is one) or the query parameters. The body is read as
     * UTF-8 bytes, so a malformed sequence is refused rather than stored as replacement characters.
     */
    public <T> T read(byte[] body, UriInfo uri, Class<T> type) {
        JsonNode tree;
        if (body != null && !blank(body)) {
            try {
                tree = json.readTree(body);
            } catch (IOException e) {
                throw new MlflowException(MlflowErrorCode.BAD_REQUEST, "the request body is not valid JSON in UTF-8");
            }
            if (!tree.isObject()) {
                throw new MlflowException(MlflowErrorCode.BAD_REQUEST, "the request body must be a JSON object");
            }
        } else {
            tree = fromQuery(uri);
        }
        try {
            return json.treeToValue(tree, type);
        } catch (StreamReadException e) {
            throw new MlflowException(MlflowErrorCode.BAD_REQUEST, "the request body is not valid JSON");
        } catch (JsonMappingException e) {
            throw new MlflowException(MlflowErrorCode.INVALID_PARAMETER_VALUE,
                    "invalid value for parameter '" + fieldOf(e) + "'");
        } catch (JsonProcessingException e) {
            throw new MlflowException(MlflowErrorCode.BAD_REQUEST, "the request could not be read");
        }
    }

    private static boolean blank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Query parameters as an object: one value as a string, repeated ones as an array. */
    private ObjectNode fromQuery(UriInfo uri) {
        ObjectNode tree = json.createObjectNode();
        for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters().entrySet()) {
            List<String> values = parameter.getValue();
            if (values.size() == 1) {
                tree.put(parameter.getKey(), values.get(0));
            } else {
                ArrayNode array = tree.putArray(parameter.getKey());
                values.forEach(array::add);
            }
        }
        return tree;
    }

    private static String fieldOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "?" : path.toString();
    }
}
