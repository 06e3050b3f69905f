package com.example.citation.format;

import java.util.Locale;

/** Citation strings in one house style. */
public final class Citations {
    private Citations() {
    }

    /** {@code [Source, 2026]} from a source name and a year; the name is trimmed and capped at 80 characters. */
    public static String format(String source, int year) {
        String s = source.strip();
        if (s.length() > 80) {
            s = s.substring(0, 77) + "...";
        }
        return String.format(Locale.ROOT, "[%s, %d]", s, year);
    }
}
