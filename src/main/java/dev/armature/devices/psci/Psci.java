package dev.armature.devices.psci;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.arch.aarch64.SyncException;

/**
 * PSCI firmware implemented in the emulator, as QEMU's {@code virt} does (Arm DEN 0022, Power State Coordination
 * Interface): the calls arrive as HVC (or SMC, the conduit the device tree names) with the function id in W0 and
 * arguments in X1..X3; the result goes to X0 and execution continues after the HVC/SMC.
 *
 * <p>Reports PSCI 1.1, as QEMU 7.2 does (Linux prints "PSCIv1.1 detected in firmware"). SMCCC_VERSION is not
 * implemented, so Linux assumes SMC Calling Convention v1.0, as on QEMU.
 */
public final class Psci implements ExceptionHook {
    public static final int PSCI_VERSION = 0x8400_0000;
    public static final int CPU_SUSPEND_32 = 0x8400_0001;
    public static final int CPU_SUSPEND_64 = 0xc400_0001;
    public static final int CPU_OFF = 0x8400_0002;
    public static final int CPU_ON_32 = 0x8400_0003;
    public static final int CPU_ON_64 = 0xc400_0003;
    public static final int AFFINITY_INFO_32 = 0x8400_0004;
    public static final int AFFINITY_INFO_64 = 0xc400_0004;
    public static final int MIGRATE_32 = 0x8400_0005;
    public static final int MIGRATE_64 = 0xc400_0005;
    public static final int MIGRATE_INFO_TYPE = 0x8400_0006;
    public static final int SYSTEM_OFF = 0x8400_0008;
    public static final int SYSTEM_RESET = 0x8400_0009;
    public static final int PSCI_FEATURES = 0x8400_000a;

    public static final int SUCCESS = 0;
    public static final int NOT_SUPPORTED = -1;
    public static final int INVALID_PARAMETERS = -2;
    public static final int ALREADY_ON = -4;
    public static final int ON_PENDING = -5;

    /** PSCI 1.1: major version in bits 31..16, minor in 15..0. */
    public static final int VERSION_1_1 = 0x0001_0001;
    /** MIGRATE_INFO_TYPE: no Trusted OS, migration not required. */
    private static final int NO_TRUSTED_OS = 2;

    /** The conduit: HVC (QEMU's default) or SMC (with EL2, {@code virtualization=on}). */
    public enum Conduit {
        HVC(Esr.EC_HVC64, "hvc"), SMC(Esr.EC_SMC64, "smc");

        final int ec;
        public final String dtMethod;

        Conduit(int ec, String dtMethod) {
            this.ec = ec;
            this.dtMethod = dtMethod;
        }
    }

    private final Conduit conduit;
    private final PowerController power;

    public Psci(Conduit conduit, PowerController power) {
        this.conduit = conduit;
        this.power = power;
    }

    public Conduit conduit() {
        return conduit;
    }

    /**
     * Claims every HVC (or SMC) from EL1 or higher: like QEMU, the immediate is not checked, and function ids
     * that are not PSCI calls return NOT_SUPPORTED.
     */
    @Override
    public boolean handle(Cpu cpu, SyncException e) {
        if (e.ec != conduit.ec || cpu.el == 0) {
            return false; // HVC/SMC at EL0 are UNDEFINED: left to the architectural path
        }
        int fn = (int) cpu.x(0);
        boolean smc64 = (fn & 0x4000_0000) != 0;
        long a1 = smc64 ? cpu.x(1) : cpu.x(1) & 0xffff_ffffL;
        long a2 = smc64 ? cpu.x(2) : cpu.x(2) & 0xffff_ffffL;
        long a3 = smc64 ? cpu.x(3) : cpu.x(3) & 0xffff_ffffL;
        long result = call(cpu, fn, a1, a2, a3);
        cpu.setX(0, result);
        return true;
    }

    /** Performs PSCI function {@code fn} for {@code cpu}; returns the value for X0 (sign-extended codes). */
    long call(Cpu cpu, int fn, long a1, long a2, long a3) {
        return switch (fn) {
            case PSCI_VERSION -> VERSION_1_1;
            case PSCI_FEATURES -> implemented((int) a1) ? SUCCESS : NOT_SUPPORTED;
            case CPU_SUSPEND_32, CPU_SUSPEND_64 -> {
                // Every power state is treated as standby: wake on an interrupt, like WFI.
                cpu.waitForInterrupt(0);
                yield SUCCESS;
            }
            case CPU_OFF -> {
                power.cpuOff(cpu);
                yield SUCCESS; // not seen by the guest: the vCPU stops before its next instruction
            }
            case CPU_ON_32, CPU_ON_64 -> {
                int target = cpuIndex(a1);
                yield target < 0 ? INVALID_PARAMETERS : power.cpuOn(target, a2, a3);
            }
            case AFFINITY_INFO_32, AFFINITY_INFO_64 -> {
                int target = cpuIndex(a1);
                yield target < 0 || a2 != 0 ? INVALID_PARAMETERS : power.affinityInfo(target);
            }
            case MIGRATE_INFO_TYPE -> NO_TRUSTED_OS;
            case SYSTEM_OFF -> {
                power.systemOff();
                yield SUCCESS;
            }
            case SYSTEM_RESET -> {
                power.systemReset();
                yield SUCCESS;
            }
            default -> NOT_SUPPORTED; // including MIGRATE: there is no Trusted OS to migrate
        };
    }

    private static boolean implemented(int fn) {
        return switch (fn) {
            case PSCI_VERSION, PSCI_FEATURES, CPU_SUSPEND_32, CPU_SUSPEND_64, CPU_OFF, CPU_ON_32, CPU_ON_64,
                 AFFINITY_INFO_32, AFFINITY_INFO_64, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET -> true;
            default -> false;
        };
    }

    /** The vCPU whose MPIDR affinity fields match {@code mpidr} (other bits ignored), or -1. */
    private int cpuIndex(long mpidr) {
        return power.indexOf(mpidr & 0xff_00ff_ffffL);
    }
}
