/** A tagger configured in YAML, parsed with SnakeYAML. */
package com.example.yamltagger;
