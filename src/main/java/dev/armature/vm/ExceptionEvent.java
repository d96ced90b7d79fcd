package dev.armature.vm;

/**
 * An exception a vCPU is about to take: synchronous (SVC, HVC, BRK, aborts, traps; {@code vector} 0) or an
 * interrupt ({@code vector} 0x80 IRQ, 0x100 FIQ; {@code esr} 0).
 *
 * @param vector   0 for a synchronous exception, else the interrupt's vector offset (0x80 IRQ, 0x100 FIQ)
 * @param pc       the preferred return address: the next instruction for SVC/HVC/SMC, else the instruction itself
 * @param esr      the syndrome ESR_ELx would receive (EC in bits 31:26, IL, ISS)
 * @param far      the fault address, when {@code farValid}
 * @param farValid whether {@code far} holds an address (aborts, alignment faults)
 */
public record ExceptionEvent(int vector, long pc, long esr, long far, boolean farValid) {
    /** ESR_ELx.EC, the exception class (e.g. 0x15 SVC, 0x3c BRK, 0x24 data abort). */
    public int ec() {
        return (int) (esr >>> 26) & 0x3f;
    }

    /** ESR_ELx.ISS (e.g. the SVC immediate). */
    public int iss() {
        return (int) esr & 0x1ff_ffff;
    }

    /** Whether this is an IRQ or FIQ rather than a synchronous exception. */
    public boolean isInterrupt() {
        return vector != 0;
    }
}
