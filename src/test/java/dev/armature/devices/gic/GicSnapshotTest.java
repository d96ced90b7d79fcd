package dev.armature.devices.gic;

import dev.armature.memory.MmioHandler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * GIC snapshot state: a GICv3 programmed with random values through its distributor and redistributor
 * registers reads the same after a save and a load into a new GIC; a GIC of another size refuses the state.
 */
class GicSnapshotTest {
    private static final int CPUS = 3;

    /** Distributor offsets holding state: CTLR, IGROUPR, I[SC]ENABLER, I[SC]PENDR, I[SC]ACTIVER, IPRIORITYR, ICFGR. */
    private static List<Integer> distributorOffsets() {
        List<Integer> offs = new ArrayList<>();
        offs.add(0);
        for (int base : new int[] {0x80, 0x100, 0x200, 0x300}) {
            for (int n = 1; n < GicFixture.V3_IRQS / 32; n++) {
                offs.add(base + 4 * n);
            }
        }
        for (int o = 0x420; o < 0x400 + GicFixture.V3_IRQS; o += 4) {
            offs.add(o);
        }
        for (int o = 0xc08; o < 0xc00 + GicFixture.V3_IRQS / 4; o += 4) {
            offs.add(o);
        }
        return offs;
    }

    /** SGI-frame offsets of one redistributor: IGROUPR0, ISENABLER0, ISPENDR0, ISACTIVER0, IPRIORITYR0-7, ICFGR1. */
    private static List<Integer> sgiFrameOffsets() {
        List<Integer> offs = new ArrayList<>(List.of(0x80, 0x100, 0x200, 0x300, 0xc04));
        for (int o = 0x400; o < 0x420; o += 4) {
            offs.add(o);
        }
        return offs;
    }

    private static MmioHandler window(GicV3 gic, String name) {
        return gic.mmioWindows(GicFixture.GICD, GicFixture.qemuRedistributors(gic.cpuCount())).stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow().handler();
    }

    private static List<Long> readAll(GicV3 gic) {
        List<Long> values = new ArrayList<>();
        MmioHandler dist = window(gic, "gicv3-dist");
        for (int o : distributorOffsets()) {
            values.add(dist.read(o, 4));
        }
        for (int intid = 32; intid < GicFixture.V3_IRQS; intid++) {
            values.add(dist.read(0x6000 + 8L * intid, 8));
        }
        MmioHandler redist = window(gic, "gicv3-redist");
        for (int c = 0; c < CPUS; c++) {
            long frame = c * GicV3.REDIST_STRIDE;
            values.add(redist.read(frame + 0x14, 4)); // GICR_WAKER
            for (int o : sgiFrameOffsets()) {
                values.add(redist.read(frame + 0x10000 + o, 4));
            }
        }
        return values;
    }

    private static byte[] save(InterruptController gic) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        gic.saveState(new DataOutputStream(buf));
        return buf.toByteArray();
    }

    @Test
    void programmedStateSurvivesSaveAndLoad() throws IOException {
        GicV3 src = GicFixture.v3(CPUS);
        Random rnd = new Random(7);
        MmioHandler dist = window(src, "gicv3-dist");
        dist.write(0, 4, 0x13); // ARE_NS, EnableGrp1NS, EnableGrp0
        for (int o : distributorOffsets()) {
            if (o != 0) {
                dist.write(o, 4, rnd.nextInt() & 0xffff_ffffL);
            }
        }
        for (int intid = 32; intid < GicFixture.V3_IRQS; intid++) {
            dist.write(0x6000 + 8L * intid, 8, rnd.nextLong());
        }
        MmioHandler redist = window(src, "gicv3-redist");
        for (int c = 0; c < CPUS; c++) {
            long frame = c * GicV3.REDIST_STRIDE;
            redist.write(frame + 0x14, 4, 0); // wake
            for (int o : sgiFrameOffsets()) {
                redist.write(frame + 0x10000 + o, 4, rnd.nextInt() & 0xffff_ffffL);
            }
        }
        src.setLevel(40, true);
        src.setPrivateLevel(1, 27, true);

        byte[] bytes = save(src);
        GicV3 dst = GicFixture.v3(CPUS);
        List<Long> fresh = readAll(dst);
        Runnable apply = dst.loadState(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertEquals(fresh, readAll(dst), "loadState only reads");
        apply.run();
        assertEquals(readAll(src), readAll(dst));
        assertArrayEquals(bytes, save(dst));
        assertNotEquals(fresh, readAll(dst));
    }

    @Test
    void aGicOfAnotherSizeRefusesTheState() throws IOException {
        byte[] bytes = save(GicFixture.v3(CPUS));
        IOException e = assertThrows(IOException.class,
                () -> GicFixture.v3(2).loadState(new DataInputStream(new ByteArrayInputStream(bytes))));
        assertEquals("GIC: saved for 3 CPUs and 256 INTIDs, this GIC has 2 and 256", e.getMessage());
    }
}
