package com.example.textlib;

import java.util.Locale;

/** Turns text into URL-safe slugs. */
public final class Slugs {
    /** The library's version, so a plugin can show which copy it runs with. */
    public static final String VERSION = "1.0.0";

    private Slugs() {
    }

    public static String slug(String text) {
        return text.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
