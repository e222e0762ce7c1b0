package dev.lodestar.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One address in front of several gateway replicas, like a load balancer without sticky sessions: a TCP proxy on
 * {@code localhost} that passes every connection to the replica it currently points at. {@link #switchTo(int)}
 * points it at another replica and closes the open connections, so the very next request of a browser (which
 * keeps connections alive) reaches the new replica. Bytes pass unchanged, so the replicas see the proxy's address
 * in {@code Host}, as they would behind an ingress.
 */
public final class SwitchingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int target;
    private volatile int connections;

    private SwitchingProxy(int target) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        Thread acceptor = new Thread(this::accept, "switching-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy on a free loopback port, passing connections to {@code 127.0.0.1:target}. */
    public static SwitchingProxy to(int target) {
        try {
            return new SwitchingProxy(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The address browsers use: {@code http://localhost:PORT}. */
    public String base() {
        return "http://localhost:" + server.getLocalPort();
    }

    /** Sends new connections to {@code 127.0.0.1:port} and closes the open ones. */
    public void switchTo(int port) {
        target = port;
        for (Socket socket : open) {
            close(socket);
        }
    }

    /** The port connections go to now. */
    public int target() {
        return target;
    }

    /** How many connections were passed on so far. */
    public int connections() {
        return connections;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        switchTo(target);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                connections++;
                open.add(client);
                open.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                // the server socket closed, or the replica refused: the browser sees a failed connection
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (SocketException e) {
                // closed by a switch or by the other side
            } catch (IOException e) {
                // the same, reported differently
            } finally {
                close(from);
                close(to);
            }
        }, "switching-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void close(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
