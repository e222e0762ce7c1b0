package dev.lodestar.tribuo;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.regression.Regressor;

import com.google.protobuf.InvalidProtocolBufferException;
import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;

/**
 * Reading Tribuo models from their protobuf form, safely, and describing them for the registry.
 *
 * <p>Only Tribuo's protobuf format is read, never Java serialization, and only when the model class it names
 * is one of Tribuo's own ({@code org.tribuo.}): the format names the class to instantiate, and uploaded bytes
 * must not choose arbitrary classes.
 */
public final class TribuoModels {

    private static final String TRIBUO_PACKAGE = "org.tribuo.";

    private TribuoModels() {
    }

    /**
     * An input column of a model, as clients name it.
     *
     * @param name       the column's name
     * @param type       {@code NUMBER} or {@code TEXT}
     * @param categories for {@code TEXT}, the categories seen in training (sorted); empty for {@code NUMBER}
     */
    public record Feature(String name, String type, List<String> categories) {
    }

    /**
     * What a model answers.
     *
     * @param kind    {@code LABEL} (classification), {@code REGRESSION}, or {@code OTHER}
     * @param classes class labels for {@code LABEL}, output dimensions for {@code REGRESSION}
     */
    public record Output(String kind, List<String> classes) {
    }

    /**
     * A model described for the registry.
     *
     * @param modelClass     the Tribuo model class
     * @param signature      the columns it reads, in order (its {@link InputSchema})
     * @param output         what it answers
     * @param provenanceJson its full training provenance, as olcut's JSON
     */
    public record Description(String modelClass, List<Feature> signature, Output output, String provenanceJson) {
    }

    /** The bytes are not a Tribuo model at all (another format). */
    public static final class NotTribuo extends Exception {
        NotTribuo(String message) {
            super(message);
        }
    }

    /** The bytes claim to be a Tribuo model but cannot be read as one. */
    public static final class Unreadable extends Exception {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads a model.
     *
     * @throws NotTribuo  if the bytes are not a Tribuo protobuf model, or name a class outside Tribuo
     * @throws Unreadable if they are, but the model cannot be rebuilt from them
     */
    public static Model<?> read(InputStream content) throws NotTribuo, Unreadable, IOException {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(content);
        } catch (InvalidProtocolBufferException e) {
            throw new NotTribuo("not a Tribuo protobuf model");
        }
        if (!proto.getClassName().startsWith(TRIBUO_PACKAGE) || !proto.hasSerializedData()) {
            throw new NotTribuo(proto.getClassName().isEmpty() ? "not a Tribuo protobuf model"
                    : "model class " + proto.getClassName() + " is not a Tribuo class");
        }
        try {
            return Model.deserialize(proto);
        } catch (RuntimeException e) {
            throw new Unreadable("a Tribuo model of class " + proto.getClassName() + " that cannot be read: " + e.getMessage(), e);
        }
    }

    /** Describes a model: its input columns ({@link InputSchema#of}), output and provenance. */
    public static Description describe(Model<?> model) {
        List<InputSchema.Column> columns = InputSchema.of(model).columns();
        List<Feature> signature = new ArrayList<>(columns.size());
        for (InputSchema.Column column : columns) {
            signature.add(new Feature(column.name(), column.type().name(), column.categories()));
        }
        String provenance = new JsonProvenanceSerialization(true)
                .serializeToString(ProvenanceUtil.marshalProvenance(model.getProvenance()));
        return new Description(model.getClass().getName(), signature, outputOf(model), provenance);
    }

    private static Output outputOf(Model<?> model) {
        TreeSet<String> names = new TreeSet<>();
        if (model.validate(Label.class)) {
            for (Object label : model.getOutputIDInfo().getDomain()) {
                names.add(((Label) label).getLabel());
            }
            return new Output("LABEL", List.copyOf(names));
        }
        if (model.validate(Regressor.class)) {
            for (Object regressor : model.getOutputIDInfo().getDomain()) {
                names.addAll(List.of(((Regressor) regressor).getNames()));
            }
            return new Output("REGRESSION", List.copyOf(names));
        }
        for (Object output : model.getOutputIDInfo().getDomain()) {
            names.add(output.toString());
        }
        return new Output("OTHER", List.copyOf(names));
    }
}
