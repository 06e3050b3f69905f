/** A private library bundled by the library-plugin example. */
package com.example.textlib;
