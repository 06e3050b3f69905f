package dev.stigmem.node.internal.hook;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A small set of threads of one plugin on which the node makes timed calls into it (its handlers,
 * or its lifecycle calls), each call under a time limit that starts when the call starts, not when
 * it was queued.
 *
 * <p>Java cannot stop a thread. A call over its time limit is abandoned: its thread is interrupted
 * and counted as <em>stuck</em> until the plugin's code returns, and it runs nothing else meanwhile.
 * When every thread is stuck, calls fail at once with that fact (and calls already waiting are
 * failed with it too) instead of each waiting in vain; when a stuck call returns, its thread serves
 * again. A call also fails, without running, when it waited {@code waitLimit} for a free thread
 * (all busy with calls still within their limit) or when {@code maxWaiting} calls already wait.
 *
 * <p>Threads are made on demand (at most {@code threads}), by the node, as daemons with the plugin's
 * class loader as their context loader, and end after 30 s idle. Thread-safe.
 */
final class PluginThreads {

    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private enum State { QUEUED, RUNNING, DONE, ABANDONED, DROPPED }

    /** One call. Guarded by the lock. */
    private final class Task {
        final Supplier<Outcome> work;
        final Condition changed = lock.newCondition();
        State state = State.QUEUED;
        long startedAt;
        Thread runner;
        boolean overTime;
        Outcome result;

        Task(Supplier<Outcome> work) {
            this.work = work;
        }
    }

    private final String pluginName;
    private final String kind;
    private final int threads;
    private final int maxWaiting;
    private final Supplier<ClassLoader> contextLoader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private final List<Thread> live = new ArrayList<>();
    private int idle;
    private int stuck;
    private int made;
    private boolean closed;

    /**
     * @param kind          what the threads run, in thread names and messages ("handler", "lifecycle")
     * @param contextLoader the plugin's class loader when a thread is made (may answer {@code null}: then the system's)
     */
    PluginThreads(String pluginName, String kind, int threads, int maxWaiting, Supplier<ClassLoader> contextLoader) {
        if (threads < 1 || maxWaiting < 1) {
            throw new IllegalArgumentException("threads and maxWaiting must be positive");
        }
        this.pluginName = Objects.requireNonNull(pluginName, "pluginName");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.threads = threads;
        this.maxWaiting = maxWaiting;
        this.contextLoader = Objects.requireNonNull(contextLoader, "contextLoader");
    }

    int threads() {
        return threads;
    }

    /** How many threads run calls that went over their time limit and have not returned. */
    int stuck() {
        lock.lock();
        try {
            return stuck;
        } finally {
            lock.unlock();
        }
    }

    /** Whether every thread is stuck, so that no call can run. */
    boolean allStuck() {
        return stuck() >= threads;
    }

    /** The failure text of a call refused because every thread is stuck (for health too). */
    String allStuckText(Duration limit) {
        if (threads == 1) {
            return String.format(Locale.ROOT, "not run: the plugin's %s thread is stuck in a call that ran past the %d ms time limit",
                    kind, limit.toMillis());
        }
        return String.format(Locale.ROOT, "not run: all %d %s threads of the plugin are stuck in calls that ran past the %d ms time limit",
                threads, kind, limit.toMillis());
    }

    /**
     * Runs {@code work} on one of the threads and waits for it: at most {@code waitLimit} for a
     * thread to take it, then at most {@code limit} from when it started. {@code work} must not
     * throw (a {@link Throwable} it lets out anyway is a failure without text of the plugin's).
     * Never throws; an interrupt of the caller while it waits fails the call and stays set.
     */
    Outcome call(Supplier<Outcome> work, Duration limit, Duration waitLimit) {
        Task t = new Task(work);
        lock.lock();
        try {
            if (closed) {
                return new Outcome.Failed("not run: the node is stopping", null, false);
            }
            if (stuck >= threads) {
                return new Outcome.Failed(allStuckText(limit));
            }
            if (queue.size() >= maxWaiting) {
                return new Outcome.Failed(String.format(Locale.ROOT, "not run: %d calls already wait for the plugin's %d %s thread%s",
                        queue.size(), threads, kind, threads == 1 ? "" : "s"), null, false);
            }
            queue.add(t);
            if (idle >= queue.size()) {
                workAvailable.signal();
            } else if (live.size() < threads) {
                startThread();
            }
            long waitUntil = System.nanoTime() + waitLimit.toNanos();
            while (t.state == State.QUEUED) {
                if (stuck >= threads) {
                    queue.remove(t);
                    t.state = State.DROPPED;
                    return new Outcome.Failed(allStuckText(limit));
                }
                if (closed) {
                    queue.remove(t);
                    t.state = State.DROPPED;
                    return new Outcome.Failed("not run: the node is stopping", null, false);
                }
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    queue.remove(t);
                    t.state = State.DROPPED;
                    return new Outcome.Failed(String.format(Locale.ROOT, "not run: waited %d ms for one of the plugin's %d %s thread%s, all busy",
                            waitLimit.toMillis(), threads, kind, threads == 1 ? "" : "s"), null, false);
                }
                t.changed.awaitNanos(left);
            }
            long runUntil = t.startedAt + limit.toNanos();
            while (t.state == State.RUNNING) {
                long left = runUntil - System.nanoTime();
                if (left <= 0) {
                    abandon(t, true);
                    return new Outcome.Failed(String.format(Locale.ROOT, "did not return within %d ms", limit.toMillis()));
                }
                t.changed.awaitNanos(left);
            }
            return t.result;
        } catch (InterruptedException e) {
            if (t.state == State.QUEUED) {
                queue.remove(t);
                t.state = State.DROPPED;
            } else if (t.state == State.RUNNING) {
                abandon(t, false);
            } else if (t.state == State.DONE) {
                Thread.currentThread().interrupt();
                return t.result;
            }
            Thread.currentThread().interrupt();
            return new Outcome.Failed("not run to the end: the node's caller was interrupted while it waited", null, false);
        } finally {
            lock.unlock();
        }
    }

    /** Gives up a running call (lock held): its thread is interrupted and, if over time, counted stuck. */
    private void abandon(Task t, boolean overTime) {
        t.state = State.ABANDONED;
        t.overTime = overTime;
        if (overTime) {
            stuck++;
            if (stuck >= threads) {
                // Nobody can take the waiting calls now: each waiter sees it and fails at once.
                for (Task waiting : queue) {
                    waiting.changed.signal();
                }
            }
        }
        t.runner.interrupt();
    }

    private void startThread() {
        Thread thread = new Thread(this::serve, "stigmem-plugin-" + pluginName + "-" + kind + "-" + (++made));
        thread.setDaemon(true);
        thread.setContextClassLoader(contextLoader.get());
        live.add(thread);
        thread.start();
    }

    private void serve() {
        Thread me = Thread.currentThread();
        while (true) {
            Task t;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    idle++;
                    long left;
                    try {
                        left = workAvailable.awaitNanos(IDLE_NANOS);
                    } catch (InterruptedException e) {
                        left = 1; // only close() interrupts an idle thread; the loop sees it
                    } finally {
                        idle--;
                    }
                    if (left <= 0 && queue.isEmpty()) {
                        live.remove(me);
                        return;
                    }
                }
                if (closed) {
                    live.remove(me);
                    return;
                }
                t = queue.poll();
                t.state = State.RUNNING;
                t.startedAt = System.nanoTime();
                t.runner = me;
                t.changed.signal();
            } finally {
                lock.unlock();
            }
            Outcome o;
            try {
                o = t.work.get();
            } catch (Throwable unexpected) {
                o = new Outcome.Failed("failed in a way the node could not render");
            }
            lock.lock();
            try {
                t.runner = null;
                if (t.state == State.ABANDONED) {
                    if (t.overTime) {
                        stuck--;
                    }
                } else {
                    t.state = State.DONE;
                    t.result = o;
                    t.changed.signal();
                }
            } finally {
                lock.unlock();
            }
            // No interrupt for this call can come any more (the caller interrupts only a RUNNING call, under the lock).
            Thread.interrupted();
        }
    }

    /** Refuses further calls and interrupts every thread; calls waiting fail, stuck ones run on until they return. */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (Task waiting : queue) {
                waiting.changed.signal();
            }
            workAvailable.signalAll();
            live.forEach(Thread::interrupt);
        } finally {
            lock.unlock();
        }
    }
}
