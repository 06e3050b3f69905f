package dev.stigmem.loader;

import java.nio.file.Files;
import java.nio.file.Path;

/** The example plugins the reactor built, copied into target/examples by the loader's build. */
final class Examples {
    private Examples() {
    }

    static Path get(String fileName) {
        String dir = System.getProperty("stigmem.examples", "target/examples");
        Path p = Path.of(dir, fileName);
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " is missing: build with ./mvnw verify -pl loader -am");
        }
        return p;
    }

    static Path greeter() {
        return get("greeter-plugin.jar");
    }

    static Path plain() {
        return get("plain-plugin.jar");
    }

    static Path libraryZip() {
        return get("library-plugin.zip");
    }
}
