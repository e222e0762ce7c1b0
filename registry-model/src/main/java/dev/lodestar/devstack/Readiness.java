package dev.lodestar.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a process of the stack to become ready, the same way for the launcher and the tests. */
final class Readiness {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Readiness() {
    }

    /** Thrown when a process stopped or was not ready in time; the message names the log to read. */
    static final class NotReady extends RuntimeException {
        NotReady(String message) {
            super(message);
        }
    }

    /** True when {@code url} answers 200. */
    static boolean answers(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Polls {@code ready} until it holds.
     *
     * @throws NotReady when {@code alive} stops holding or {@code timeout} passes first
     */
    static void await(String name, BooleanSupplier ready, BooleanSupplier alive, Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!alive.getAsBoolean()) {
                throw new NotReady(name + " stopped during start-up; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new NotReady(name + " was not ready after " + timeout.toSeconds() + " s; see " + log);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotReady("interrupted while waiting for " + name);
            }
        }
    }
}
