package dev.armature.cli;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.machine.VirtMemoryMap;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The board's shape from the command line, with QEMU's spellings: {@code -machine}, {@code -cpu}, {@code -smp},
 * {@code -m} and {@code -icount}. Properties Armature does not model are refused by name, never ignored.
 */
final class BoardOptions {
    private BoardOptions() {
    }

    /** What {@code -machine} chose: the GIC version, EL2 for the guest, and where to dump the device tree. */
    record Machine(int gicVersion, boolean virtualization, Path dumpDtb) {
    }

    /** {@code -machine [type=]virt[,gic-version=2|3|max][,virtualization=on|off][,dumpdtb=FILE]}, repeatable. */
    static Machine machine(List<String> machine) throws CliError {
        int gic = 2;
        boolean virtualization = false;
        Path dump = null;
        String type = null;
        for (String m : machine) {
            for (Map.Entry<String, String> e : QemuOpts.parse("-machine", m, "type").entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "type" -> {
                        if (v.equals("help")) {
                            throw new CliError("supported machines: virt (QEMU 7.2's virt; alias virt-7.2)", 0);
                        }
                        if (!v.equals("virt") && !v.equals("virt-7.2")) {
                            throw new CliError("-machine " + v + ": unsupported machine type (only 'virt')");
                        }
                        type = v;
                    }
                    case "gic-version" -> gic = switch (v) {
                        case "2" -> 2;
                        case "3", "max" -> 3;
                        default -> throw new CliError("-machine gic-version=" + v + ": expected 2, 3 or max", 2);
                    };
                    case "virtualization" -> virtualization = QemuOpts.bool("-machine", "virtualization", v);
                    case "dumpdtb" -> dump = Path.of(v);
                    default -> throw new CliError("-machine " + e.getKey() + ": unsupported machine property "
                            + "(supported: gic-version, virtualization, dumpdtb)");
                }
            }
        }
        if (!machine.isEmpty() && type == null) {
            throw new CliError("-machine: no machine type given (use -machine virt,...)", 2);
        }
        return new Machine(gic, virtualization, dump);
    }

    /** {@code -cpu NAME}; Cortex-A57 without the option. */
    static CpuModel cpu(String cpu) throws CliError {
        if (cpu == null) {
            return CpuModel.CORTEX_A57;
        }
        if (cpu.equals("help")) {
            throw new CliError("available CPU models: cortex-a57, max", 0);
        }
        if (cpu.contains(",")) {
            throw new CliError("-cpu " + cpu + ": CPU properties are not supported");
        }
        try {
            return CpuModel.byName(cpu);
        } catch (IllegalArgumentException e) {
            throw new CliError("-cpu: " + e.getMessage());
        }
    }

    /** {@code -smp [cpus=]N[,maxcpus=N]}; 1 without the option. */
    static int smp(String smp) throws CliError {
        if (smp == null) {
            return 1;
        }
        Map<String, String> o = QemuOpts.parse("-smp", smp, "cpus");
        Integer n = null;
        Integer max = null;
        for (Map.Entry<String, String> e : o.entrySet()) {
            switch (e.getKey()) {
                case "cpus" -> n = QemuOpts.integer("-smp", e.getValue());
                case "maxcpus" -> max = QemuOpts.integer("-smp", e.getValue());
                default -> throw new CliError("-smp " + e.getKey() + "=: CPU topology is not supported "
                        + "(use -smp N)");
            }
        }
        if (n == null) {
            n = max;
        }
        if (n == null) {
            throw new CliError("-smp: no CPU count given", 2);
        }
        if (max != null && !max.equals(n)) {
            throw new CliError("-smp maxcpus: CPU hotplug is not supported (maxcpus must equal cpus)");
        }
        return n;
    }

    /** {@code -m [size=]SIZE}; the board's default without the option. */
    static long memory(String memory) throws CliError {
        if (memory == null) {
            return VirtMemoryMap.DEFAULT_RAM_SIZE;
        }
        Map<String, String> o = QemuOpts.parse("-m", memory, "size");
        for (String k : o.keySet()) {
            if (!k.equals("size")) {
                throw new CliError("-m " + k + "=: only the size is supported (memory hotplug is not)");
            }
        }
        long size = QemuOpts.size("-m", o.getOrDefault("size", ""), 1L << 20);
        if ((size & 0xfff) != 0) {
            throw new CliError("-m " + memory + ": the RAM size must be a multiple of 4 KiB", 2);
        }
        if (size > VirtMemoryMap.MAX_RAM_SIZE) {
            throw new CliError("-m " + memory + ": the virt board takes at most 255 GiB of RAM", 2);
        }
        return size;
    }

    /**
     * Validates {@code -icount} as QEMU spells it ({@code -icount N} or {@code shift=N}); returns the shift, or -1
     * without the option. Adaptive time ({@code shift=auto}) and QEMU's host-time alignment are refused: they
     * tie guest time to the host's, which deterministic time is meant to avoid. Idle time is always skipped
     * (QEMU's {@code sleep=off}).
     */
    static int icount(String icount, int cpus) throws CliError {
        if (icount == null) {
            return -1;
        }
        Map<String, String> o = QemuOpts.parse("-icount", icount, "shift");
        int shift = -1;
        for (Map.Entry<String, String> e : o.entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "shift" -> {
                    if (v.equals("auto")) {
                        throw new CliError("-icount shift=auto: adaptive time follows the host clock and is not "
                                + "supported; give a fixed shift=0..10", 2);
                    }
                    try {
                        shift = Integer.parseInt(v);
                    } catch (NumberFormatException ex) {
                        shift = -2;
                    }
                    if (shift < 0 || shift > 10) {
                        throw new CliError("-icount shift=" + v + ": expected an integer 0..10", 2);
                    }
                }
                case "sleep" -> {
                    if (!v.equals("off")) {
                        throw new CliError("-icount sleep=" + v + ": Armature always skips idle time to the next "
                                + "timer deadline (sleep=off)", 2);
                    }
                }
                default -> throw new CliError("-icount " + e.getKey() + ": unsupported property (shift, sleep=off)",
                        2);
            }
        }
        if (shift < 0) {
            throw new CliError("-icount: needs shift=N (0..10)", 2);
        }
        if (cpus != 1) {
            throw new CliError("-icount needs -smp 1: each vCPU runs on its own host thread, so the guest "
                    + "instruction count of several would depend on host scheduling", 2);
        }
        return shift;
    }
}
