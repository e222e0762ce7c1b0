package dev.lodestar.inference.oip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;

import dev.lodestar.inference.oip.v2.InferTensorContents;
import dev.lodestar.inference.oip.v2.ModelInferRequest;
import dev.lodestar.inference.oip.v2.ModelInferRequest.InferInputTensor;
import dev.lodestar.inference.serving.ServableModel;

/**
 * Turns OIP input tensors into rows, in either layout:
 * <ul>
 * <li>one tensor per column, named after it: {@code FP64}, {@code FP32}, {@code INT64} or {@code INT32} for a
 * number column, {@code BYTES} (UTF-8) for a text column, shape {@code [batch]} or {@code [batch, 1]};</li>
 * <li>one {@code FP64} or {@code FP32} tensor of shape {@code [batch, n]} holding the n number columns in
 * signature order (for models without text columns).</li>
 * </ul>
 * Contents come from the typed fields or from {@code raw_input_contents} (little-endian, {@code BYTES}
 * elements as a 4-byte little-endian length and the bytes). Every refusal names the input.
 */
final class Tensors {

    private Tensors() {
    }

    /** The rows of the request laid out in {@code columns} order. */
    static Object[][] rows(ModelInferRequest request, List<ServableModel.Column> columns) {
        List<InferInputTensor> inputs = request.getInputsList();
        boolean raw = request.getRawInputContentsCount() > 0;
        if (raw && request.getRawInputContentsCount() != inputs.size()) {
            throw new IllegalArgumentException("raw_input_contents has " + request.getRawInputContentsCount()
                    + " entries for " + inputs.size() + " inputs");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no inputs given");
        }
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (byName.put(inputs.get(i).getName(), i) != null) {
                throw new IllegalArgumentException("input '" + inputs.get(i).getName() + "' is given twice");
            }
        }
        if (inputs.size() == 1 && isMatrix(inputs.get(0), columns)) {
            return matrix(inputs.get(0), raw ? request.getRawInputContents(0) : null, columns);
        }
        // Every column's contents are read (and their sizes checked against the shapes) before the rows are
        // allocated, so a shape that promises more than the request holds is refused, not allocated.
        int batch = -1;
        Object[] values = new Object[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            ServableModel.Column column = columns.get(c);
            Integer index = byName.remove(column.name());
            if (index == null) {
                throw new IllegalArgumentException("input '" + column.name() + "' is missing");
            }
            InferInputTensor input = inputs.get(index);
            int size = batchOf(input);
            if (batch < 0) {
                batch = size;
            } else if (size != batch) {
                throw new IllegalArgumentException("input '" + input.getName() + "' has " + size + " rows, other inputs "
                        + batch);
            }
            ByteString rawContent = raw ? request.getRawInputContents(index) : null;
            values[c] = column.text() ? texts(input, rawContent, batch) : numbers(input, rawContent, batch);
        }
        if (!byName.isEmpty()) {
            throw new IllegalArgumentException("input '" + byName.keySet().iterator().next() + "' is not an input of the model");
        }
        if (batch < 0) {
            return new Object[0][];
        }
        Object[][] rows = new Object[batch][columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            if (values[c] instanceof String[] texts) {
                for (int r = 0; r < batch; r++) {
                    rows[r][c] = texts[r];
                }
            } else {
                double[] numbers = (double[]) values[c];
                for (int r = 0; r < batch; r++) {
                    rows[r][c] = numbers[r];
                }
            }
        }
        return rows;
    }

    private static boolean isMatrix(InferInputTensor input, List<ServableModel.Column> columns) {
        if (input.getShapeCount() != 2) {
            return false;
        }
        boolean namesAColumn = columns.stream().anyMatch(c -> c.name().equals(input.getName()));
        return !namesAColumn || (columns.size() > 1 && input.getShape(1) == columns.size());
    }

    private static Object[][] matrix(InferInputTensor input, ByteString rawContent, List<ServableModel.Column> columns) {
        String name = input.getName();
        for (ServableModel.Column column : columns) {
            if (column.text()) {
                throw new IllegalArgumentException("input '" + name + "': the model reads text column '" + column.name()
                        + "', so it takes one tensor per column, not a [batch, n] matrix");
            }
        }
        if (!input.getDatatype().equals("FP64") && !input.getDatatype().equals("FP32")) {
            throw new IllegalArgumentException("input '" + name + "': a [batch, n] matrix must be FP64 or FP32, got "
                    + input.getDatatype());
        }
        long batchDim = input.getShape(0);
        long width = input.getShape(1);
        if (width != columns.size()) {
            throw new IllegalArgumentException("input '" + name + "': the model reads " + columns.size()
                    + " number columns, the matrix has " + width);
        }
        if (batchDim < 0 || batchDim > Integer.MAX_VALUE / Math.max(1, width)) {
            throw new IllegalArgumentException("input '" + name + "': invalid shape " + input.getShapeList());
        }
        int batch = (int) batchDim;
        double[] values = doubles(input, rawContent, batch * (int) width);
        Object[][] rows = new Object[batch][columns.size()];
        for (int r = 0; r < batch; r++) {
            for (int c = 0; c < width; c++) {
                rows[r][c] = values[r * (int) width + c];
            }
        }
        return rows;
    }

    private static int batchOf(InferInputTensor input) {
        List<Long> shape = input.getShapeList();
        boolean ok = (shape.size() == 1 || (shape.size() == 2 && shape.get(1) == 1)) && shape.get(0) >= 0
                && shape.get(0) <= Integer.MAX_VALUE;
        if (!ok) {
            throw new IllegalArgumentException("input '" + input.getName() + "': shape must be [batch] or [batch, 1], got "
                    + shape);
        }
        return (int) (long) shape.get(0);
    }

    private static double[] numbers(InferInputTensor input, ByteString raw, int count) {
        return switch (input.getDatatype()) {
            case "FP64", "FP32", "INT64", "INT32" -> doubles(input, raw, count);
            default -> throw new IllegalArgumentException("input '" + input.getName()
                    + "' is a number column: FP64, FP32, INT64 or INT32 expected, got " + input.getDatatype());
        };
    }

    private static double[] doubles(InferInputTensor input, ByteString raw, int count) {
        String type = input.getDatatype();
        if (raw != null) {
            int width = switch (type) {
                case "FP64", "INT64" -> 8;
                default -> 4;
            };
            if (raw.size() != (long) count * width) {
                throw new IllegalArgumentException("input '" + input.getName() + "': " + raw.size() + " raw bytes, "
                        + (long) count * width + " expected for " + count + " " + type + " elements");
            }
            double[] values = new double[count];
            ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                values[i] = switch (type) {
                    case "FP64" -> buffer.getDouble();
                    case "FP32" -> buffer.getFloat();
                    case "INT64" -> buffer.getLong();
                    default -> buffer.getInt();
                };
            }
            return values;
        }
        InferTensorContents contents = input.getContents();
        int given = switch (type) {
            case "FP64" -> contents.getFp64ContentsCount();
            case "FP32" -> contents.getFp32ContentsCount();
            case "INT64" -> contents.getInt64ContentsCount();
            default -> contents.getIntContentsCount();
        };
        if (given != count) {
            throw new IllegalArgumentException("input '" + input.getName() + "': " + given + " " + type
                    + " contents, " + count + " expected");
        }
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (type) {
                case "FP64" -> contents.getFp64Contents(i);
                case "FP32" -> contents.getFp32Contents(i);
                case "INT64" -> contents.getInt64Contents(i);
                default -> contents.getIntContents(i);
            };
        }
        return values;
    }

    private static String[] texts(InferInputTensor input, ByteString raw, int count) {
        if (!input.getDatatype().equals("BYTES")) {
            throw new IllegalArgumentException("input '" + input.getName() + "' is a text column: BYTES expected, got "
                    + input.getDatatype());
        }
        if (raw != null) {
            if (raw.size() / 4 < count) {
                throw new IllegalArgumentException("input '" + input.getName() + "': " + raw.size() + " raw bytes cannot hold "
                        + count + " BYTES elements (each needs a 4-byte length)");
            }
            String[] values = new String[count];
            ByteBuffer buffer = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                if (buffer.remaining() < 4) {
                    throw new IllegalArgumentException("input '" + input.getName() + "': raw contents end after " + i
                            + " of " + count + " elements");
                }
                int length = buffer.getInt();
                if (length < 0 || length > buffer.remaining()) {
                    throw new IllegalArgumentException("input '" + input.getName() + "': element " + i
                            + " claims " + length + " bytes, " + buffer.remaining() + " remain");
                }
                byte[] bytes = new byte[length];
                buffer.get(bytes);
                values[i] = utf8(input, i, ByteBuffer.wrap(bytes));
            }
            if (buffer.hasRemaining()) {
                throw new IllegalArgumentException("input '" + input.getName() + "': " + buffer.remaining()
                        + " raw bytes left after " + count + " elements");
            }
            return values;
        }
        InferTensorContents contents = input.getContents();
        if (contents.getBytesContentsCount() != count) {
            throw new IllegalArgumentException("input '" + input.getName() + "': " + contents.getBytesContentsCount()
                    + " BYTES contents, " + count + " expected");
        }
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = utf8(input, i, contents.getBytesContents(i).asReadOnlyByteBuffer());
        }
        return values;
    }

    /** A {@code BYTES} element as text; bytes that are not UTF-8 are refused, not replaced. */
    private static String utf8(InferInputTensor input, int element, ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("input '" + input.getName() + "': element " + element
                    + " is not valid UTF-8 text");
        }
    }
}
