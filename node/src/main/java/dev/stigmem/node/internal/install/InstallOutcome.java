package dev.stigmem.node.internal.install;

import dev.stigmem.node.internal.review.ArchiveFacts;
import dev.stigmem.node.internal.review.UpgradeDiff;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What {@link PluginInstaller#install} decided and did. Immutable. */
public sealed interface InstallOutcome {

    /** The candidate as read (from the staged copy, the bytes that would be installed). */
    ArchiveFacts candidate();

    /** The installed version of the same plugin, when there is one. */
    Optional<ArchiveFacts> previous();

    /** The change from the installed version, when there is one. */
    Optional<UpgradeDiff> diff();

    /**
     * The archive is in the plugin directory.
     *
     * @param target         where it was installed
     * @param removedPrevious the previous version's file, when it had another name and was removed
     * @param kept            where the previous version is kept for rollback, when there was one
     */
    record Installed(ArchiveFacts candidate, Optional<ArchiveFacts> previous, Optional<UpgradeDiff> diff, Path target,
                     Optional<Path> removedPrevious, Optional<Path> kept) implements InstallOutcome {
        public Installed {
            Objects.requireNonNull(candidate, "candidate");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(diff, "diff");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(removedPrevious, "removedPrevious");
            Objects.requireNonNull(kept, "kept");
        }
    }

    /**
     * Nothing was changed in the plugin directory.
     *
     * @param reasons why, one line each
     */
    record Refused(ArchiveFacts candidate, Optional<ArchiveFacts> previous, Optional<UpgradeDiff> diff,
                   List<String> reasons) implements InstallOutcome {
        public Refused {
            Objects.requireNonNull(candidate, "candidate");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(diff, "diff");
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException("a refusal has a reason");
            }
        }
    }
}
