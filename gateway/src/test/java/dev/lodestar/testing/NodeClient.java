package dev.lodestar.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs {@code src/test/node/client.mjs}: Node's {@code @grpc/grpc-js} loading the project's .proto files at run
 * time, an inference client that shares no code with the server. Installs its npm packages on first use.
 */
public final class NodeClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final String target;

    /**
     * @param home   the project's root folder
     * @param target the inference server's {@code host:port}
     */
    public NodeClient(Path home, String target) {
        this.home = home;
        this.target = target;
    }

    /** Sends one request; returns {@code {"answer": ...}} or {@code {"error": {"code", "details"}}}. */
    public JsonNode call(String command, Object request) throws IOException, InterruptedException {
        Path scripts = home.resolve("gateway/src/test/node");
        if (!Files.isDirectory(scripts.resolve("node_modules/@grpc/grpc-js"))) {
            run(scripts, List.of("npm", "ci", "--no-audit", "--no-fund"), null);
        }
        String output = run(scripts, List.of("node", "client.mjs", home.resolve("inference-grpc/src/main/proto").toString(),
                target, command), JSON.writeValueAsBytes(request));
        return JSON.readTree(output);
    }

    private static String run(Path directory, List<String> command, byte[] input) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("node-client", ".log");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectError(errors.toFile()).start();
            if (input != null) {
                process.getOutputStream().write(input);
            }
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(errors));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(errors);
        }
    }
}
