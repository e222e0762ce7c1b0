package dev.lodestar.inference;

import java.util.logging.LogManager;

/**
 * The inference server's entry point: installs {@link DrainLogManager} before anything logs, then starts
 * {@link InferenceServer}. Kept free of loggers itself, because the first logger fixes the log manager.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DrainLogManager.class.getName());
        }
        InferenceServer.main(args);
    }

    /**
     * A {@link LogManager} that ignores the JDK's own reset at shutdown. That reset runs in a shutdown hook of its
     * own, in parallel with the server's drain, and would close the handlers before the drain's messages
     * ("Stopping: draining calls in flight", calls cancelled after the grace period) are written. The console
     * handler flushes every record, so nothing is lost when the process ends with the handlers still open.
     */
    public static final class DrainLogManager extends LogManager {

        @Override
        public void reset() {
            if (!Thread.currentThread().getClass().getName().equals("java.util.logging.LogManager$Cleaner")) {
                super.reset();
            }
        }
    }
}
