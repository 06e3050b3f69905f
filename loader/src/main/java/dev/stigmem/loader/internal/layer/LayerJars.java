package dev.stigmem.loader.internal.layer;

import java.io.IOException;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jars of one plugin layer as its class loader reads them. The JDK's loader for a layer opens a
 * {@link ModuleReader} per module the first time it needs a class or resource and keeps it (and the
 * jar file) open for as long as the loader lives; the references made here record each reader the
 * loader opens, and {@link #close()} closes them when the plugin is unloaded. After that the layer
 * finds no more classes or resources (a leftover plugin thread gets {@link NoClassDefFoundError}),
 * and no file of the plugin stays open. Thread-safe; closing is idempotent.
 */
public final class LayerJars implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LayerJars.class);

    private final List<ModuleReader> open = new ArrayList<>();
    private boolean closed;

    LayerJars() {
    }

    /** A reference like {@code ref} whose readers this closes. */
    ModuleReference track(ModuleReference ref) {
        return new Tracked(ref, this);
    }

    private synchronized ModuleReader opened(ModuleReader reader) throws IOException {
        if (closed) {
            reader.close();
            throw new IOException("the plugin's layer is closed");
        }
        open.add(reader);
        return reader;
    }

    /** How many readers the layer's loader has open (tests). */
    public synchronized int openReaders() {
        return open.size();
    }

    @Override
    public void close() {
        List<ModuleReader> readers;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            readers = new ArrayList<>(open);
            open.clear();
        }
        for (ModuleReader r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                LOG.warn("cannot close a jar of an unloaded plugin layer: {}", e.toString());
            }
        }
    }

    /** The JDK's reference, whose {@link #open()} is recorded. */
    private static final class Tracked extends ModuleReference {
        private final ModuleReference ref;
        private final LayerJars jars;

        Tracked(ModuleReference ref, LayerJars jars) {
            super(ref.descriptor(), ref.location().orElse(null));
            this.ref = ref;
            this.jars = jars;
        }

        @Override
        public ModuleReader open() throws IOException {
            return jars.opened(new Closing(ref.open()));
        }
    }

    /** Delegates; closing twice is harmless. */
    private record Closing(ModuleReader reader) implements ModuleReader {
        @Override
        public Optional<URI> find(String name) throws IOException {
            return reader.find(name);
        }

        @Override
        public Optional<java.io.InputStream> open(String name) throws IOException {
            return reader.open(name);
        }

        @Override
        public Optional<ByteBuffer> read(String name) throws IOException {
            return reader.read(name);
        }

        @Override
        public void release(ByteBuffer bb) {
            reader.release(bb);
        }

        @Override
        public Stream<String> list() throws IOException {
            return reader.list();
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
