package dev.stigmem.loader.scan;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fail-closed JDK policy of the pre-scan, as data: the shipped policy file plus any operator
 * policy files, and the {@link ScanLimits}.
 *
 * <p>A policy file has one rule a line, in the manner of forbidden-apis signature files:
 * <pre>
 * # comment
 * &#64;rule vm.exit Terminates the whole node, not just the plugin
 * deny-member java.lang.System#exit
 * deny-member java.lang.Runtime#halt @ a reason for this line only
 * </pre>
 * {@code @rule ID REASON} opens a group: the following lines report that id and reason (a line may
 * give its own reason after {@code " @ "}). Directives: {@code allow-package P}, {@code allow-package P.**}
 * (with subpackages), {@code allow-module M}, {@code deny-package}, {@code deny-class C},
 * {@code deny-member C#name}, {@code C#prefix*} or {@code C#name(descriptor)}, and {@code review-package},
 * {@code review-class}, {@code review-member} (findings of severity {@link Severity#WARN}); for the runtime JDK
 * guard, which reads the same file, {@code guard-member C#name} (denied by the scan and refused at run time
 * to a plugin caller), {@code guard-entry C#name} (a JDK choke point judged by the first caller outside the
 * JDK; denied by the scan too) and {@code allow-property KEY} (a system property plugin code may read);
 * and {@code allow-bootstrap C#name}, a JDK bootstrap method that {@code invokedynamic} and dynamic constants
 * of a plugin may name (any other bootstrap is denied, rule {@link RuleIds#LINKAGE_BOOTSTRAP}; these lines
 * stand in the shipped group of that reserved id, whose reason the findings print); and
 * {@code substitute-module M}, a library module the host supplies in place of a plugin's own copy
 * ({@link #substitutedModules()}; shipped policy only, like {@code allow-property}). Nested classes
 * are written with {@code $}. Any other directive, a line outside a group or a malformed target is
 * rejected with {@code file:line}.
 *
 * <p>Precedence when the scanner judges a reference: member rules, then class rules (a class rule also
 * covers the class's subclasses and implementations), then package rules, deny before review; then the
 * archive's own classes and {@code allow-package} packages are allowed, and everything else is denied
 * ({@link RuleIds#REFERENCE_NOT_ALLOWED}).
 *
 * <p>Operator files extend, never relax: a deny of the shipped policy protects the capability model
 * itself (a plugin that can exit the VM, reflect into the gate or define classes makes every other check
 * moot), so lifting one is a change to the loader, reviewed and released, not a line in a node's
 * configuration that whoever can write the node's files could add. An operator {@code allow-package} for a
 * package that a shipped {@code deny-package} covers is therefore rejected, and deny rules win regardless
 * of which file holds them. Operator files may add deny and review rules and allow further packages and
 * modules. Immutable and thread-safe.
 */
public final class ScanPolicy {

    /** The policy file shipped in the loader. */
    public static final String SHIPPED_RESOURCE = "shipped-scan-policy.txt";

    private static final int MAX_POLICY_BYTES = 1 << 20;
    private static final Pattern RULE_ID = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*");
    private static final Pattern PROPERTY_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    /** {@link PolicyRule.Kind#values()}, which clones its array on every call; read by every line of a policy. */
    private static final PolicyRule.Kind[] KINDS = PolicyRule.Kind.values();

    private static volatile ScanPolicy shipped;

    private final List<PolicyRule> rules;
    private final ScanLimits limits;

    private ScanPolicy(List<PolicyRule> rules, ScanLimits limits) {
        this.rules = List.copyOf(rules);
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The policy shipped with the loader, with {@link ScanLimits#DEFAULT}.
     *
     * @throws ScanPolicyException if the shipped file is missing or malformed (a broken loader build)
     */
    public static ScanPolicy shipped() {
        ScanPolicy p = shipped;
        if (p == null) {
            try (InputStream in = ScanPolicy.class.getResourceAsStream(SHIPPED_RESOURCE)) {
                if (in == null) {
                    throw new ScanPolicyException("shipped scan policy " + SHIPPED_RESOURCE + " is missing from the loader");
                }
                p = new ScanPolicy(parse(SHIPPED_RESOURCE, decode(SHIPPED_RESOURCE, in.readAllBytes()), List.of()),
                        ScanLimits.DEFAULT);
            } catch (IOException e) {
                throw new ScanPolicyException("cannot read shipped scan policy " + SHIPPED_RESOURCE + ": " + e.getMessage(), e);
            }
            shipped = p;
        }
        return p;
    }

    /**
     * This policy extended by an operator policy file.
     *
     * @throws ScanPolicyException if the file cannot be read, is malformed or tries to relax a deny
     */
    public ScanPolicy withOperatorPolicy(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_POLICY_BYTES) {
                throw new ScanPolicyException(String.format(Locale.ROOT, "operator policy %s is larger than %d bytes",
                        file, MAX_POLICY_BYTES));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ScanPolicyException("cannot read operator policy " + file + ": " + e, e);
        }
        return withOperatorPolicy(file.toString(), decode(file.toString(), bytes));
    }

    /**
     * This policy extended by operator policy text.
     *
     * @param sourceName names the text in messages ({@code sourceName:line})
     * @throws ScanPolicyException if the text is malformed or tries to relax a deny
     */
    public ScanPolicy withOperatorPolicy(String sourceName, String text) {
        List<PolicyRule> all = new ArrayList<>(rules);
        all.addAll(parse(sourceName, text, rules));
        return new ScanPolicy(all, limits);
    }

    /** This policy with other resource bounds. */
    public ScanPolicy withLimits(ScanLimits newLimits) {
        return new ScanPolicy(rules, newLimits);
    }

    /** All rules, shipped first, each file in line order (unmodifiable). */
    public List<PolicyRule> rules() {
        return rules;
    }

    /** The resource bounds. */
    public ScanLimits limits() {
        return limits;
    }

    /**
     * The library modules the host supplies to plugins in place of their own copies
     * ({@code substitute-module} lines), by name: a plugin bundling one has that jar reported for the
     * record only and reads the host's copy instead; a host that cannot supply one refuses such a plugin.
     */
    public Set<String> substitutedModules() {
        return rules.stream().filter(r -> r.kind() == PolicyRule.Kind.SUBSTITUTE_MODULE).map(PolicyRule::owner)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The rule of a {@code substitute-module} line for {@code module}, if the policy has one. */
    public Optional<PolicyRule> substitution(String module) {
        return rules.stream().filter(r -> r.kind() == PolicyRule.Kind.SUBSTITUTE_MODULE && r.owner().equals(module)).findFirst();
    }

    private static String decode(String source, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ScanPolicyException(source + ": not valid UTF-8", e);
        }
    }

    /**
     * {@code line.split("\\s+", limit)} of a stripped line (no white space at either end), without the
     * regex engine, which a short CLI run pays for in the interpreter on every line of the shipped
     * policy: words separated by runs of {@code [ \t\n\x0B\f\r]}, and with a positive limit the last
     * part the rest of the line.
     */
    static String[] words(String line, int limit) {
        List<String> out = new ArrayList<>(4);
        int i = 0;
        int n = line.length();
        while (i < n) {
            if (limit > 0 && out.size() == limit - 1) {
                out.add(line.substring(i));
                break;
            }
            int j = i;
            while (j < n && !regexSpace(line.charAt(j))) {
                j++;
            }
            out.add(line.substring(i, j));
            while (j < n && regexSpace(line.charAt(j))) {
                j++;
            }
            i = j;
        }
        if (out.isEmpty()) {
            out.add(line);
        }
        return out.toArray(new String[0]);
    }

    /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
    private static boolean regexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    private static List<PolicyRule> parse(String source, String text, List<PolicyRule> base) {
        if (text.length() > MAX_POLICY_BYTES) {
            throw new ScanPolicyException(String.format(Locale.ROOT, "%s: larger than %d bytes", source, MAX_POLICY_BYTES));
        }
        List<PolicyRule> out = new ArrayList<>();
        String groupId = null;
        String groupReason = null;
        // Split at \n alone: a \r before it is white space, which strip() below takes off each line.
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String at = source + ":" + (i + 1);
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("@")) {
                String[] parts = words(line, 3);
                if (!parts[0].equals("@rule")) {
                    throw new ScanPolicyException(at + ": unknown directive '" + parts[0] + "'");
                }
                if (parts.length < 3 || !RULE_ID.matcher(parts[1]).matches()) {
                    throw new ScanPolicyException(at + ": expected '@rule ID REASON' with ID like 'vm.exit'");
                }
                // The shipped allow-bootstrap lines stand in the group of the rule they exempt from, so that
                // the reason a denied bootstrap prints is written beside the list of allowed ones.
                boolean bootstrapGroup = base.isEmpty() && parts[1].equals(RuleIds.LINKAGE_BOOTSTRAP);
                if (RuleIds.RESERVED.contains(parts[1]) && !bootstrapGroup) {
                    throw new ScanPolicyException(at + ": rule id '" + parts[1] + "' is reserved for the scanner");
                }
                groupId = parts[1];
                groupReason = parts[2].strip();
                continue;
            }
            String reason = groupReason;
            int reasonAt = line.indexOf(" @ ");
            if (reasonAt >= 0) {
                reason = line.substring(reasonAt + 3).strip();
                line = line.substring(0, reasonAt).strip();
                if (reason.isEmpty()) {
                    throw new ScanPolicyException(at + ": empty reason after '@'");
                }
            }
            String[] parts = words(line, 0);
            PolicyRule.Kind kind = kindOf(parts[0])
                    .orElseThrow(() -> new ScanPolicyException(at + ": unknown directive '" + parts[0] + "'"));
            if (parts.length != 2) {
                throw new ScanPolicyException(at + ": expected '" + kind.directive() + " TARGET', got '" + line + "'");
            }
            if (groupId == null) {
                throw new ScanPolicyException(at + ": rule outside a group; start one with '@rule ID REASON'");
            }
            PolicyRule rule = rule(kind, parts[1], groupId, reason, at);
            if (!base.isEmpty() && kind == PolicyRule.Kind.ALLOW_PACKAGE) {
                for (PolicyRule shippedRule : base) {
                    if (shippedRule.kind() == PolicyRule.Kind.DENY_PACKAGE && overlaps(shippedRule.owner(), rule.owner())) {
                        throw new ScanPolicyException(at + ": '" + line + "' would relax deny-package "
                                + shippedRule.owner().replace('/', '.') + " of " + shippedRule.source()
                                + "; operator policies may add rules, not lift denies");
                    }
                }
            }
            if (!base.isEmpty() && (kind == PolicyRule.Kind.ALLOW_PROPERTY || kind == PolicyRule.Kind.ALLOW_BOOTSTRAP
                    || kind == PolicyRule.Kind.SUBSTITUTE_MODULE)) {
                throw new ScanPolicyException(at + ": '" + line + "' would widen what plugin code may do at run time;"
                        + " " + kind.directive() + " lines belong to the shipped policy only");
            }
            if (kind == PolicyRule.Kind.ALLOW_BOOTSTRAP && !groupId.equals(RuleIds.LINKAGE_BOOTSTRAP)) {
                throw new ScanPolicyException(at + ": allow-bootstrap lines belong to the group '@rule "
                        + RuleIds.LINKAGE_BOOTSTRAP + " REASON', whose reason every denied bootstrap prints");
            }
            if (kind == PolicyRule.Kind.ALLOW_BOOTSTRAP && reasonAt >= 0) {
                throw new ScanPolicyException(at + ": an allow-bootstrap line takes the reason of its group, not one of its own");
            }
            if (groupId.equals(RuleIds.LINKAGE_BOOTSTRAP) && kind != PolicyRule.Kind.ALLOW_BOOTSTRAP) {
                throw new ScanPolicyException(at + ": the group " + RuleIds.LINKAGE_BOOTSTRAP
                        + " holds only allow-bootstrap lines; the scanner reports its findings");
            }
            if (!base.isEmpty() && kind == PolicyRule.Kind.ALLOW_MODULE && rule.owner().startsWith("dev.stigmem.")
                    && !rule.owner().equals("dev.stigmem.api")) {
                throw new ScanPolicyException(at + ": '" + line + "' would let a plugin read a host module;"
                        + " plugins reach the host only through dev.stigmem.api");
            }
            out.add(rule);
        }
        return out;
    }

    private static boolean overlaps(String denied, String allowed) {
        String d = denied.endsWith("/**") ? denied.substring(0, denied.length() - 3) : denied;
        String a = allowed.endsWith("/**") ? allowed.substring(0, allowed.length() - 3) : allowed;
        return a.equals(d) || (denied.endsWith("/**") && a.startsWith(d + "/")) || (allowed.endsWith("/**") && d.startsWith(a + "/"));
    }

    private static Optional<PolicyRule.Kind> kindOf(String directive) {
        for (PolicyRule.Kind k : KINDS) {
            if (k.directive().equals(directive)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    private static PolicyRule rule(PolicyRule.Kind kind, String target, String id, String reason, String at) {
        switch (kind) {
            case ALLOW_MODULE, SUBSTITUTE_MODULE -> {
                // A module name is a dotted name ([\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*).
                if (!isDottedName(target)) {
                    throw new ScanPolicyException(at + ": '" + target + "' is not a module name");
                }
                return new PolicyRule(kind, id, reason, target, Optional.empty(), Optional.empty(), at);
            }
            case ALLOW_PROPERTY -> {
                if (!PROPERTY_KEY.matcher(target).matches()) {
                    throw new ScanPolicyException(at + ": '" + target + "' is not a system property key");
                }
                return new PolicyRule(kind, id, reason, target, Optional.empty(), Optional.empty(), at);
            }
            case ALLOW_PACKAGE, DENY_PACKAGE, REVIEW_PACKAGE -> {
                boolean sub = target.endsWith(".**");
                String pkg = sub ? target.substring(0, target.length() - 3) : target;
                checkDotted(pkg, target, at);
                return new PolicyRule(kind, id, reason, pkg.replace('.', '/') + (sub ? "/**" : ""),
                        Optional.empty(), Optional.empty(), at);
            }
            case DENY_CLASS, REVIEW_CLASS -> {
                checkDotted(target, target, at);
                return new PolicyRule(kind, id, reason, target.replace('.', '/'), Optional.empty(), Optional.empty(), at);
            }
            default -> {
                int hash = target.indexOf('#');
                if (hash <= 0 || hash == target.length() - 1) {
                    throw new ScanPolicyException(at + ": '" + target + "' is not a member; expected Class#name");
                }
                String owner = target.substring(0, hash);
                String rest = target.substring(hash + 1);
                checkDotted(owner, target, at);
                if (!isMember(rest)) {
                    throw new ScanPolicyException(at + ": '" + rest + "' is not a member name, prefix* or name(descriptor)");
                }
                int paren = rest.indexOf('(');
                Optional<String> desc = paren < 0 ? Optional.empty() : Optional.of(rest.substring(paren));
                String name = paren < 0 ? rest : rest.substring(0, paren);
                return new PolicyRule(kind, id, reason, owner.replace('.', '/'), Optional.of(name), desc, at);
            }
        }
    }

    private static void checkDotted(String name, String target, String at) {
        if (!isDottedName(name)) {
            throw new ScanPolicyException(at + ": '" + target + "' is not a valid Java name");
        }
    }

    /** Each part between dots (as {@code split("\\.", -1)} gives them: empty parts included) is an identifier. */
    static boolean isDottedName(String name) {
        int start = 0;
        while (true) {
            int dot = name.indexOf('.', start);
            int end = dot < 0 ? name.length() : dot;
            if (!isIdentifier(name, start, end)) {
                return false;
            }
            if (dot < 0) {
                return true;
            }
            start = dot + 1;
        }
    }

    /*
     * The policy's names were checked with the regular expressions in the comments below; the
     * shipped policy's five hundred lines made a short CLI run interpret the regex engine for each
     * of their names, where these loops are a few comparisons a character. Both read code points
     * ({@code \p{L}} and {@code \p{N}} are Unicode general categories of a code point, as
     * Character.getType gives them; an unpaired surrogate is in neither); PolicyNamesTests checks
     * them against the expressions.
     */

    /** {@code [\p{L}_$][\p{L}\p{N}_$]*} over {@code s[from, to)}. */
    static boolean isIdentifier(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; ) {
            int cp = s.codePointAt(i);
            if (i + Character.charCount(cp) > to) {
                return false; // (a pair split by the range end: not in this name)
            }
            int type = Character.getType(cp);
            boolean letter = type == Character.UPPERCASE_LETTER || type == Character.LOWERCASE_LETTER
                    || type == Character.TITLECASE_LETTER || type == Character.MODIFIER_LETTER || type == Character.OTHER_LETTER;
            boolean number = type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
            if (!(letter || cp == '_' || cp == '$' || (number && i > from))) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    /**
     * {@code (<init>|<clinit>|[\p{L}_$][\p{L}\p{N}_$]*\*?|\*)(\(.*\).+)?}, the whole string: a name
     * (or a prefix ending in {@code *}, or {@code *} alone), then nothing or a descriptor: {@code (},
     * then, up to the end, characters other than line terminators among which a {@code )} with at
     * least one character after it. (A shorter identifier would leave an identifier character where
     * the descriptor's {@code (} must be, so the longest is the only one that can match.)
     */
    static boolean isMember(String s) {
        int paren = s.indexOf('(');
        int nameEnd = paren < 0 ? s.length() : paren;
        boolean name = s.startsWith("<init>") && nameEnd == 6 || s.startsWith("<clinit>") && nameEnd == 8
                || nameEnd == 1 && s.charAt(0) == '*'
                || isIdentifier(s, 0, nameEnd) || nameEnd > 1 && s.charAt(nameEnd - 1) == '*' && isIdentifier(s, 0, nameEnd - 1);
        if (!name || paren < 0) {
            return name;
        }
        for (int i = paren + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return false; // what '.' does not match
            }
        }
        int close = s.indexOf(')', paren + 1);
        return close >= 0 && close <= s.length() - 2;
    }

    @Override
    public String toString() {
        return "ScanPolicy[" + rules.size() + " rules, " + limits + "]";
    }
}
