package dev.lodestar.registry;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.lodestar.registry.model.ModelVersionEntity;

/** Reads what registration stored about a version (signature, output, card) into the types the API shows. */
@ApplicationScoped
public class ModelDescriptions {

    private static final TypeReference<List<ModelFeature>> FEATURES = new TypeReference<>() {
    };

    private final ObjectMapper json;

    ModelDescriptions(ObjectMapper json) {
        this.json = json;
    }

    /** The input features, in order; empty for files that are not models Lodestar reads. */
    public List<ModelFeature> signatureOf(ModelVersionEntity version) {
        return version.signature == null ? List.of() : read(version.signature, FEATURES);
    }

    /** What the model answers; null for files that are not models Lodestar reads. */
    public ModelOutput outputOf(ModelVersionEntity version) {
        return version.output == null ? null : read(version.output, new TypeReference<ModelOutput>() {
        });
    }

    /** The version's model card (sections may be null). */
    public ModelCard cardOf(ModelVersionEntity version) {
        return new ModelCard(version.cardIntendedUse, version.cardTrainingData, version.cardEvaluation, version.cardLimitations);
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored model description is not valid JSON", e);
        }
    }
}
