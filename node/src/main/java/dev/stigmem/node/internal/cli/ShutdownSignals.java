package dev.stigmem.node.internal.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How {@code stigmem node} stops on SIGINT (Ctrl-C) and SIGTERM: the signal only asks; the main
 * thread, which owns the node, closes it to the end (plugins stopped in reverse order,
 * {@code node.stopped}) and the command exits 0.
 *
 * <p>Why not a shutdown hook alone: the JVM starts halting as soon as its shutdown hooks return. The
 * hook used to release a latch the main thread waited on and return at once, so the JVM halted while
 * the main thread was closing the node: {@code close()} was cut short (no {@code node.stopped}, plugins
 * not stopped) whenever the halt won the race, about half the runs, and the exit status was the
 * signal's (130, 143), not 0. Here SIGINT and SIGTERM are handled ({@link Signal}, so the JVM does not
 * start its shutdown), and the main thread exits normally once the node is closed. A second signal
 * while the node closes exits at once ({@code 128 + signal}), for an operator who will not wait.
 *
 * <p>A shutdown hook remains for every other way the JVM may go down while the node runs (SIGHUP,
 * {@code System.exit} elsewhere, a JVM started with {@code -Xrs}): it asks for the stop like a signal
 * and then <em>waits</em> (at most {@link #HOOK_WAIT}) until the main thread has closed the node.
 */
final class ShutdownSignals implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);
    /** How long the backstop shutdown hook holds the JVM's halt for the node's close. */
    static final Duration HOOK_WAIT = Duration.ofSeconds(120);
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicReference<String> cause = new AtomicReference<>();
    private final List<Signal> handled = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private final Thread hook;

    private ShutdownSignals() {
        hook = new Thread(this::onShutdown, "stigmem-shutdown");
    }

    /** Handles SIGINT and SIGTERM and registers the backstop hook; {@link #close()} undoes both. */
    static ShutdownSignals install() {
        ShutdownSignals s = new ShutdownSignals();
        for (String name : SIGNALS) {
            try {
                Signal signal = new Signal(name);
                s.previous.add(Signal.handle(signal, s::onSignal));
                s.handled.add(signal);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // -Xrs, or a platform without it: the shutdown hook still waits for the close.
                LOG.debug("cannot handle SIG{}: {}; the shutdown hook waits for the node to close instead", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    private void onSignal(Signal signal) {
        String name = "SIG" + signal.getName();
        if (cause.compareAndSet(null, name)) {
            LOG.info("{} received: stopping the node (plugins in reverse order, then node.stopped); again to exit at once", name);
            requested.countDown();
        } else {
            LOG.warn("{} received again while the node stops: exiting now, without waiting for it", name);
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
    }

    private void onShutdown() {
        cause.compareAndSet(null, "JVM shutdown");
        requested.countDown();
        boolean done = false;
        boolean interrupted = false;
        long deadline = System.nanoTime() + HOOK_WAIT.toNanos();
        while (!done) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                done = closed.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!done) {
            LOG.warn("the node did not finish closing within {} s of the JVM's shutdown", HOOK_WAIT.toSeconds());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a stop was asked for, and by what ({@code SIGTERM}, {@code SIGINT}, {@code JVM shutdown}). */
    Optional<String> stopRequested() {
        return requested.getCount() == 0 ? Optional.ofNullable(cause.get()) : Optional.empty();
    }

    /** Waits, not interruptibly, until a stop is asked for; returns what asked. */
    String awaitStop() {
        boolean interrupted = false;
        while (true) {
            try {
                requested.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return cause.get();
    }

    /**
     * The node is closed (or was never started): lets a waiting shutdown hook return, puts the
     * previous signal handlers back and removes the hook. Call it after the node's close, always.
     */
    @Override
    public void close() {
        closed.countDown();
        for (int i = 0; i < handled.size(); i++) {
            try {
                Signal.handle(handled.get(i), previous.get(i));
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot restore the SIG{} handler: {}", handled.get(i).getName(), e.getMessage());
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it returns now that the node is closed
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ShutdownSignals[%s]", stopRequested().orElse("running"));
    }
}
