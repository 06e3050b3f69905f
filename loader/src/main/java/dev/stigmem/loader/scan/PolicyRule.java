package dev.stigmem.loader.scan;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of a scan policy.
 *
 * <p>Targets are kept in JVM internal form ({@code java/lang/System}); a package target is a
 * package name, optionally with a trailing {@code /**} for its subpackages; a member target is
 * {@code owner}, {@code memberName} (a trailing {@code *} matches a prefix) and an optional exact
 * descriptor. Immutable.
 *
 * @param kind       what the line does
 * @param ruleId     the {@code @rule} group it belongs to (the id printed in findings)
 * @param reason     why (printed in every finding of this rule)
 * @param owner      package, class (internal form) or module name
 * @param member     member name pattern, for member rules
 * @param descriptor exact descriptor, for member rules that name one
 * @param source     {@code file:line} of the line, for messages
 */
public record PolicyRule(Kind kind, String ruleId, String reason, String owner, Optional<String> member,
                         Optional<String> descriptor, String source) {

    /** Directive of a policy line. */
    public enum Kind {
        ALLOW_PACKAGE("allow-package"),
        ALLOW_MODULE("allow-module"),
        DENY_PACKAGE("deny-package"),
        DENY_CLASS("deny-class"),
        DENY_MEMBER("deny-member"),
        REVIEW_PACKAGE("review-package"),
        REVIEW_CLASS("review-class"),
        REVIEW_MEMBER("review-member"),
        /**
         * A JDK member denied by both lines: the pre-scan reports any reference to it (as
         * {@link #DENY_MEMBER}) and the runtime JDK guard refuses a call to it whose immediate caller,
         * past reflection and method-handle frames, is plugin code.
         */
        GUARD_MEMBER("guard-member"),
        /**
         * A JDK choke point of the runtime guard, judged by the first caller outside the JDK (so that
         * a route through JDK wrappers is caught too); JDK class initialisation and class loading on
         * the way are the JDK's own work and pass. The pre-scan treats it as {@link #DENY_MEMBER}.
         */
        GUARD_ENTRY("guard-entry"),
        /** A system property key that plugin code may read at run time (target: the key). */
        ALLOW_PROPERTY("allow-property"),
        /** A JDK bootstrap method that {@code invokedynamic} and dynamic constants of plugins may use. */
        ALLOW_BOOTSTRAP("allow-bootstrap"),
        /**
         * A library module the host supplies to each plugin in place of the plugin's own copy (target:
         * the module name): the copy in the archive is never loaded, so its findings are reported for
         * the record only, and the plugin's modules read the host's vetted copy, in a layer of its own
         * that the runtime JDK guard encloses with the plugin's.
         */
        SUBSTITUTE_MODULE("substitute-module");

        private final String directive;

        Kind(String directive) {
            this.directive = directive;
        }

        /** The directive as written in a policy file. */
        public String directive() {
            return directive;
        }

        /** Whether the runtime JDK guard enforces lines of this kind. */
        public boolean guarded() {
            return this == GUARD_MEMBER || this == GUARD_ENTRY;
        }

        /** The severity of findings of this kind; allow kinds produce no findings. */
        public Optional<Severity> severity() {
            return switch (this) {
                case DENY_PACKAGE, DENY_CLASS, DENY_MEMBER, GUARD_MEMBER, GUARD_ENTRY -> Optional.of(Severity.DENY);
                case REVIEW_PACKAGE, REVIEW_CLASS, REVIEW_MEMBER -> Optional.of(Severity.WARN);
                case ALLOW_PACKAGE, ALLOW_MODULE, ALLOW_PROPERTY, ALLOW_BOOTSTRAP -> Optional.empty();
                case SUBSTITUTE_MODULE -> Optional.of(Severity.INFO);
            };
        }
    }

    public PolicyRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(source, "source");
    }

    /** Whether a package rule covers this package (internal form, {@code ""} for the unnamed package). */
    public boolean coversPackage(String internalPackage) {
        if (owner.endsWith("/**")) {
            // The package BASE of BASE/** or one below it, compared in place (no string built per call).
            int base = owner.length() - 3;
            return internalPackage.regionMatches(0, owner, 0, base)
                    && (internalPackage.length() == base || internalPackage.length() > base && internalPackage.charAt(base) == '/');
        }
        return internalPackage.equals(owner);
    }

    /** Whether a member rule matches this member name and descriptor. */
    public boolean matchesMember(String name, String desc) {
        String pattern = member.orElse("");
        boolean nameMatches = pattern.endsWith("*")
                ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                : name.equals(pattern);
        return nameMatches && descriptor.map(desc::equals).orElse(true);
    }
}
