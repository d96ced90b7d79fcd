package dev.armature.bench;

import dev.armature.iommu.AllocationRequest;
import dev.armature.iommu.Association;
import dev.armature.iommu.DeviceMemory;
import dev.armature.iommu.IoTlb;
import dev.armature.iommu.MappingAttribute;
import dev.armature.iommu.MemoryTarget;
import dev.armature.iommu.PhysicalAllocation;
import dev.armature.iommu.PoolLayout;
import dev.armature.iommu.Reservation;
import dev.armature.iommu.Smmu;
import dev.armature.iommu.SmmuContext;
import dev.armature.iommu.Vcm;
import dev.armature.iommu.Vcmm;
import dev.armature.memory.PhysicalMemory;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Micro benchmark (not a test): a device streams a 64 MiB buffer through an SMMU context in fixed-size bursts,
 * once with the buffer built from 4K blocks (4K mappings) and once from 1M blocks (1M sections), and prints the
 * shared TLB's misses and the throughput of each. This is the seed's argument for block pools: a small IOTLB
 * thrashes on a large buffer mapped with small pages.
 *
 * <p>Usage: {@code SmmuTlbBench [tlb-entries [burst-bytes [passes]]]} (default 32 entries, 64-byte bursts,
 * 4 measured passes after 2 warm-up passes).
 */
@Command(name = "SmmuTlbBench", description = "TLB misses and throughput of a device streaming 64 MiB through an "
        + "SMMU context, the buffer mapped with 4K pages and with 1M blocks.")
public final class SmmuTlbBench extends BenchCommand {
    private static final long RAM = 0x4000_0000L;
    private static final long BUFFER = 64L << 20;
    private static final long DEVICE_SPACE = 0x1000_0000L;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TLB-ENTRIES",
            description = "entries of the SMMU's TLB (default ${DEFAULT-VALUE})")
    int tlbEntries = 32;

    @Parameters(index = "1", arity = "0..1", paramLabel = "BURST-BYTES",
            description = "bytes a device read, dividing 64 MiB (default ${DEFAULT-VALUE})")
    int burst = 64;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PASSES",
            description = "measured passes over the buffer, after 2 warm-up passes (default ${DEFAULT-VALUE})")
    int passes = 4;

    public static void main(String[] args) {
        main(new SmmuTlbBench(), args);
    }

    @Override
    void check() {
        requireAtLeast("TLB-ENTRIES", tlbEntries, 1);
        require(burst >= 1 && BUFFER % burst == 0, "BURST-BYTES must divide 64 MiB, not " + burst);
        requireAtLeast("PASSES", passes, 1);
    }

    @Override
    int run() {
        System.out.printf(Locale.ROOT, "64 MiB streamed through an SMMU context, %d-entry TLB, %d-byte bursts, "
                + "%d passes%n", tlbEntries, burst, passes);
        measure("4K pages", new PoolLayout(0, 0, 0, (int) (BUFFER >> 12)), tlbEntries, burst, passes);
        measure("1M blocks", new PoolLayout(0, (int) (BUFFER >> 20), 0, 0), tlbEntries, burst, passes);
        return 0;
    }

    private static void measure(String label, PoolLayout layout, int tlbEntries, int burst, int passes) {
        try (PhysicalMemory memory = new PhysicalMemory(); Vcmm vcmm = new Vcmm()) {
            memory.addRam("ram", RAM, BUFFER);
            MemoryTarget ram = vcmm.addGuestRamTarget("ram", memory, RAM, layout);
            Smmu smmu = new Smmu("smmu0", 1, tlbEntries);
            SmmuContext ctx = new SmmuContext("stream", 0);
            ctx.bind(smmu);
            Vcm vcm = vcmm.create(Vcm.Kind.IOMMU, DEVICE_SPACE, 2 * BUFFER);
            Association device = vcm.associate(ctx, Set.of());
            device.activate();
            Reservation buffer = vcm.reserve(BUFFER, EnumSet.of(MappingAttribute.READ, MappingAttribute.WRITE));
            PhysicalAllocation blocks = vcmm.allocate(ram, BUFFER, AllocationRequest.BLOCKS);
            buffer.back(blocks);

            DeviceMemory dma = device.memory();
            byte[] chunk = new byte[burst];
            long base = buffer.deviceAddress();
            for (int i = 0; i < 2; i++) {
                stream(dma, base, chunk);
            }
            IoTlb tlb = smmu.tlb();
            tlb.resetCounters();
            long t0 = System.nanoTime();
            long sink = 0;
            for (int i = 0; i < passes; i++) {
                sink += stream(dma, base, chunk);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double mib = (double) BUFFER * passes / (1 << 20);
            System.out.printf(Locale.ROOT, "%-9s %6d mappings  %8d misses/pass  %10d hits/pass  %8d evictions/pass"
                            + "  %8.1f MiB/s  (checksum %d)%n", label, buffer.pages().size(), tlb.misses() / passes,
                    tlb.hits() / passes, tlb.evictions() / passes, mib / seconds, sink);
        }
    }

    /** Reads the whole buffer burst by burst; returns a byte sum so the reads cannot be optimised away. */
    private static long stream(DeviceMemory dma, long base, byte[] chunk) {
        long sum = 0;
        for (long off = 0; off < BUFFER; off += chunk.length) {
            dma.read(base + off, chunk, 0, chunk.length);
            sum += chunk[0];
        }
        return sum;
    }
}
