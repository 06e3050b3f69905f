module com.example.libraryit {
    requires dev.stigmem.api;
    requires com.example.textlib;
    provides dev.stigmem.api.Plugin with com.example.libraryit.SlugPlugin;
}
