package dev.lodestar.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns a valid JSON request body into a hostile one, deterministically for a given {@link Random}. In the tree:
 * fields dropped, duplicated or given values of another type, NaN and infinities, numbers beyond any range, a
 * megabyte of text, right-to-left and zero-width characters, lone surrogates, arrays blown up, 10,000 levels of
 * nested arrays or objects. On the bytes: cut off, invalid UTF-8 spliced in, or replaced by noise.
 */
public final class JsonMutator {

    /** Marks a value that is written as raw JSON text (which may not be JSON at all) instead of as a string. */
    private static final String RAW = "\u0001raw:";

    private static final java.util.regex.Pattern RAW_PLACEHOLDER = java.util.regex.Pattern.compile("\"\\\\u0001raw:(\\d+)\"");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Strings a careless server mishandles. */
    static final List<String> HOSTILE_STRINGS = List.of("", " ", "\u0000", "../../etc/passwd", "..\\..\\windows\\win.ini",
            "%2e%2e%2f%2e%2e%2f", "\u202eevil\u202c", "a\u200bb\u200d\ufeff", "\ud800", "x\udfffy", "\uffff", "💥🧨",
            "NaN", "-Infinity", "1e309", "'; drop table run; --", "<script>alert(1)</script>", "${jndi:ldap://x/a}",
            "{{7*7}}", "\r\n\r\nX-Injected: 1", "00000000-0000-0000-0000-000000000000", "ffffffffffffffffffffffffffffffff",
            "-1", "9223372036854775808", "x".repeat(5_000));

    /** Raw JSON number tokens a careless server mishandles; NaN and the infinities are not JSON at all. */
    static final List<String> HOSTILE_NUMBERS = List.of("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "4.9e-325", "-0",
            "123456789012345678901234567890", "-9223372036854775809", "9223372036854775807", "2147483648", "-1", "0",
            "1.5", "0x10", "1_000");

    private final Random random;
    private final List<String> raws = new ArrayList<>();

    public JsonMutator(Random random) {
        this.random = random;
    }

    /** One to three mutations of {@code valid}, as the bytes of a request body. */
    public byte[] mutate(JsonNode valid) {
        raws.clear();
        JsonNode tree = valid.deepCopy();
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            tree = mutateTree(tree);
        }
        byte[] bytes = write(tree);
        return switch (random.nextInt(12)) {
            case 0 -> Arrays.copyOf(bytes, random.nextInt(Math.max(1, bytes.length)));
            case 1 -> spliceInvalidUtf8(bytes);
            case 2 -> duplicateFirstKey(bytes);
            default -> bytes;
        };
    }

    /** Random bytes: sometimes nothing, sometimes almost JSON, sometimes pure noise. */
    public byte[] noise() {
        return switch (random.nextInt(4)) {
            case 0 -> new byte[0];
            case 1 -> ("{\"" + randomText(8) + "\":").getBytes(StandardCharsets.UTF_8);
            case 2 -> nesting(10_000).getBytes(StandardCharsets.UTF_8);
            default -> {
                byte[] bytes = new byte[random.nextInt(2048)];
                random.nextBytes(bytes);
                yield bytes;
            }
        };
    }

    /** {@code depth} levels of nested arrays or objects, unclosed at random. */
    public String nesting(int depth) {
        boolean arrays = random.nextBoolean();
        StringBuilder text = new StringBuilder(depth * 6);
        for (int i = 0; i < depth; i++) {
            text.append(arrays ? "[" : "{\"a\":");
        }
        text.append("1");
        if (random.nextInt(4) > 0) {
            for (int i = 0; i < depth; i++) {
                text.append(arrays ? "]" : "}");
            }
        }
        return text.toString();
    }

    /** A hostile string: one of the usual suspects, a megabyte of text, or random code points. */
    public String string() {
        return switch (random.nextInt(10)) {
            case 0 -> "é".repeat(1 << 19);
            case 1, 2 -> randomText(1 + random.nextInt(40));
            default -> HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size()));
        };
    }

    private JsonNode mutateTree(JsonNode root) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty() || random.nextInt(20) == 0) {
            return hostileValue();
        }
        ContainerNode<?> container = (ContainerNode<?>) containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty() || random.nextInt(6) == 0) {
                object.set(random.nextBoolean() ? randomText(6) : string(), hostileValue());
                return root;
            }
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name, retyped(object.get(name)));
                default -> object.set(name, hostileValue());
            }
        } else {
            ArrayNode array = (ArrayNode) container;
            switch (random.nextInt(4)) {
                case 0 -> array.removeAll();
                case 1 -> {
                    if (!array.isEmpty()) {
                        JsonNode element = array.get(random.nextInt(array.size()));
                        // Up to 5,000 copies, but not past about 4 MB: oversized bodies are tried without taking minutes.
                        int size = Math.max(1, element.toString().length());
                        int copies = Math.min(random.nextBoolean() ? 2 : 1 + random.nextInt(5000), 4_000_000 / size + 1);
                        for (int i = 0; i < copies; i++) {
                            array.add(element.deepCopy());
                        }
                    }
                }
                case 2 -> array.add(hostileValue());
                default -> {
                    if (!array.isEmpty()) {
                        array.set(random.nextInt(array.size()), hostileValue());
                    }
                }
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    private JsonNode retyped(JsonNode value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(6)) {
            case 0 -> nodes.textNode(value.isTextual() ? value.textValue() + "x" : value.toString());
            case 1 -> nodes.numberNode(random.nextInt());
            case 2 -> nodes.booleanNode(random.nextBoolean());
            case 3 -> nodes.nullNode();
            case 4 -> nodes.arrayNode().add(value.deepCopy());
            default -> nodes.objectNode().set("value", value.deepCopy());
        };
    }

    private JsonNode hostileValue() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(8)) {
            case 0, 1 -> raw(HOSTILE_NUMBERS.get(random.nextInt(HOSTILE_NUMBERS.size())));
            case 2 -> raw(nesting(random.nextBoolean() ? 10_000 : 200));
            case 3 -> nodes.nullNode();
            case 4 -> nodes.objectNode().put(string(), string());
            default -> nodes.textNode(string());
        };
    }

    private byte[] write(JsonNode tree) {
        String text;
        try {
            text = JSON.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // Raw values were written as strings "\u0001raw:N"; put their text in place, unquoted.
        java.util.regex.Matcher matcher = RAW_PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(raws.get(Integer.parseInt(matcher.group(1)))));
        }
        matcher.appendTail(out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode raw(String text) {
        raws.add(text);
        return JsonNodeFactory.instance.textNode(RAW + (raws.size() - 1));
    }

    private byte[] spliceInvalidUtf8(byte[] bytes) {
        byte[][] invalid = {{(byte) 0xc3}, {(byte) 0xff, (byte) 0xfe}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf}};
        byte[] bad = invalid[random.nextInt(invalid.length)];
        // Inside a string value where there is one, so the JSON is otherwise well formed.
        int quote = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '"' && random.nextInt(4) == 0) {
                quote = i;
                break;
            }
        }
        int at = quote >= 0 ? quote + 1 : random.nextInt(bytes.length + 1);
        byte[] spliced = new byte[bytes.length + bad.length];
        System.arraycopy(bytes, 0, spliced, 0, at);
        System.arraycopy(bad, 0, spliced, at, bad.length);
        System.arraycopy(bytes, at, spliced, at + bad.length, bytes.length - at);
        return spliced;
    }

    private static byte[] duplicateFirstKey(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.startsWith("{\"")) {
            return bytes;
        }
        int colon = text.indexOf("\":", 2);
        if (colon < 0) {
            return bytes;
        }
        String key = text.substring(1, colon + 1);
        return ("{" + key + ":null," + text.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    private String randomText(int codePoints) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            int codePoint = random.nextInt(0x30000);
            if (Character.isSurrogate((char) codePoint) && codePoint < 0x10000) {
                codePoint = 0x202e;
            }
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    /** The parsed body, as a server reading it strictly would see it; null if it is not JSON. */
    public static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** Fields of an object as a map, for building valid requests. */
    public static ObjectNode object(Map<String, ?> fields) {
        return JSON.valueToTree(fields);
    }
}
