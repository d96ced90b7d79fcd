package dev.armature.gdbstub;

import dev.armature.arch.aarch64.Cpu;

/**
 * Register values in the protocol's encoding: each register as little-endian hex of its size, in
 * {@link TargetDescription} order. A vCPU that was never powered on reads as zeros and ignores writes.
 */
final class Registers {
    private Registers() {
    }

    static String readAll(Cpu c) {
        StringBuilder s = new StringBuilder();
        for (int n = 0; n < TargetDescription.COUNT; n++) {
            s.append(read(c, n));
        }
        return s.toString();
    }

    /** Register {@code n} as hex, or null if there is no such register. */
    static String read(Cpu c, int n) {
        if (n < 0 || n >= TargetDescription.COUNT) {
            return null;
        }
        if (c == null) {
            return "00".repeat(TargetDescription.size(n));
        }
        if (n >= TargetDescription.V0 && n < TargetDescription.FPSR) {
            int v = n - TargetDescription.V0;
            return hex(c.v[2 * v], 8) + hex(c.v[2 * v + 1], 8);
        }
        return hex(value(c, n), TargetDescription.size(n));
    }

    /** Writes every register from a {@code G} packet's payload; false if it is malformed. */
    static boolean writeAll(Cpu c, String hex) {
        int pos = 0;
        for (int n = 0; n < TargetDescription.COUNT; n++) {
            int len = 2 * TargetDescription.size(n);
            if (pos + len > hex.length() || !write(c, n, hex.substring(pos, pos + len))) {
                return false;
            }
            pos += len;
        }
        return pos == hex.length();
    }

    /** Writes register {@code n} from hex of its size; false if malformed or no such register. */
    static boolean write(Cpu c, int n, String hex) {
        if (n < 0 || n >= TargetDescription.COUNT || hex.length() != 2 * TargetDescription.size(n)) {
            return false;
        }
        long lo;
        long hi = 0;
        try {
            lo = parse(hex.substring(0, Math.min(16, hex.length())));
            if (hex.length() == 32) {
                hi = parse(hex.substring(16));
            }
        } catch (NumberFormatException e) {
            return false;
        }
        if (c == null) {
            return true;
        }
        if (n <= 30) {
            c.r[n] = lo;
        } else if (n == TargetDescription.SP) {
            c.r[Cpu.SP] = lo;
        } else if (n == TargetDescription.PC) {
            c.pc = lo;
        } else if (n == TargetDescription.CPSR) {
            if (lo != c.pstate()) {
                c.setPstate(lo);
            }
        } else if (n == TargetDescription.FPSR) {
            c.fpsr = (int) lo;
        } else if (n == TargetDescription.FPCR) {
            c.fpcr = (int) lo;
        } else {
            int v = n - TargetDescription.V0;
            c.v[2 * v] = lo;
            c.v[2 * v + 1] = hi;
        }
        return true;
    }

    private static long value(Cpu c, int n) {
        if (n <= 30) {
            return c.r[n];
        }
        return switch (n) {
            case TargetDescription.SP -> c.r[Cpu.SP];
            case TargetDescription.PC -> c.pc;
            case TargetDescription.CPSR -> c.pstate();
            case TargetDescription.FPSR -> c.fpsr & 0xffff_ffffL;
            default -> c.fpcr & 0xffff_ffffL;
        };
    }

    /** {@code size} bytes of {@code v}, least significant first, as hex. */
    static String hex(long v, int size) {
        StringBuilder s = new StringBuilder(2 * size);
        for (int i = 0; i < size; i++) {
            s.append(String.format("%02x", (v >>> (8 * i)) & 0xff));
        }
        return s.toString();
    }

    /** Little-endian hex (up to 8 bytes) to a value. */
    private static long parse(String hex) {
        long v = 0;
        for (int i = 0; i < hex.length() / 2; i++) {
            v |= Long.parseLong(hex.substring(2 * i, 2 * i + 2), 16) << (8 * i);
        }
        return v;
    }
}
