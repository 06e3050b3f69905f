package dev.stigmem.guard.internal.check;

import java.util.Arrays;

/**
 * The sites the agent has instrumented, by index (the constant inlined into each JDK method).
 * Appended to while classes are transformed, read on every guarded call without a lock.
 */
public final class SiteTable {

    private volatile GuardSite[] sites = new GuardSite[0];

    /** Adds a site and returns its index. */
    public synchronized int add(GuardSite site) {
        GuardSite[] next = Arrays.copyOf(sites, sites.length + 1);
        next[sites.length] = site;
        sites = next;
        return sites.length - 1;
    }

    /** The site of an index; a broken index is a bug of the agent, refused rather than ignored. */
    public GuardSite get(int index) {
        GuardSite[] s = sites;
        if (index < 0 || index >= s.length) {
            throw new IllegalStateException("runtime JDK guard: unknown site " + index);
        }
        return s[index];
    }

    /** The number of sites. */
    public int size() {
        return sites.length;
    }

    /** A copy of all sites, in index order. */
    public GuardSite[] snapshot() {
        return sites.clone();
    }
}
