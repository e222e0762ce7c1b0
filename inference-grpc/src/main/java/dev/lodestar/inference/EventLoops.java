package dev.lodestar.inference;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Netty event loops sized for a scoring server: one thread accepting connections and one I/O thread per core
 * (Netty's default is two per core, which only adds context switches when each request is microseconds of
 * CPU), on Linux's epoll transport when its native library loads, NIO otherwise. Work runs on these threads
 * (direct executor), so they are the server's only request threads.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final boolean epoll;

    private EventLoops(String name, int bossThreads, int workerThreads) {
        this.epoll = Epoll.isAvailable();
        this.boss = bossThreads == 0 ? null : group(bossThreads, name + "-accept");
        this.workers = group(workerThreads, name + "-io");
    }

    private EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** Loops for a server: one acceptor, {@code workers} I/O threads. */
    public static EventLoops server(String name, int workers) {
        return new EventLoops(name, 1, workers);
    }

    /** Loops for clients: {@code workers} I/O threads. */
    public static EventLoops client(String name, int workers) {
        return new EventLoops(name, 0, workers);
    }

    /** The number of cores this JVM may use. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Makes {@code builder} use these loops and the matching server channel type. */
    public NettyServerBuilder apply(NettyServerBuilder builder) {
        return builder.bossEventLoopGroup(boss).workerEventLoopGroup(workers)
                .channelType(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
    }

    /** Makes {@code builder} use these loops and the matching client channel type. */
    public NettyChannelBuilder apply(NettyChannelBuilder builder) {
        return builder.eventLoopGroup(workers).channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
    }

    /** True when the native epoll transport is used. */
    public boolean epoll() {
        return epoll;
    }

    /** Stops the loops; call after the servers or channels using them have terminated. */
    @Override
    public void close() {
        if (boss != null) {
            boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
}
