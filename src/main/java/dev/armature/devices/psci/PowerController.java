package dev.armature.devices.psci;

import dev.armature.arch.aarch64.Cpu;

/** What PSCI asks of the machine: power state of vCPUs and of the system. Indices are vCPU numbers (MPIDR Aff0). */
public interface PowerController {
    /** AFFINITY_INFO results. */
    int AFFINITY_ON = 0;
    int AFFINITY_OFF = 1;
    int AFFINITY_ON_PENDING = 2;

    int cpuCount();

    /** The vCPU whose MPIDR_EL1 affinity fields (Aff3 in bits 39:32, Aff2..Aff0 in 23:0) are {@code affinity}, or -1. */
    int indexOf(long affinity);

    /**
     * Powers vCPU {@code index} on at {@code entry} with {@code context} in X0, at the exception level its reset
     * state has (EL2 if the vCPU has EL2, else EL1, as real firmware enters the highest non-secure EL).
     *
     * @return a PSCI return code: SUCCESS, ALREADY_ON or ON_PENDING
     */
    int cpuOn(int index, long entry, long context);

    /** Powers the calling vCPU off; its thread stops running it at the next instruction boundary. */
    void cpuOff(Cpu self);

    /** One of the AFFINITY_* values. */
    int affinityInfo(int index);

    void systemOff();

    void systemReset();
}
