package dev.armature.iommu;

import dev.armature.vm.KvmException;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;

import static dev.armature.iommu.Fixture.RW;
import static dev.armature.iommu.Fixture.WHOLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random call sequences over the whole API, including calls on freed objects and calls that must be refused.
 * After every call: a refused call changed nothing, no two live allocations share a byte, no two reservations of a
 * VCM share a device address, and every SMMU translation agrees with the mappings backing made. At the end,
 * tearing everything down returns every block and leaves the context empty.
 */
class VcmPropertiesTest {
    private static final long[] LENGTHS = {0x1000, 0x3000, 0x1_0000, 0x11_0000, 0x20_0000, 0x1800, 0x400_0000};

    private final class World {
        final Fixture f = new Fixture(new PoolLayout(2L << 20, 2, 8, 32), 5L << 20);
        final SmmuContext ctx = f.track(Fixture.boundContext("ctx", 1, 4));
        final DirectMaster direct = new DirectMaster("direct");
        final List<Vcm> vcms = new ArrayList<>(List.of(f.vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM)));
        final List<Reservation> reservations = new ArrayList<>();
        final List<PhysicalAllocation> allocations = new ArrayList<>();
        final List<Association> associations = new ArrayList<>();

        <T> T pick(List<T> list, int i) {
            return list.isEmpty() ? null : list.get(i % list.size());
        }

        void step(int n) {
            int op = n % 13;
            int a = (n / 13) % 7;
            int b = (n / 91) % 7;
            Vcm vcm = pick(vcms, a);
            Reservation res = pick(reservations, a);
            PhysicalAllocation alloc = pick(allocations, b);
            Association assoc = pick(associations, a);
            boolean missing = switch (op) {
                case 2, 3, 9 -> vcm == null;
                case 4, 8 -> res == null;
                case 6 -> alloc == null;
                case 7 -> res == null || alloc == null;
                case 10, 11, 12 -> assoc == null;
                default -> false;
            };
            if (missing) {
                return; // the step needs an object of a kind that does not exist yet
            }
            switch (op) {
                case 0 -> vcms.add(f.vcmm.create(Vcm.Kind.IOMMU, 0x100_0000L * (a + 1), 0x80_0000L * (b + 1)));
                case 1 -> vcms.add(f.vcmm.create(Fixture.RAM, 2L << 20)); // the contiguous pool, one-to-one
                case 2 -> vcm.free();
                case 3 -> reservations.add(vcm.reserve(LENGTHS[b], RW));
                case 4 -> res.unreserve();
                case 5 -> allocations.add(f.vcmm.allocate(f.ram, LENGTHS[a],
                        b % 2 == 0 ? AllocationRequest.CONTIGUOUS : AllocationRequest.BLOCKS));
                case 6 -> alloc.free();
                case 7 -> res.back(alloc);
                case 8 -> res.unback();
                case 9 -> associations.add(vcm.associate(vcm.kind() == Vcm.Kind.IOMMU ? ctx
                        : vcm.kind() == Vcm.Kind.VMM ? f.vcmm.cpu() : direct, WHOLE));
                case 10 -> assoc.activate();
                case 11 -> assoc.deactivate();
                default -> assoc.dissociate();
            }
        }

        void checkInvariants() {
            List<long[]> used = new ArrayList<>();
            for (PhysicalAllocation p : f.vcmm.allocations()) {
                for (Block blk : p.blocks()) {
                    for (long[] u : used) {
                        assertTrue(blk.pa() + blk.size() <= u[0] || u[1] <= blk.pa(), "a block allocated twice");
                    }
                    used.add(new long[] {blk.pa(), blk.pa() + blk.size()});
                }
            }
            for (Vcm v : vcms) {
                if (v.isFreed() || v.kind() == Vcm.Kind.ONE_TO_ONE) {
                    continue;
                }
                List<Reservation> rs = v.reservations();
                for (int i = 0; i < rs.size(); i++) {
                    for (int j = i + 1; j < rs.size(); j++) {
                        long ai = rs.get(i).deviceAddress();
                        long aj = rs.get(j).deviceAddress();
                        assertTrue(ai + rs.get(i).length() <= aj || aj + rs.get(j).length() <= ai,
                                "device addresses reserved twice");
                    }
                }
                boolean translated = v.kind() == Vcm.Kind.IOMMU && ctx.isActive()
                        && v.associations().stream().anyMatch(x -> x.device() == ctx);
                for (Reservation r : rs) {
                    long covered = 0;
                    for (Mapping m : r.pages()) {
                        covered += m.size();
                        if (translated) {
                            assertEquals(m.pa(), ctx.translate(m.va()));
                            assertEquals(m.pa() + m.size() - 1, ctx.translate(m.va() + m.size() - 1));
                        }
                    }
                    assertEquals(r.isBacked() ? r.length() : 0, covered);
                }
            }
        }

        void tearDown() {
            for (Association x : associations) {
                if (x.isActive()) {
                    x.deactivate();
                }
            }
            for (Reservation r : reservations) {
                if (r.isBacked()) {
                    r.unback();
                }
                if (!r.isFreed()) {
                    r.unreserve();
                }
            }
            for (Association x : associations) {
                if (!x.isFreed()) {
                    x.dissociate();
                }
            }
            for (PhysicalAllocation p : allocations) {
                if (!p.isFreed()) {
                    p.free();
                }
            }
            for (Vcm v : vcms) {
                if (!v.isFreed() && v.kind() != Vcm.Kind.VMM) {
                    v.free();
                }
            }
        }
    }

    @Property(tries = 300)
    void randomCallSequencesKeepTheInvariants(
            @ForAll @Size(min = 1, max = 60) List<@IntRange(min = 0, max = 9_999) Integer> steps) {
        World w = new World();
        try (Fixture f = w.f) {
            PoolStats initial = f.ram.stats();
            for (int n : steps) {
                String before = StateDump.of(f);
                try {
                    w.step(n);
                } catch (KvmException refused) {
                    assertEquals(before, StateDump.of(f), "refused call changed state: " + refused.getMessage());
                }
                w.checkInvariants();
            }
            w.tearDown();
            assertEquals(initial, f.ram.stats(), "blocks leaked");
            assertTrue(f.vcmm.vcms().isEmpty());
            assertTrue(f.vcmm.allocations().isEmpty());
            assertEquals(0, w.ctx.mappingCount());
            assertTrue(!w.ctx.isActive());
        }
    }
}
