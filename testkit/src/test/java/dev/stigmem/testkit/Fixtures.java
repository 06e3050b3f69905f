package dev.stigmem.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** The testkit's fixtures: plugins compiled from src/test/fixtures by the real javac, and the example archives. */
final class Fixtures {
    static final Path SOURCES = Path.of("src/test/fixtures");
    static final Path EXAMPLES = Path.of("target/examples");

    private Fixtures() {
    }

    /**
     * Compiles fixture {@code name} into {@code project/target/classes}, the layout of a plugin
     * project built by Maven, and returns that classes directory; {@code libraries} are jars it compiles against.
     */
    static Path compile(String name, Path project, Path... libraries) {
        Path classes = project.resolve("target/classes");
        StringBuilder modulePath = new StringBuilder(apiLocation().toString());
        for (Path l : libraries) {
            modulePath.append(java.io.File.pathSeparator).append(l);
        }
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
                "--module-path", modulePath.toString(), "-Xlint:all", "-Werror"));
        try (Stream<Path> s = Files.walk(SOURCES.resolve(name))) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> args.add(p.toString()));
            Files.createDirectories(classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, args.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("javac failed on fixture " + name + " (see the test output)");
        }
        return classes;
    }

    static PluginArchive example(String fileName) {
        return PluginArchive.of(EXAMPLES.resolve(fileName));
    }

    private static Path apiLocation() {
        URI location = ModuleLayer.boot().configuration().findModule("dev.stigmem.api")
                .flatMap(m -> m.reference().location())
                .orElseThrow(() -> new IllegalStateException("dev.stigmem.api is not on the module path"));
        return Path.of(location);
    }
}
