package dev.lodestar.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Health and metrics over plain HTTP, for Kubernetes probes and Prometheus, on a port apart from gRPC:
 * {@code /q/health/live}, {@code /q/health/ready} (503 until the server can authenticate callers and while
 * it drains) and {@code /q/metrics}.
 */
final class ManagementServer {

    private final HttpServer http;

    ManagementServer(String host, int port, BooleanSupplier ready, PrometheusMeterRegistry metrics) throws IOException {
        http = HttpServer.create(new InetSocketAddress(host, port), 16);
        http.setExecutor(Executors.newSingleThreadExecutor(r -> daemon(r, "management-http")));
        http.createContext("/q/health/live", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}"));
        http.createContext("/q/health/ready", exchange -> {
            boolean up = ready.getAsBoolean();
            respond(exchange, up ? 200 : 503, "application/json", "{\"status\":\"" + (up ? "UP" : "DOWN") + "\"}");
        });
        http.createContext("/q/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape()));
    }

    void start() {
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    void stop() {
        http.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
