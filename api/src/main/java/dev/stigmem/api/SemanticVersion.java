package dev.stigmem.api;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version {@code MAJOR.MINOR.PATCH} with an optional pre-release ({@code 1.0.0-rc.1}), ordered by
 * Semantic Versioning 2.0 precedence: a pre-release sorts before its release, identifiers compare
 * numerically when numeric and lexically otherwise. Build metadata is not accepted.
 *
 * @param major      major version
 * @param minor      minor version
 * @param patch      patch version
 * @param preRelease pre-release identifiers, if any
 */
public record SemanticVersion(int major, int minor, int patch, Optional<String> preRelease)
        implements Comparable<SemanticVersion> {

    private static final Pattern SYNTAX = Pattern.compile(
            "(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})"
                    + "(?:-((?:0|[1-9]\\d{0,8}|\\d*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9]\\d{0,8}|\\d*[A-Za-z-][0-9A-Za-z-]*))*))?");

    public SemanticVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version numbers must not be negative");
        }
        Objects.requireNonNull(preRelease, "preRelease");
    }

    /**
     * Parses {@code MAJOR.MINOR.PATCH[-PRERELEASE]}.
     *
     * @throws IllegalArgumentException naming the text when it is not such a version
     */
    public static SemanticVersion parse(String text) {
        Matcher m = SYNTAX.matcher(Objects.requireNonNull(text, "text"));
        if (text.length() > 128 || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a version MAJOR.MINOR.PATCH with an optional -pre-release");
        }
        return new SemanticVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)), Optional.ofNullable(m.group(4)));
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            // A release outranks any of its pre-releases.
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        return comparePreRelease(preRelease.get(), o.preRelease.get());
    }

    private static int comparePreRelease(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean xn = x[i].chars().allMatch(Character::isDigit);
            boolean yn = y[i].chars().allMatch(Character::isDigit);
            int c;
            if (xn && yn) {
                c = Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i]));
            } else if (xn != yn) {
                c = xn ? -1 : 1; // numeric identifiers sort before alphanumeric ones
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + preRelease.map(p -> "-" + p).orElse("");
    }
}
