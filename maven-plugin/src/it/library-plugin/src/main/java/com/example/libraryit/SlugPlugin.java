package com.example.libraryit;

import com.example.textlib.Slugs;
import dev.stigmem.api.Health;
import dev.stigmem.api.Plugin;
import dev.stigmem.api.StigmemPlugin;

/** Reports the version of its private text library as its health message. */
@StigmemPlugin(name = "library-it", version = "1.0.0", requires = ">=0.9.0")
public final class SlugPlugin implements Plugin {
    @Override
    public Health health() {
        return new Health(Health.Status.HEALTHY, Slugs.slug("Text Library " + Slugs.VERSION));
    }
}
