package dev.stigmem.node.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stigmem install}: verify, scan, refuse unaccepted upgrades, copy atomically. Every refusal
 * and error is checked to leave the plugin directory byte for byte as it was, with no staging left.
 */
class InstallCommandTests {

    private static final Path EXAMPLES = Path.of(System.getProperty("stigmem.examples", "target/examples"));
    private static final String START = "context.getAuditEmitter().ifPresent(a -> a.emit(\"notes.started\", java.util.Map.of()));";

    @TempDir
    Path dir;

    Path plugins;
    Path data;
    Path builds;
    Path policy;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void directories() throws IOException {
        plugins = Files.createDirectory(dir.resolve("plugins"));
        data = dir.resolve("data");
        builds = Files.createDirectory(dir.resolve("builds"));
        policy = PluginJars.trusting(dir, PluginJars.acme());
    }

    private int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return StigmemCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private int install(Path archive, String... more) {
        String[] base = {"install", archive.toString(), "--plugins", plugins.toString(), "--data", data.toString(),
                "--trust-policy", policy.toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return run(all);
    }

    private Path signedNotes(String jar, String version, List<String> caps, List<String> entryHooks, String start,
                             PluginJars.Key key) {
        return PluginJars.sign(PluginJars.notes(builds, jar, version, caps, List.of("PreAssertAuthorize"), entryHooks, start), key);
    }

    private Path v1() {
        return signedNotes("notes-1.0.0.jar", "1.0.0", List.of("audit.emit"), List.of(), START, PluginJars.acme());
    }

    /**
     * Every file in the plugin directory, hidden ones (staging) included, with its bytes' hash; the
     * install lock file is left out: it stays by design (deleting a lock file races with the next holder).
     */
    private List<String> snapshot() throws IOException {
        try (Stream<Path> walk = Files.walk(plugins)) {
            return walk.filter(p -> !p.equals(plugins) && !p.equals(plugins.resolve(InstallCommand.LOCK_FILE))).sorted().map(p -> {
                try {
                    return plugins.relativize(p) + (Files.isRegularFile(p) ? " " + java.util.Arrays.hashCode(Files.readAllBytes(p)) : "/");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** The archives the node would list: the plugin directory's entries not starting with a dot. */
    private List<String> visible() throws IOException {
        try (Stream<Path> list = Files.list(plugins)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    /** The kept-version slot of plugin notes. */
    private Path kept() {
        return plugins.resolve(".stigmem-rollback").resolve("notes");
    }

    private List<String> keptFiles() throws IOException {
        if (!Files.exists(kept())) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(kept())) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> auditLines() throws IOException {
        return Files.readAllLines(data.resolve(InstallCommand.AUDIT_FILE));
    }

    private List<String> auditActions() throws IOException {
        Path trail = data.resolve(InstallCommand.AUDIT_FILE);
        if (!Files.exists(trail)) {
            return List.of();
        }
        return Files.readAllLines(trail).stream()
                .map(l -> l.replaceAll(".*\"action\":\"([^\"]+)\".*", "$1")).toList();
    }

    @Test
    void aTrustedArchiveIsInstalledAndTheDecisionAudited() throws IOException {
        Path v1 = v1();
        assertThat(install(v1)).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("new plugin: no installed version").contains("INSTALLED as " + plugins.resolve("notes-1.0.0.jar"));
        assertThat(Files.readAllBytes(plugins.resolve("notes-1.0.0.jar"))).isEqualTo(Files.readAllBytes(v1));
        assertThat(snapshot()).hasSize(1);
        assertThat(auditActions()).containsExactly("plugin.install_accepted", "plugin.installed");
        assertThat(Files.readString(data.resolve(InstallCommand.AUDIT_FILE))).contains("\"trust_decision\":\"trusted\"")
                .contains("\"plugin\":\"notes\"");
    }

    @Test
    void anUnsignedArchiveIsRefusedAndNothingIsCopied() throws IOException {
        Path unsigned = PluginJars.notes(builds, "notes.jar", "1.0.0", List.of("audit.emit"), List.of(), List.of(), START);
        assertThat(install(unsigned)).isEqualTo(1);
        assertThat(out.toString()).contains("REFUSED, nothing changed:").contains("trust: UNSIGNED");
        assertThat(snapshot()).isEmpty();
        assertThat(auditActions()).containsExactly("plugin.install_refused");
    }

    @Test
    void anArchiveSignedByAnUnknownPublisherIsRefused() throws IOException {
        Path foreign = signedNotes("notes.jar", "1.0.0", List.of("audit.emit"), List.of(), START, PluginJars.other());
        assertThat(install(foreign)).isEqualTo(1);
        assertThat(out.toString()).contains("trust: UNKNOWN_SIGNER");
        assertThat(snapshot()).isEmpty();
    }

    @Test
    void anArchiveTheScanDeniesIsRefused() throws IOException {
        Path exiting = signedNotes("notes.jar", "1.0.0", List.of("audit.emit"), List.of(), START + "System.exit(1);", PluginJars.acme());
        assertThat(install(exiting)).isEqualTo(1);
        assertThat(out.toString()).contains("scan: REJECT");
        assertThat(snapshot()).isEmpty();
    }

    @Test
    void aBroadenedUpgradeIsRefusedLeavingThePreviousVersionIntact() throws IOException {
        assertThat(install(v1())).isZero();
        List<String> before = snapshot();
        Path v2 = signedNotes("notes-2.0.0.jar", "2.0.0", List.of("audit.emit", "facts.write"), List.of("PostAssertPersist"),
                START + "context.getFactsWriter().ifPresent(w -> w.retract(\"f\", \"r\"));", PluginJars.acme());
        assertThat(install(v2)).isEqualTo(1);
        assertThat(out.toString()).contains("replaces " + plugins.resolve("notes-1.0.0.jar") + " (version 1.0.0)")
                .contains("access broadens (new capability facts.write (high impact); highest impact rises from read-oriented to high impact; "
                        + "new hook post_assert_persist); review it, then accept with --accept-broadened");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(auditActions()).endsWith("plugin.install_refused");
    }

    @Test
    void anAcceptedBroadenedUpgradeReplacesThePreviousVersion() throws IOException {
        assertThat(install(v1())).isZero();
        Path v2 = signedNotes("notes-2.0.0.jar", "2.0.0", List.of("audit.emit", "facts.write"), List.of(),
                START + "context.getFactsWriter().ifPresent(w -> w.retract(\"f\", \"r\"));", PluginJars.acme());
        assertThat(install(v2, "--accept-broadened", "needs facts.write for retention, OPS-7")).as(out.toString()).isZero();
        assertThat(out.toString()).contains("removed the previous version " + plugins.resolve("notes-1.0.0.jar"));
        assertThat(visible()).containsExactly("notes-2.0.0.jar");
        assertThat(auditActions()).endsWith("plugin.install_accepted", "plugin.installed");
        assertThat(Files.readString(data.resolve(InstallCommand.AUDIT_FILE))).contains("\"previous_version\":\"1.0.0\"")
                .contains("\"broadened\":\"true\"").contains("\"accept_broadened\":\"needs facts.write for retention, OPS-7\"");
    }

    @Test
    void aChangedSignerIsRefusedUnlessAccepted() throws IOException {
        assertThat(install(v1())).isZero();
        List<String> before = snapshot();
        policy = PluginJars.trusting(dir, PluginJars.acme(), PluginJars.other());
        Path v2 = signedNotes("notes-1.0.1.jar", "1.0.1", List.of("audit.emit"), List.of(), START, PluginJars.other());
        assertThat(install(v2)).isEqualTo(1);
        assertThat(out.toString()).contains("the signer set changed since the installed version; review it, then accept with --accept-signer-change");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(install(v2, "--accept-signer-change", "acme moved its key to other, confirmed by phone")).isZero();
        assertThat(visible()).containsExactly("notes-1.0.1.jar");
        assertThat(auditLines()).last().asString().contains("\"accept_signer_change\":\"acme moved its key to other, confirmed by phone\"");
    }

    @Test
    void anUpgradeUnderTheSameFileNameReplacesItInOneRename() throws IOException {
        assertThat(install(v1())).isZero();
        Path v2 = signedNotes("notes-1.0.0.jar", "1.0.1", List.of("audit.emit"), List.of(), START + "String s = \"v2\";", PluginJars.acme());
        Files.move(v2, Files.createDirectories(builds.resolve("next")).resolve("notes-1.0.0.jar"));
        assertThat(install(builds.resolve("next/notes-1.0.0.jar"))).as(out.toString()).isZero();
        assertThat(Files.readAllBytes(plugins.resolve("notes-1.0.0.jar"))).isEqualTo(Files.readAllBytes(builds.resolve("next/notes-1.0.0.jar")));
        assertThat(visible()).containsExactly("notes-1.0.0.jar");
        // The replaced bytes are kept for rollback under the same file name.
        assertThat(Files.readAllBytes(kept().resolve("notes-1.0.0.jar"))).isNotEqualTo(Files.readAllBytes(plugins.resolve("notes-1.0.0.jar")));
    }

    @Test
    void aFileOfAnotherPluginIsNeverOverwritten() throws IOException {
        Files.copy(EXAMPLES.resolve("greeter-plugin.jar"), plugins.resolve("notes-1.0.0.jar"));
        policy = Files.writeString(dir.resolve("both.policy"), Files.readString(policy)
                + "development-unsigned = i-accept-unsigned-plugins-from-anyone\n");
        List<String> before = snapshot();
        assertThat(install(v1())).isEqualTo(1);
        assertThat(out.toString()).contains(plugins.resolve("notes-1.0.0.jar") + " already exists and is not an installed version of plugin 'notes'");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aCorruptArchiveExitsTwoNamingItAndChangesNothing() throws IOException {
        assertThat(install(v1())).isZero();
        List<String> before = snapshot();
        Path corrupt = Files.write(builds.resolve("corrupt.jar"), new byte[] {'P', 'K', 3, 4, 0});
        assertThat(install(corrupt)).isEqualTo(2);
        assertThat(err.toString()).contains(corrupt.toString()).doesNotContain(".stigmem-install-");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aMissingArchiveOrAPluginDirectoryWithoutParentExitsTwo() throws IOException {
        assertThat(install(builds.resolve("missing.jar"))).isEqualTo(2);
        assertThat(err.toString()).contains(builds.resolve("missing.jar") + "' does not exist");
        assertThat(run("install", v1().toString(), "--plugins", dir.resolve("no/where").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("plugin directory " + dir.resolve("no/where") + " does not exist, nor does its parent "
                + dir.resolve("no") + "; if that is the path you meant, create it first (mkdir -p " + dir.resolve("no/where") + ")");
        assertThat(dir.resolve("no")).doesNotExist();
        assertThat(snapshot()).isEmpty();
    }

    @Test
    void aMissingPluginDirectoryWhoseParentExistsIsCreatedAndAudited() throws IOException {
        plugins = dir.resolve("fresh");
        assertThat(install(v1())).as(out + "" + err).isZero();
        assertThat(out.toString()).startsWith("Created plugin directory " + plugins);
        assertThat(visible()).containsExactly("notes-1.0.0.jar");
        assertThat(auditActions()).containsExactly("plugin.directory_created", "plugin.install_accepted", "plugin.installed");
    }

    @Test
    void anUnreadableInstalledArchiveStopsTheInstallFailClosed() throws IOException {
        Files.write(plugins.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 0});
        List<String> before = snapshot();
        assertThat(install(v1())).isEqualTo(2);
        assertThat(err.toString()).contains("installed archive " + plugins.resolve("broken.jar") + " cannot be read");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void stagingDirectoriesLeftByCrashedInstallsAreRemovedByTheNextInstallAndThePluginStarts() throws IOException {
        // What crashes before the rename leave: hidden staging directories with partial copies.
        Path crashed = Files.createDirectory(plugins.resolve(".stigmem-install-8361945120934"));
        Files.write(crashed.resolve("notes-1.0.0.jar"), new byte[] {'P', 'K', 3});
        Path crashedToo = Files.createDirectory(plugins.resolve(".stigmem-install-17"));
        Files.write(crashedToo.resolve("other.jar"), new byte[1 << 20]);
        // Not of the installer's naming, or not a directory of its own: left alone.
        Path notOurs = Files.createDirectory(plugins.resolve(".stigmem-install-crashed"));
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("keep.txt"), "not the installer's");
        Path link = Files.createSymbolicLink(plugins.resolve(".stigmem-install-99"), elsewhere);

        assertThat(install(v1())).as(out.toString()).isZero();

        assertThat(crashed).doesNotExist();
        assertThat(crashedToo).doesNotExist();
        assertThat(notOurs).exists();
        assertThat(link).exists();
        assertThat(elsewhere.resolve("keep.txt")).exists();
        assertThat(auditActions()).containsExactly("plugin.install_staging_removed", "plugin.install_accepted", "plugin.installed");
        assertThat(Files.readString(data.resolve(InstallCommand.AUDIT_FILE)))
                .contains("\"directories\":\".stigmem-install-17,.stigmem-install-8361945120934\"");
        assertThat(run("plugins", "list", "--plugins", plugins.toString(), "--trust-policy", policy.toString()))
                .as(out + "" + err).isZero();
        assertThat(out.toString()).contains("notes").contains("1.0.0").contains("pre_assert_authorize");
    }

    @Test
    void stagingIsNotTouchedWhileAnotherInstallHoldsTheLock() throws IOException {
        Path running = Files.createDirectory(plugins.resolve(".stigmem-install-123"));
        Files.write(running.resolve("notes-1.0.0.jar"), new byte[] {'P', 'K', 3});
        try (var held = dev.stigmem.node.internal.install.PluginInstaller.InstallLock.tryAcquire(plugins).orElseThrow()) {
            assertThat(install(v1())).isEqualTo(2);
            assertThat(running.resolve("notes-1.0.0.jar")).exists();
        }
    }

    @Test
    void aSecondInstallWhileOneHoldsTheLockExitsTwoChangingNothing() throws IOException {
        Path v1 = v1();
        try (var channel = java.nio.channels.FileChannel.open(plugins.resolve(InstallCommand.LOCK_FILE),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
             var held = channel.lock()) {
            assertThat(install(v1)).isEqualTo(2);
            assertThat(err.toString()).contains("another install into " + plugins + " is running");
        }
        assertThat(snapshot()).isEmpty();
        assertThat(install(v1)).isZero();
    }

    @Test
    void aRefusedDeclarationIsRefusedAndAudited() throws IOException {
        Path bad = PluginJars.invalidManifest(builds, "bad-manifest.jar");
        assertThat(install(bad)).isEqualTo(1);
        assertThat(out.toString()).contains("REFUSED, nothing changed:").contains("Bad Name").doesNotContain(".stigmem-install-");
        assertThat(snapshot()).isEmpty();
        assertThat(auditActions()).containsExactly("plugin.install_refused");
    }

    // --- lifecycle: downgrade, rollback, uninstall, reasons ------------------------------------------

    private Path v(String version) {
        return signedNotes("notes-" + version + ".jar", version, List.of("audit.emit"), List.of(), START + "String v = \"" + version + "\";",
                PluginJars.acme());
    }

    private int rollback(String name, String... more) {
        String[] base = {"rollback", name, "--plugins", plugins.toString(), "--data", data.toString(), "--trust-policy", policy.toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return run(all);
    }

    private int uninstall(String name) {
        return run("uninstall", name, "--plugins", plugins.toString(), "--data", data.toString());
    }

    @Test
    void anUpgradeKeepsTheReplacedVersionAndRollbackSwapsThemBack() throws IOException {
        Path v1 = v("1.0.0");
        Path v2 = v("1.1.0");
        assertThat(install(v1)).isZero();
        assertThat(keptFiles()).isEmpty();
        assertThat(install(v2)).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("kept " + kept().resolve("notes-1.0.0.jar") + " for stigmem rollback notes");
        assertThat(visible()).containsExactly("notes-1.1.0.jar");
        assertThat(keptFiles()).containsExactly("notes-1.0.0.jar");
        assertThat(Files.readAllBytes(kept().resolve("notes-1.0.0.jar"))).isEqualTo(Files.readAllBytes(v1));

        assertThat(rollback("notes")).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("Rollback of plugin 'notes' to 1.0.0").contains("replaces " + plugins.resolve("notes-1.1.0.jar"))
                .contains("ROLLED BACK as " + plugins.resolve("notes-1.0.0.jar"));
        assertThat(visible()).containsExactly("notes-1.0.0.jar");
        assertThat(Files.readAllBytes(plugins.resolve("notes-1.0.0.jar"))).isEqualTo(Files.readAllBytes(v1));
        assertThat(keptFiles()).containsExactly("notes-1.1.0.jar");
        // A second rollback rolls forward.
        assertThat(rollback("notes")).isZero();
        assertThat(visible()).containsExactly("notes-1.1.0.jar");
        assertThat(keptFiles()).containsExactly("notes-1.0.0.jar");
        assertThat(auditActions()).containsExactly("plugin.install_accepted", "plugin.installed", "plugin.install_accepted", "plugin.installed",
                "plugin.rollback_accepted", "plugin.rolled_back", "plugin.rollback_accepted", "plugin.rolled_back");
        assertThat(auditLines().get(5)).contains("\"version\":\"1.0.0\"").contains("\"previous_version\":\"1.1.0\"")
                .contains("\"downgrade\":\"true\"").contains("\"kept\":\"" + kept().resolve("notes-1.1.0.jar") + "\"");
        assertThat(snapshot()).noneMatch(e -> e.startsWith(".stigmem-install-"));
    }

    @Test
    void aDowngradeIsRefusedUnlessAcceptedWithAReason() throws IOException {
        assertThat(install(v("1.1.0"))).isZero();
        List<String> before = snapshot();
        Path v1 = v("1.0.0");
        assertThat(install(v1)).isEqualTo(1);
        assertThat(out.toString()).contains("REFUSED, nothing changed:").contains("version 1.0.0 is lower than the installed 1.1.0 (a downgrade); "
                + "stigmem rollback notes goes back to the version the last upgrade replaced, or accept this one with --accept-downgrade REASON");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(auditLines()).last().asString().contains("\"action\":\"plugin.install_refused\"").contains("\"downgrade\":\"true\"");

        // A reason must be given, and say something.
        for (String empty : List.of("", "   ")) {
            assertThat(install(v1, "--accept-downgrade", empty)).isEqualTo(2);
            assertThat(err.toString()).contains("--accept-downgrade needs a reason: say why you accept it");
        }
        assertThat(install(v1, "--accept-downgrade", "line one\nline two")).isEqualTo(2);
        assertThat(err.toString()).contains("--accept-downgrade takes a reason of one line of text");
        assertThat(install(v1, "--accept-downgrade", "x".repeat(1001))).isEqualTo(2);
        assertThat(err.toString()).contains("at most 1000 characters, not 1001");
        assertThat(install(v1, "--accept-downgrade")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter for option '--accept-downgrade' (REASON)");
        assertThat(snapshot()).isEqualTo(before);

        assertThat(install(v1, "--accept-downgrade", "1.1.0 corrupts notes, INC-42")).as(out + "" + err).isZero();
        assertThat(visible()).containsExactly("notes-1.0.0.jar");
        assertThat(auditLines()).last().asString().contains("\"action\":\"plugin.installed\"")
                .contains("\"accept_downgrade\":\"1.1.0 corrupts notes, INC-42\"").contains("\"downgrade\":\"true\"");
        // The same version again is no downgrade.
        assertThat(install(v1)).as(out.toString()).isZero();
    }

    @Test
    void rollbackWithNothingKeptOrAnUnknownNameExitsTwoNamingIt() throws IOException {
        assertThat(install(v("1.0.0"))).isZero();
        List<String> before = snapshot();
        assertThat(rollback("notes")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to roll back to: no earlier version of plugin 'notes' is kept in " + kept());
        assertThat(rollback("absent")).isEqualTo(2);
        assertThat(err.toString()).contains("plugin 'absent' is neither installed in " + plugins + " nor kept for rollback there (installed: notes)");
        assertThat(rollback("../notes")).isEqualTo(2);
        assertThat(err.toString()).contains("'../notes' is not a plugin name");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void rollbackChecksTrustAgain() throws IOException {
        assertThat(install(v("1.0.0"))).isZero();
        assertThat(install(v("1.1.0"))).isZero();
        List<String> before = snapshot();
        // The node no longer trusts the publisher: the kept version is refused like any archive.
        policy = PluginJars.trusting(dir, PluginJars.other());
        assertThat(rollback("notes")).isEqualTo(1);
        assertThat(out.toString()).contains("REFUSED, nothing changed:").contains("trust: UNKNOWN_SIGNER");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(auditActions()).last().isEqualTo("plugin.rollback_refused");
    }

    @Test
    void uninstallKeepsThePluginForRollbackAndRefusesWhileAnotherDependsOnIt() throws IOException {
        Path v1 = v("1.0.0");
        assertThat(install(v1)).isZero();
        Path reader = PluginJars.sign(PluginJars.compile(builds, "reader.jar", java.util.Map.of("com/example/reader/Reader.java",
                "package com.example.reader;\n@dev.stigmem.api.StigmemPlugin(name = \"reader\", version = \"1.0.0\", requires = \">=0.9.0\","
                        + " dependsOn = {\"notes\"})\npublic final class Reader implements dev.stigmem.api.Plugin {}\n"),
                "com.example.reader.Reader"), PluginJars.acme());
        assertThat(install(reader)).as(out + "" + err).isZero();
        List<String> before = snapshot();
        assertThat(uninstall("notes")).isEqualTo(1);
        assertThat(out.toString()).contains("REFUSED, nothing changed:")
                .contains("plugin 'reader' (" + plugins.resolve("reader.jar") + ") depends on 'notes'; uninstall it first");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(auditActions()).last().isEqualTo("plugin.uninstall_refused");

        assertThat(uninstall("reader")).as(out + "" + err).isZero();
        assertThat(uninstall("notes")).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("UNINSTALLED plugin 'notes' 1.0.0: removed " + plugins.resolve("notes-1.0.0.jar"))
                .contains("kept " + kept().resolve("notes-1.0.0.jar") + " for stigmem rollback notes");
        assertThat(visible()).isEmpty();
        assertThat(keptFiles()).containsExactly("notes-1.0.0.jar");
        assertThat(auditActions()).endsWith("plugin.uninstall_accepted", "plugin.uninstalled");

        assertThat(uninstall("notes")).isEqualTo(2);
        assertThat(err.toString()).contains("plugin 'notes' is not installed in " + plugins
                + " (an earlier version is kept: stigmem rollback notes installs it)");
        assertThat(uninstall("nobody")).isEqualTo(2);
        assertThat(err.toString()).contains("plugin 'nobody' is not installed in " + plugins + " (it holds no plugin)");

        // Rolled back after an uninstall: installed again, and no longer kept twice.
        assertThat(rollback("notes")).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("new plugin: no installed version");
        assertThat(visible()).containsExactly("notes-1.0.0.jar");
        assertThat(Files.readAllBytes(plugins.resolve("notes-1.0.0.jar"))).isEqualTo(Files.readAllBytes(v1));
        assertThat(kept()).doesNotExist();
        assertThat(snapshot()).noneMatch(e -> e.startsWith(".stigmem-install-"));
    }

    @Test
    void aVersionThatCannotBeKeptStopsTheUpgradeBeforeAnythingVisibleChanges() throws IOException {
        // Keeping comes first in the rename order: when it fails, the installed version is untouched.
        assertThat(install(v("1.0.0"))).isZero();
        Files.writeString(plugins.resolve(".stigmem-rollback"), "in the way");
        List<String> before = snapshot();
        assertThat(install(v("1.1.0"))).isEqualTo(2);
        assertThat(err.toString()).contains("install of '").contains("failed: java.nio.file.FileAlreadyExistsException");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(auditActions()).endsWith("plugin.install_accepted", "plugin.install_failed");
    }

    @Test
    void whatACrashMidUpgradeLeavesIsSweptAndNeverLoaded() throws IOException {
        // A crash between emptying the kept slot and filling it: the old kept version and the copy
        // to keep are in a staging directory, the slot is empty, the installed version in place.
        assertThat(install(v("1.0.0"))).isZero();
        Path crashed = Files.createDirectory(plugins.resolve(".stigmem-install-4242"));
        Files.createDirectories(crashed.resolve("keep"));
        Files.copy(plugins.resolve("notes-1.0.0.jar"), crashed.resolve("keep/notes-1.0.0.jar"));
        Files.createDirectories(crashed.resolve("replaced-kept"));
        Files.write(crashed.resolve("replaced-kept/notes-0.9.0.jar"), new byte[] {'P', 'K'});
        Files.copy(v("1.1.0"), crashed.resolve("notes-1.1.0.jar"));
        assertThat(run("plugins", "list", "--plugins", plugins.toString(), "--trust-policy", policy.toString())).as(out + "" + err).isZero();
        assertThat(out.toString()).contains("notes").contains("1.0.0").doesNotContain("1.1.0");
        assertThat(rollback("notes")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to roll back to");
        assertThat(crashed).exists(); // rollback refused before it swept: it changed nothing
        assertThat(install(v("1.1.0"))).as(out + "" + err).isZero();
        assertThat(crashed).doesNotExist();
        assertThat(visible()).containsExactly("notes-1.1.0.jar");
        assertThat(keptFiles()).containsExactly("notes-1.0.0.jar");
    }

    @Test
    void aDamagedInstallTrailStopsTheInstallUntilRepairAuditMovesTheDamageAside() throws IOException {
        assertThat(install(v("1.0.0"))).isZero();
        Path trail = data.resolve(InstallCommand.AUDIT_FILE);
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(trail));
        lines.add(0, "not an event");
        Files.write(trail, lines);
        List<String> before = snapshot();
        assertThat(install(v("1.1.0"))).isEqualTo(2);
        assertThat(err.toString()).contains("cannot open the install trail: " + trail + ":1:")
                .contains("by running the same command again with --repair-audit (stigmem node, install, rollback and uninstall;");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(install(v("1.1.0"), "--repair-audit")).as(out + "" + err).isZero();
        assertThat(visible()).containsExactly("notes-1.1.0.jar");
        assertThat(auditActions()).containsExactly("node.audit_repaired", "plugin.install_accepted", "plugin.installed");
        try (Stream<Path> list = Files.list(data)) {
            assertThat(list.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith(InstallCommand.AUDIT_FILE + ".damaged-"));
        }
    }
}
