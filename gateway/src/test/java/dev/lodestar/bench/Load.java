package dev.lodestar.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs load on several client threads at once. */
final class Load {

    private Load() {
    }

    /** Work of one client thread, numbered from 0. */
    interface Worker {
        void run(int thread) throws Exception;
    }

    /** Runs {@code worker} on {@code threads} threads and waits for all; the first failure is rethrown. */
    static void parallel(int threads, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    worker.run(thread);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
