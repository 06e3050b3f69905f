package dev.stigmem.loader;

/** A host started with everything on the class path; prints what the loader says. */
final class ApiOnClassPathHost {
    private ApiOnClassPathHost() {
    }

    public static void main(String[] args) {
        try {
            PluginLoader.builder().build();
            System.out.println("built");
        } catch (IllegalStateException e) {
            System.out.println(e.getMessage());
        }
    }
}
