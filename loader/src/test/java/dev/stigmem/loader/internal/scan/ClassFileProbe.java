package dev.stigmem.loader.internal.scan;

import java.util.ArrayList;
import java.util.List;

/** Finds and patches raw class-file structures in tests, to build inputs no compiler writes. */
final class ClassFileProbe {

    private ClassFileProbe() {
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static int u4(byte[] b, int at) {
        return (u2(b, at) << 16) | u2(b, at + 2);
    }

    /** Offsets (just after the tag byte) of every constant, indexed by constant number. */
    private static int[] offsets(byte[] b, byte[] tags) {
        int count = u2(b, 8);
        int[] off = new int[count];
        int pos = 10;
        for (int i = 1; i < count; i++) {
            int tag = b[pos] & 0xFF;
            tags[i] = (byte) tag;
            off[i] = pos + 1;
            pos += 1 + switch (tag) {
                case 1 -> 2 + u2(b, pos + 1);
                case 5, 6 -> 8;
                case 7, 8, 16, 19, 20 -> 2;
                case 15 -> 3;
                default -> 4;
            };
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        off[0] = pos; // end of the pool
        return off;
    }

    static int[] constantsWithTag(byte[] b, int tag) {
        byte[] tags = new byte[u2(b, 8)];
        offsets(b, tags);
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i < tags.length; i++) {
            if (tags[i] == tag) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int bootstrapIndexOf(byte[] b, int constant) {
        byte[] tags = new byte[u2(b, 8)];
        return u2(b, offsets(b, tags)[constant]);
    }

    /** Overwrites argument {@code arg} of bootstrap method {@code bsm} with constant index {@code value}. */
    static void setBootstrapArgument(byte[] b, int bsm, int arg, int value) {
        byte[] tags = new byte[u2(b, 8)];
        int[] off = offsets(b, tags);
        int pos = off[0] + 6;
        pos += 2 + 2 * u2(b, pos);
        for (int kind = 0; kind < 2; kind++) {
            int members = u2(b, pos);
            pos += 2;
            for (int m = 0; m < members; m++) {
                pos += 6;
                int attrs = u2(b, pos);
                pos += 2;
                for (int a = 0; a < attrs; a++) {
                    pos += 6 + u4(b, pos + 2);
                }
            }
        }
        int attrs = u2(b, pos);
        pos += 2;
        for (int a = 0; a < attrs; a++) {
            int name = u2(b, pos);
            int len = u4(b, pos + 2);
            int nameOff = off[name];
            String n = new String(b, nameOff + 2, u2(b, nameOff), java.nio.charset.StandardCharsets.UTF_8);
            if (n.equals("BootstrapMethods")) {
                int p = pos + 8;
                for (int m = 0; m < bsm; m++) {
                    p += 4 + 2 * u2(b, p + 2);
                }
                int at = p + 4 + 2 * arg;
                b[at] = (byte) (value >> 8);
                b[at + 1] = (byte) value;
                return;
            }
            pos += 6 + len;
        }
        throw new IllegalStateException("no BootstrapMethods attribute");
    }
}
