package dev.armature.migration;

/** The kinds of section in a snapshot stream; {@code instance} in a section tells apart several of one kind. */
public enum SectionId {
    /** One vCPU's registers (instance = vCPU index). */
    CPU(1, "cpu"),
    /** Every vCPU's power state, as KVM_MP_STATE_* numbers. */
    MP_STATE(2, "mp-state"),
    /** The system counter's value when saved. */
    COUNTER(3, "counter"),
    /** The interrupt controller. */
    GIC(4, "gic"),
    /** The PL011 UART. */
    PL011(5, "pl011"),
    /** A virtio-mmio transport holding a device (instance = slot). */
    VIRTIO_MMIO(6, "virtio-mmio"),
    /** The test device's exit channel. */
    TESTDEV(7, "testdev"),
    /** Non-zero RAM pages of one RAM block (instance = block number). */
    RAM(8, "ram"),
    /** The PL031 real-time clock. */
    PL031(9, "pl031"),
    /** The platform-bus DMA engine's registers. */
    DMA(10, "dma"),
    /** RAM pages sent by one pre-copy round of live migration (instance = sequence number); see {@link RamPages}. */
    RAM_PAGES(11, "ram-pages");

    private final int number;
    private final String label;

    SectionId(int number, String label) {
        this.number = number;
        this.label = label;
    }

    public int number() {
        return number;
    }

    /** The section's name in messages. */
    public String label() {
        return label;
    }

    /** The kind numbered {@code number}, or null if this format version has none. */
    static SectionId of(int number) {
        for (SectionId s : values()) {
            if (s.number == number) {
                return s;
            }
        }
        return null;
    }
}
