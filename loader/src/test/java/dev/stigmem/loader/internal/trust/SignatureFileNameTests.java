package dev.stigmem.loader.internal.trust;

import static dev.stigmem.loader.internal.trust.SignatureFileName.CONTENT;
import static dev.stigmem.loader.internal.trust.SignatureFileName.MANIFEST;
import static dev.stigmem.loader.internal.trust.SignatureFileName.RESERVED_SIGNATURE;
import static dev.stigmem.loader.internal.trust.SignatureFileName.SIGNATURE_BLOCK;
import static dev.stigmem.loader.internal.trust.SignatureFileName.SIGNATURE_FILE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SignatureFileNameTests {

    @Test
    void namesAreClassifiedAsTheJdkVerifierClassifiesThem() {
        var expected = new LinkedHashMap<String, SignatureFileName>();
        expected.put("META-INF/MANIFEST.MF", MANIFEST);
        expected.put("META-INF/ACME.SF", SIGNATURE_FILE);
        expected.put("META-INF/ACME.RSA", SIGNATURE_BLOCK);
        expected.put("META-INF/ACME.DSA", SIGNATURE_BLOCK);
        expected.put("META-INF/ACME.EC", SIGNATURE_BLOCK);
        expected.put("META-INF/SIG-ACME", RESERVED_SIGNATURE);
        expected.put("META-INF/SIG-ACME.PGP", RESERVED_SIGNATURE);
        expected.put("META-INF/SIG-ACME.P7", RESERVED_SIGNATURE);
        // The JDK compares case-insensitively (toUpperCase(Locale.ENGLISH)), dotless i included.
        expected.put("meta-inf/acme.sf", SIGNATURE_FILE);
        expected.put("META-INF/MAN\u0131FEST.MF", MANIFEST);
        // Content: subdirectories of META-INF, other extensions, SIG- names with bad extensions.
        expected.put("META-INF/versions/17/ACME.SF", CONTENT);
        expected.put("META-INF/services/dev.stigmem.api.Plugin", CONTENT);
        expected.put("META-INF/ACME.SFX", CONTENT);
        expected.put("META-INF/SIG-ACME.TOOLONG", CONTENT);
        expected.put("META-INF/SIG-ACME.", CONTENT);
        expected.put("META-INF/SIG-ACME.A_B", CONTENT);
        expected.put("ACME.SF", CONTENT);
        expected.put("com/acme/META-INF/ACME.SF", CONTENT);

        for (Map.Entry<String, SignatureFileName> e : expected.entrySet()) {
            assertThat(SignatureFileName.of(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void nonCanonicalSignatureNamesAreRefusedEvenInAnUnsignedJar() {
        var entries = new LinkedHashMap<>(TestJars.content());
        entries.put("META-INF/MAN\u0131FEST.MF", TestJars.utf8("Manifest-Version: 1.0\r\n\r\n"));

        var result = JarSignatureVerifier.inspect(TestJars.image("plugin.jar", entries));

        assertThat(result).isInstanceOf(dev.stigmem.loader.trust.JarSignature.Invalid.class);
        assertThat(((dev.stigmem.loader.trust.JarSignature.Invalid) result).problem()).contains("not in upper case");
    }
}
