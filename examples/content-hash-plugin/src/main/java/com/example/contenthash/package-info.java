/** A plugin that stamps facts with a content hash computed by Apache commons-codec. */
package com.example.contenthash;
