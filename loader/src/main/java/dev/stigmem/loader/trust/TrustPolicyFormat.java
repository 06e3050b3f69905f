package dev.stigmem.loader.trust;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the trust policy file format documented on {@link TrustPolicy}. Line-based rather than
 * {@link java.util.Properties}, because operators need line numbers, duplicates reported and
 * unknown keys rejected, none of which {@code Properties} offers.
 */
final class TrustPolicyFormat {

    /** A policy is a short list; anything larger is a wrong file, not a policy. */
    static final int MAX_BYTES = 1 << 20;

    private static final List<String> DIRECTIVES = List.of(
            "trusted-publisher", "override-publisher", "certificate-validity", "development-unsigned");

    private TrustPolicyFormat() {
    }

    static TrustPolicy read(Path file) {
        String name = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new TrustPolicyException(name, List.of(name + ": cannot read: no such file"), e);
        } catch (IOException e) {
            throw new TrustPolicyException(name, List.of(String.format(Locale.ROOT, "%s: cannot read: %s", name, e)), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new TrustPolicyException(name, List.of(String.format(Locale.ROOT,
                    "%s: larger than %d bytes; not a trust policy", name, MAX_BYTES)), null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new TrustPolicyException(name, List.of(name + ": not UTF-8 text"), e);
        }
        return parse(name, text);
    }

    static TrustPolicy parse(String name, String text) {
        if (text.length() > MAX_BYTES) {
            throw new TrustPolicyException(name, List.of(String.format(Locale.ROOT,
                    "%s: larger than %d characters; not a trust policy", name, MAX_BYTES)), null);
        }
        TrustPolicy.Builder builder = TrustPolicy.builder();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = name + ":" + lineNo + ": ";
            int eq = line.indexOf('=');
            if (eq < 0) {
                problems.add(where + "expected 'directive = value', found '" + shorten(line) + "'");
                continue;
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!DIRECTIVES.contains(key)) {
                problems.add(String.format(Locale.ROOT, "%sunknown directive '%s' (known: %s)",
                        where, shorten(key), String.join(", ", DIRECTIVES)));
                continue;
            }
            try {
                switch (key) {
                    case "trusted-publisher", "override-publisher" -> {
                        int at = value.indexOf('@');
                        if (at < 0) {
                            problems.add(where + key + " needs 'FINGERPRINT @ label', found '" + shorten(value) + "'");
                            continue;
                        }
                        String fingerprint = Signer.canonicalFingerprint(value.substring(0, at));
                        Integer earlier = firstLine.get("publisher " + fingerprint);
                        if (earlier != null) {
                            problems.add(String.format(Locale.ROOT, "%spublisher %s is already listed at line %d",
                                    where, fingerprint, earlier));
                            continue;
                        }
                        String label = value.substring(at + 1);
                        if (key.equals("trusted-publisher")) {
                            builder.trustedPublisher(fingerprint, label);
                        } else {
                            builder.overridePublisher(fingerprint, label);
                        }
                        firstLine.put("publisher " + fingerprint, lineNo);
                    }
                    case "certificate-validity" -> {
                        TrustPolicy.CertificateValidity validity = switch (value) {
                            case "enforce" -> TrustPolicy.CertificateValidity.ENFORCE;
                            case "ignore" -> TrustPolicy.CertificateValidity.IGNORE;
                            default -> null;
                        };
                        if (validity == null) {
                            problems.add(where + "certificate-validity must be 'enforce' or 'ignore', found '"
                                    + shorten(value) + "'");
                        } else if (once(key, lineNo, where, firstLine, problems)) {
                            builder.certificateValidity(validity);
                        }
                    }
                    case "development-unsigned" -> {
                        if (!firstLine.containsKey(key)) {
                            builder.unsignedDevelopmentMode(value);
                        }
                        once(key, lineNo, where, firstLine, problems);
                    }
                    default -> throw new IllegalStateException("directive without a rule: " + key);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                problems.add(where + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new TrustPolicyException(name, problems, null);
        }
        return builder.build();
    }

    private static boolean once(String key, int lineNo, String where, Map<String, Integer> firstLine,
                                List<String> problems) {
        Integer earlier = firstLine.putIfAbsent(key, lineNo);
        if (earlier != null) {
            problems.add(String.format(Locale.ROOT, "%s%s is already set at line %d", where, key, earlier));
            return false;
        }
        return true;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
