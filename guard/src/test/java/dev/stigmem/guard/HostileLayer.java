package dev.stigmem.guard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A real module layer holding one module compiled by javac at test time, as a plugin's layer is:
 * its own class loader, parent the platform loader, reading only java.base. Tests call its static
 * methods from host code; whatever the JDK refuses them surfaces as the method's exception.
 */
final class HostileLayer {
    final ModuleLayer layer;
    final String module;

    private HostileLayer(ModuleLayer layer, String module) {
        this.layer = layer;
        this.module = module;
    }

    /** Compiles {@code sources} (path → code; a module-info.java among them) in {@code dir}. */
    static HostileLayer compile(Path dir, String module, Map<String, String> sources, Map<String, byte[]> classFiles) {
        try {
            Path src = Files.createDirectories(dir.resolve("src"));
            Path out = Files.createDirectories(dir.resolve("out"));
            List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path f = src.resolve(e.getKey());
                Files.createDirectories(f.getParent());
                Files.writeString(f, e.getValue());
                args.add(f.toString());
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, args.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("javac failed: " + rc);
            }
            for (Map.Entry<String, byte[]> e : classFiles.entrySet()) {
                Files.write(out.resolve(e.getKey() + ".class"), e.getValue());
            }
            Configuration cf = ModuleLayer.boot().configuration().resolve(ModuleFinder.of(out), ModuleFinder.of(), Set.of(module));
            ModuleLayer layer = ModuleLayer.defineModulesWithOneLoader(cf, List.of(ModuleLayer.boot()),
                    ClassLoader.getPlatformClassLoader()).layer();
            return new HostileLayer(layer, module);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Calls {@code cls.method()} (static, no arguments) and returns its result; rethrows what it throws. */
    Object call(String cls, String method) throws Throwable {
        Class<?> c = Class.forName(cls, true, layer.findLoader(module));
        Method m = c.getMethod(method);
        try {
            return m.invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
