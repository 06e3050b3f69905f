package dev.stigmem.testkit;

import dev.stigmem.api.Capability;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.node.NodeStartException;
import dev.stigmem.testkit.internal.JvmSetup;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link PluginTest}: checks the JVM can host plugin layers, packs the
 * build output once per test class, and starts a {@link TestNode} for each test method that asks
 * for one, closing it after the method.
 */
public final class PluginTestExtension implements BeforeAllCallback, ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PluginTestExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        JvmSetup.problem().ifPresent(p -> {
            throw new ExtensionConfigurationException(p);
        });
    }

    // Constructor parameters resolve in the test method's context (JUnit's default is the class's),
    // so a TestNode taken by the constructor is that test's, closed after it.
    @Override
    public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
        return ExtensionContextScope.TEST_METHOD;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestNode.class || type == PluginArchive.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        PluginTest config = config(context);
        PluginArchive archive = archive(context, config);
        if (parameter.getParameter().getType() == PluginArchive.class) {
            return archive;
        }
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("a TestNode is started for each test method and closed after it: take it as a"
                    + " parameter of the test method, a @BeforeEach/@AfterEach method or the constructor, not of @BeforeAll/@AfterAll"
                    + " (build one yourself with TestNode.builder() for a node shared by a class)");
        }
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        TestNode existing = store.get(TestNode.class, TestNode.class);
        if (existing != null) {
            return existing;
        }
        // A refusal is told once per class (the node is not started again for every test), in short,
        // without the node's exception as a cause that would print the whole report again.
        ExtensionContext.Store classStore = classContext(context).getStore(NAMESPACE);
        String refused = classStore.get(NodeRefusal.class, String.class);
        if (refused != null) {
            throw NodeRefusal.alone(new ParameterResolutionException(refused));
        }
        TestNode node;
        TestNode.Builder builder = builder(config).plugin(archive);
        try {
            node = builder.start();
        } catch (NodeStartException e) {
            String text = NodeRefusal.describe(e, archive, builder.alongside(), builder.scanPolicy());
            classStore.put(NodeRefusal.class, text);
            throw NodeRefusal.alone(new ParameterResolutionException(text));
        }
        store.put(TestNode.class, node);
        return node;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestNode node = context.getStore(NAMESPACE).remove(TestNode.class, TestNode.class);
        if (node != null) {
            node.close();
        }
    }

    private static PluginTest config(ExtensionContext context) {
        // @Nested test classes use the configuration of the class they are in.
        Class<?> c = context.getTestClass().orElse(null);
        while (c != null) {
            java.util.Optional<PluginTest> found = AnnotationSupport.findAnnotation(c, PluginTest.class);
            if (found.isPresent()) {
                return found.get();
            }
            c = c.getEnclosingClass();
        }
        return java.util.Optional.<PluginTest>empty().orElseThrow(() -> new ExtensionConfigurationException(
                        "PluginTestExtension needs @PluginTest on the test class (it says where the plugin's build output is)"));
    }

    // Packed once per test class: every test of the class loads the same bytes.
    private static PluginArchive archive(ExtensionContext context, PluginTest config) {
        return classContext(context).getStore(NAMESPACE).getOrComputeIfAbsent(PluginArchive.class,
                k -> {
                    try {
                        return PluginArchive.fromBuildOutput(Path.of(config.value()), config.libraries());
                    } catch (IllegalArgumentException e) {
                        throw new ExtensionConfigurationException(e.getMessage(), e);
                    }
                }, PluginArchive.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        return classContext;
    }

    private static TestNode.Builder builder(PluginTest config) {
        TestNode.Builder b = TestNode.builder();
        for (String a : config.alongside()) {
            b.alongside(PluginArchive.of(Path.of(a)));
        }
        Map<String, String> values = new TreeMap<>();
        for (String entry : config.config()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@PluginTest config entry '" + entry + "' is not key=value");
            }
            values.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        b.config(values);
        for (String id : config.withoutCoreApis()) {
            try {
                b.withhold(Capability.of(id));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@PluginTest withoutCoreApis: " + e.getMessage(), e);
            }
        }
        for (String id : config.revoke()) {
            try {
                b.revoke(Capability.of(id));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@PluginTest revoke: " + e.getMessage(), e);
            }
        }
        if (!config.trustPolicy().isEmpty()) {
            b.trustPolicy(TrustPolicy.read(Path.of(config.trustPolicy())));
        }
        if (!config.scanPolicy().isEmpty()) {
            b.scanPolicy(ScanPolicy.shipped().withOperatorPolicy(Path.of(config.scanPolicy())));
        }
        return b;
    }
}
