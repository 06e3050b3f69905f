package dev.stigmem.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.stigmem.loader.internal.work.OwnedDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the loader puts on disk or holds open outlives it: a closed plugin holds no file open, a
 * closed loader leaves no work directory, and what a killed process left (its pid-named directories)
 * is removed by the next loader, never what a live process uses.
 */
class LeftBehindTests {
    @TempDir
    Path work;
    @TempDir
    Path tmp;

    /** The files this JVM holds open (Linux: /proc/self/fd). */
    private static List<String> openFiles() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // the directory stream's own descriptor, closed meanwhile
                }
            }
        }
        return out;
    }

    @Test
    void aClosedPluginHoldsNoJarOfItsLayerOpen() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc (Linux)");
        PluginLoader loader = PluginLoader.builder().workDirectory(work).build();
        LoadedPlugin p = loader.load(Examples.libraryZip()); // two jars: the plugin and its private library
        assertThat(p.plugin().health().message()).isEqualTo("text-library-1-0-0"); // classes of both jars loaded
        assertThat(openFiles()).as("the layer's jars are open while it runs").anyMatch(f -> f.startsWith(work.toString()));
        p.close();
        assertThat(openFiles()).as("open files under the work directory after close")
                .noneMatch(f -> f.startsWith(work.toString()));
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aClosedLoaderRemovesItsOwnWorkDirectory() throws Exception {
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            PluginLoader loader = PluginLoader.builder().build();
            Path own = loader.workDirectory();
            assertThat(own.getParent()).isEqualTo(tmp);
            assertThat(own.getFileName().toString()).matches("stigmem-loader-" + ProcessHandle.current().pid() + "-[0-9]+");
            try (LoadedPlugin p = loader.load(Examples.greeter())) {
                assertThat(own).isNotEmptyDirectory();
            }
            loader.close();
            assertThat(tmp).isEmptyDirectory();
        } finally {
            System.setProperty("java.io.tmpdir", saved);
        }
    }

    /** The pid of a process that has ended (killed, as a crashed node would be). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("sleep", "60").start();
        long pid = p.pid();
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return pid;
    }

    /** What a killed process leaves: a pid-named directory with a private copy and a layer jar in it. */
    private static Path leftBy(Path parent, String name) throws IOException {
        Path d = Files.createDirectories(parent.resolve(name).resolve("layer"));
        Files.write(d.resolve("plugin.jar"), new byte[] {'P', 'K', 3, 4});
        Files.write(d.getParent().resolve("archive.jar"), new byte[] {'P', 'K', 3, 4});
        return parent.resolve(name);
    }

    @Test
    void aLoaderRemovesThePrivateCopiesAKilledProcessLeftInItsWorkDirectory() throws Exception {
        long dead = deadPid();
        Path crashed = leftBy(work, "plugin-" + dead + "-4242");
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            Path running = leftBy(work, "plugin-" + live.pid() + "-17");
            Path notOurs = leftBy(work, "plugin-cache");
            PluginLoader loader = PluginLoader.builder().workDirectory(work).build();
            assertThat(crashed).doesNotExist();
            assertThat(running).as("a live process's copy").exists();
            assertThat(notOurs).as("not of our naming").exists();
            try (LoadedPlugin p = loader.load(Examples.greeter())) {
                assertThat(p.plugin()).isNotNull();
            }
            loader.close();
            try (Stream<Path> left = Files.list(work)) {
                assertThat(left).containsExactlyInAnyOrder(running, notOurs);
            }
        } finally {
            live.destroyForcibly();
        }
    }

    @Test
    void aSweepRemovesOnlyDirectoriesOfProcessesThatAreGoneAndNeverFollowsLinks() throws Exception {
        long dead = deadPid();
        Path crashedLoader = leftBy(tmp, "stigmem-loader-" + dead + "-99");
        // Same pid as this JVM, but not made by it: a previous process with the same pid (pid 1 in a container).
        Path previousSamePid = leftBy(tmp, "stigmem-loader-" + ProcessHandle.current().pid() + "-5");
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        Files.writeString(victim.resolve("keep.txt"), "not the loader's");
        Path link = Files.createSymbolicLink(tmp.resolve("stigmem-loader-" + dead + "-7"), victim);
        Path file = Files.writeString(tmp.resolve("stigmem-loader-" + dead + "-8"), "a file, not a directory");

        List<Path> removed = OwnedDirectories.sweep(tmp, OwnedDirectories.LOADER);

        assertThat(removed).containsExactlyInAnyOrder(crashedLoader, previousSamePid);
        assertThat(crashedLoader).doesNotExist();
        assertThat(previousSamePid).doesNotExist();
        assertThat(link).as("a link is not ours to remove").exists();
        assertThat(victim.resolve("keep.txt")).exists();
        assertThat(file).exists();
    }

    @Test
    void aDirectoryThisJvmMadeIsNeverSweptWhileInUse() throws Exception {
        String saved = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", tmp.toString());
        try {
            PluginLoader loader = PluginLoader.builder().build();
            assertThat(OwnedDirectories.sweep(tmp, OwnedDirectories.LOADER)).isEmpty();
            assertThat(loader.workDirectory()).exists();
            loader.close();
        } finally {
            System.setProperty("java.io.tmpdir", saved);
        }
    }
}
