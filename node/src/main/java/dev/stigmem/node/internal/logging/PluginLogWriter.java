package dev.stigmem.node.internal.logging;

import dev.stigmem.node.PluginLogLine;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes plugin lines to SLF4J from one node thread ({@code stigmem-plugin-log}), in order: the
 * binding then shows the node's thread, never a plugin-named thread (a plugin names its own
 * threads, and a name with a line break would forge a log line), and a plugin that logs faster
 * than the log can take it fills a bounded queue and loses lines, counted and reported, instead
 * of holding up the node or growing its memory.
 */
final class PluginLogWriter {
    /** Lines waiting for the writer at most; beyond it lines are dropped and counted. */
    static final int CAPACITY = 1_024;

    private static final Logger LOG = LoggerFactory.getLogger(PluginLogWriter.class);
    private static final BlockingQueue<Entry> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final AtomicLong WRITTEN = new AtomicLong();
    private static final AtomicLong OFFERED = new AtomicLong();
    private static volatile Thread writer;

    private record Entry(Logger log, PluginLogLine line, String thread) {
    }

    private PluginLogWriter() {
    }

    /** Starts the writer thread, from a node thread (never from a plugin's, whose threads the guard counts). */
    static synchronized void start() {
        if (writer == null) {
            Thread t = new Thread(PluginLogWriter::drain, "stigmem-plugin-log");
            t.setDaemon(true);
            t.start();
            writer = t;
        }
    }

    static void offer(Logger log, PluginLogLine line, String thread) {
        if (writer == null) {
            return; // no node prepared logging in this JVM: nothing of a plugin's is written
        }
        OFFERED.incrementAndGet();
        if (!QUEUE.offer(new Entry(log, line, thread))) {
            DROPPED.incrementAndGet();
            WRITTEN.incrementAndGet();
        }
    }

    /** Waits until every line offered so far is written or dropped, at most {@code millis}. */
    static void flush(long millis) {
        long target = OFFERED.get();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (WRITTEN.get() < target && System.nanoTime() < end) {
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void drain() {
        while (true) {
            Entry e;
            try {
                e = QUEUE.take();
            } catch (InterruptedException interrupted) {
                continue; // the node's thread: only the JVM's end stops it
            }
            try {
                PluginLogLine l = e.line();
                String text = "[" + e.thread() + "] " + l.logger() + ": " + l.message() + l.thrown().map(t -> " (" + t + ")").orElse("");
                Slf4jSystemLogger.write(e.log(), l.level(), "{}", text, null);
                long dropped = QUEUE.isEmpty() ? DROPPED.getAndSet(0) : 0;
                if (dropped > 0) {
                    LOG.warn("{} plugin log line(s) dropped: plugins logged faster than the log could take them", dropped);
                }
            } catch (RuntimeException | LinkageError failure) {
                // A binding that fails must not end the writer; the line is lost.
            } finally {
                WRITTEN.incrementAndGet();
            }
        }
    }
}
