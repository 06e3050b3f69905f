package dev.stigmem.guard.internal.check;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The node's standard input as the guard leaves it in {@code System.in}: every use is checked, and
 * refused to plugin code. {@code System.in} is a field, and no agent can intercept reading a field,
 * so the guard stands on the stream itself; the scan denies the field (the policy line
 * {@code deny-member java.lang.System#in} gives the rule and reason of both). A plugin can open no
 * other stream on the same descriptor ({@code FileInputStream}'s constructors and
 * {@code System#console} are guarded). Host code reads it as before.
 */
public final class GuardedStandardInput extends FilterInputStream {
    private final GuardChecker checker;
    private final GuardSite use;

    /** @param use the member, rule and reason a refusal names (attributed to the first caller outside the JDK) */
    public GuardedStandardInput(InputStream in, GuardChecker checker, GuardSite use) {
        super(in);
        this.checker = checker;
        this.use = use;
    }

    private void check() {
        checker.checkUse(use);
    }

    @Override
    public int read() throws IOException {
        check();
        return in.read();
    }

    @Override
    public int read(byte[] b) throws IOException {
        check();
        return in.read(b, 0, b.length);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        return in.read(b, off, len);
    }

    @Override
    public byte[] readAllBytes() throws IOException {
        check();
        return in.readAllBytes();
    }

    @Override
    public byte[] readNBytes(int len) throws IOException {
        check();
        return in.readNBytes(len);
    }

    @Override
    public int readNBytes(byte[] b, int off, int len) throws IOException {
        check();
        return in.readNBytes(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        check();
        return in.skip(n);
    }

    @Override
    public int available() throws IOException {
        check();
        return in.available();
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        check();
        return in.transferTo(out);
    }

    @Override
    public void close() throws IOException {
        check();
        in.close();
    }

    @Override
    public synchronized void mark(int readlimit) {
        check();
        in.mark(readlimit);
    }

    @Override
    public synchronized void reset() throws IOException {
        check();
        in.reset();
    }

    @Override
    public boolean markSupported() {
        return in.markSupported();
    }
}
