package dev.armature.iommu;

import dev.armature.memory.PhysicalMemory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Guest RAM at the virt board's base with one memory target, and a manager over it. */
final class Fixture implements AutoCloseable {
    static final long RAM = 0x4000_0000L;
    static final long RAM_SIZE = 64L << 20;
    static final Set<MappingAttribute> RW = EnumSet.of(MappingAttribute.READ, MappingAttribute.WRITE);
    static final Set<AssociationAttribute> WHOLE = Set.of();

    final PhysicalMemory memory = new PhysicalMemory();
    final Vcmm vcmm = new Vcmm();
    final MemoryTarget ram;
    private final List<SmmuContext> contexts = new ArrayList<>();

    Fixture() {
        this(new PoolLayout(16L << 20, 8, 16, 64));
    }

    Fixture(PoolLayout layout) {
        this(layout, RAM_SIZE);
    }

    Fixture(PoolLayout layout, long ramSize) {
        memory.addRam("ram", RAM, ramSize);
        ram = vcmm.addGuestRamTarget("guest-ram", memory, RAM, layout);
    }

    /** Registers contexts whose state {@link StateDump} should include. */
    SmmuContext track(SmmuContext ctx) {
        contexts.add(ctx);
        return ctx;
    }

    List<SmmuContext> extraContexts() {
        return contexts;
    }

    /** An SMMU with {@code banks} banks and a TLB of {@code tlb} entries, and a context on bank 0 bound to it. */
    static SmmuContext boundContext(String name, int banks, int tlb) {
        SmmuContext ctx = new SmmuContext(name, 0);
        ctx.bind(new Smmu("smmu0", banks, tlb));
        return ctx;
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Override
    public void close() {
        vcmm.close();
        memory.close();
    }
}
