package dev.armature.monitor;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.machine.Machine;
import dev.armature.machine.MachineControl;
import dev.armature.memory.Region;

import java.util.Comparator;
import java.util.List;

/**
 * The HMP commands {@code human-monitor-command} runs: {@code info registers [-a]}, {@code info jit},
 * {@code info mtree}, {@code x /FMT ADDR} (virtual, through CPU 0's regime; needs a stopped machine) and
 * {@code xp /FMT ADDR} (physical). FMT is [COUNT][x|d|u][b|h|w|g] as in QEMU.
 */
final class HumanMonitor {
    private final Machine machine;
    private final MachineControl control;

    HumanMonitor(Machine machine) {
        this.machine = machine;
        this.control = machine.control();
    }

    /** Runs one command line; returns its output. Throws IllegalArgumentException with the error text. */
    String run(String line) {
        String[] w = line.trim().split("\\s+");
        return switch (w[0]) {
            case "info" -> info(w.length > 1 ? w[1] : "", w.length > 2 && w[2].equals("-a"));
            case "x", "xp" -> examine(w[0].equals("xp"), line.trim().substring(w[0].length()).trim());
            case "" -> "";
            default -> throw new IllegalArgumentException("unknown command: '" + w[0] + "'");
        };
    }

    private String info(String what, boolean all) {
        return switch (what) {
            case "registers" -> {
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < (all ? control.vcpuCount() : 1); i++) {
                    s.append(registers(i));
                }
                yield s.toString();
            }
            case "jit" -> {
                String r = machine.acceleratorReport();
                yield r.isEmpty() ? "the interpreter translates nothing (-accel interp)\n" : r;
            }
            case "mtree" -> mtree();
            default -> throw new IllegalArgumentException("info " + what
                    + ": unknown (supported: registers [-a], jit, mtree)");
        };
    }

    private String registers(int index) {
        Cpu c = control.cpu(index);
        if (c == null) {
            return "CPU#" + index + ": powered off\n";
        }
        StringBuilder s = new StringBuilder(String.format("CPU#%d%n PC=%016x ", index, c.pc));
        for (int i = 0; i <= 30; i++) {
            s.append(String.format("X%02d=%016x%s", i, c.r[i], i % 4 == 2 ? "\n" : " "));
        }
        long p = c.pstate();
        s.append(String.format(" SP=%016x%nPSTATE=%08x %c%c%c%c EL%d%c%n", c.r[Cpu.SP], p,
                (p & (1L << 31)) != 0 ? 'N' : '-', (p & (1L << 30)) != 0 ? 'Z' : '-',
                (p & (1L << 29)) != 0 ? 'C' : '-', (p & (1L << 28)) != 0 ? 'V' : '-', c.el, c.spSel ? 'h' : 't'));
        s.append(String.format("FPCR=%08x FPSR=%08x%n", c.fpcr, c.fpsr));
        return s.toString();
    }

    private String mtree() {
        List<Region> regions = machine.control().regions().stream()
                .sorted(Comparator.comparingLong(Region::base)).toList();
        StringBuilder s = new StringBuilder("address-space: memory\n");
        for (Region r : regions) {
            s.append(String.format("  %016x-%016x (%s): %s%n", r.base(), r.end() - 1, r.isRam() ? "ram" : "i/o",
                    r.name()));
        }
        return s.toString();
    }

    private String examine(boolean physical, String args) {
        int count = 1;
        char format = 'x';
        int size = 4;
        if (args.startsWith("/")) {
            int sp = args.indexOf(' ');
            String fmt = args.substring(1, sp < 0 ? args.length() : sp);
            args = sp < 0 ? "" : args.substring(sp + 1).trim();
            int i = 0;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) {
                i++;
            }
            if (i > 0) {
                count = Integer.parseInt(fmt.substring(0, i));
            }
            for (char ch : fmt.substring(i).toCharArray()) {
                switch (ch) {
                    case 'x', 'd', 'u' -> format = ch;
                    case 'b' -> size = 1;
                    case 'h' -> size = 2;
                    case 'w' -> size = 4;
                    case 'g' -> size = 8;
                    default -> throw new IllegalArgumentException("invalid format '" + ch
                            + "' (supported: [COUNT][x|d|u][b|h|w|g])");
                }
            }
        }
        if (args.isEmpty()) {
            throw new IllegalArgumentException("address expected");
        }
        long addr;
        try {
            addr = Long.parseUnsignedLong(args.startsWith("0x") ? args.substring(2) : args,
                    args.startsWith("0x") ? 16 : 10);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid address '" + args + "'");
        }
        if (count < 1 || count > 4096) {
            throw new IllegalArgumentException("count must be 1..4096");
        }
        if (!physical && !control.isStopped()) {
            throw new IllegalArgumentException("x reads through a vCPU's translation regime: stop the machine "
                    + "first, or use xp for physical addresses");
        }
        byte[] data;
        try {
            data = control.readMemory(0, addr, count * size, physical);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        int perLine = Math.max(1, 16 / size);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < count; i++) {
            if (i % perLine == 0) {
                s.append(i == 0 ? "" : "\n").append(String.format("%016x:", addr + (long) i * size));
            }
            long v = 0;
            for (int b = 0; b < size; b++) {
                v |= (data[i * size + b] & 0xffL) << (8 * b);
            }
            s.append(' ').append(switch (format) {
                case 'd' -> Long.toString(size == 8 ? v : v << (64 - 8 * size) >> (64 - 8 * size));
                case 'u' -> Long.toUnsignedString(v);
                default -> String.format("0x%0" + (2 * size) + "x", v);
            });
        }
        return s.append('\n').toString();
    }
}
