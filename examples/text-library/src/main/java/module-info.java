/** A tiny text library, bundled privately by library-plugin. */
module com.example.textlib {
    exports com.example.textlib;
}
