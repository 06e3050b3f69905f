package dev.stigmem.node.internal.cli;

import dev.stigmem.loader.trust.TrustPolicy;
import dev.stigmem.loader.scan.ScanPolicy;
import dev.stigmem.node.internal.install.Acceptances;
import dev.stigmem.node.internal.install.InstallRefusedException;
import dev.stigmem.node.internal.install.PluginInstaller;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code stigmem uninstall NAME}: remove a plugin from the plugin directory, keeping it for rollback. */
final class UninstallCommand implements Callable<Integer> {

    final CommandSpec spec;
    private final Arg<String> name;
    private final InstallCommand.DirectoryOptions directory;

    UninstallCommand() {
        CommandModel m = new CommandModel("uninstall", this,
                "Remove a plugin from a node's plugin directory, keeping it so that stigmem rollback can put it back.",
                "Refused while another installed plugin depends on it. It takes effect when the node next starts.",
                "Exit 0: uninstalled; 1: refused (nothing changed); 2: an unknown NAME, or an input or I/O error.")
                .footer("%nExample:%n", "  stigmem uninstall notes --plugins plugins --data data");
        name = m.positional(0, "NAME", String.class, "The plugin's manifest name.");
        directory = new InstallCommand.DirectoryOptions(m);
        spec = m.spec();
    }

    @Override
    public Integer call() throws IOException {
        String name = this.name.value();
        return directory.underLock(spec, false, (out, clock, audit, lock) -> {
            // Nothing is verified or scanned: the archive is only read to learn its plugin name.
            var installer = new PluginInstaller(TrustPolicy.signingRequired(), ScanPolicy.shipped(), clock, audit, Acceptances.NONE);
            PluginInstaller.Uninstalled u;
            try {
                u = installer.uninstall(name, lock);
            } catch (InstallRefusedException e) {
                out.printf(Locale.ROOT, "Uninstall of plugin '%s'%nREFUSED, nothing changed:%n  %s%n", name, e.getMessage());
                return ExitStatus.REJECTED;
            }
            out.printf(Locale.ROOT, "UNINSTALLED plugin '%s' %s: removed %s%n  kept %s for stigmem rollback %s%n"
                    + "  a running node still runs it until it is restarted%n", u.name(), u.version(), u.archive(), u.kept(), u.name());
            out.flush();
            return ExitStatus.OK;
        });
    }
}
