package dev.armature.vm;

import static dev.armature.vm.Errno.E2BIG;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENOENT;
import static dev.armature.vm.Errno.ENXIO;
import static dev.armature.vm.Vgic.GRP_ADDR;
import static dev.armature.vm.Vgic.GRP_CTRL;
import static dev.armature.vm.Vgic.GRP_DIST_REGS;
import static dev.armature.vm.Vgic.GRP_REDIST_REGS;
import static dev.armature.vm.Vgic.redistRegion;
import static dev.armature.vm.VmTestSupport.addGuestMemory;
import static dev.armature.vm.VmTestSupport.addVcpu;
import static dev.armature.vm.VmTestSupport.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The scenarios of the Linux KVM selftest {@code vgic_init} (tools/testing/selftests/kvm/arm64/vgic_init.c),
 * written anew against this API, one test per upstream function and under its name; the functions taking a
 * GIC type run for GICv3 and GICv2. Expected errnos and GICR_TYPER values are the selftest's.
 */
class VgicInitTest {
    private static final int NR_VCPUS = 4;
    private static final long GICR_TYPER = Vgic.GICR_TYPER;

    /** The selftest's struct vm_gic. */
    private record VmGic(Vm vm, Device gic, DeviceType type, List<Vcpu> vcpus) {
        boolean isV3() {
            return type == DeviceType.ARM_VGIC_V3;
        }

        long maxPhysSize() {
            return 1L << vm.maxIpaBits();
        }
    }

    /** vm_gic_create_with_vcpus(): vCPUs 0..n-1, then the GIC device. */
    private static VmGic vmGicCreateWithVcpus(DeviceType type, int nrVcpus) {
        Vm vm = Vm.create();
        addGuestMemory(vm);
        List<Vcpu> vcpus = new ArrayList<>();
        for (int i = 0; i < nrVcpus; i++) {
            vcpus.add(addVcpu(vm, i));
        }
        return new VmGic(vm, vm.createDevice(type), type, vcpus);
    }

    /** vm_gic_create_barebones(): a GIC device in a VM without vCPUs. */
    private static VmGic vmGicCreateBarebones(DeviceType type) {
        Vm vm = Vm.create();
        return new VmGic(vm, vm.createDevice(type), type, new ArrayList<>());
    }

    /** vm_gic_v3_create_with_vcpuids(): vCPUs with the given ids, in that order, then a GICv3. */
    private static VmGic vmGicV3CreateWithVcpuids(int... ids) {
        Vm vm = Vm.create();
        addGuestMemory(vm);
        List<Vcpu> vcpus = new ArrayList<>();
        for (int id : ids) {
            vcpus.add(addVcpu(vm, id));
        }
        return new VmGic(vm, vm.createDevice(DeviceType.ARM_VGIC_V3), DeviceType.ARM_VGIC_V3, vcpus);
    }

    private static void init(Device gic) {
        gic.setAttr(GRP_CTRL, Vgic.CTRL_INIT, null);
    }

    private static void setRedistRegion(Device gic, long packed) {
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, packed);
    }

    private static void v3RedistRegGetErrno(Device gic, int vcpu, long offset, Errno want, String msg) {
        assertErrno(want, () -> gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(vcpu, offset)), msg);
    }

    private static void v3RedistRegGet(Device gic, int vcpu, long offset, long want, String msg) {
        assertEquals(want, gic.getAttr(GRP_REDIST_REGS, Vgic.v3RegAttr(vcpu, offset)), msg);
    }

    /** A distributor or redistributor/CPU-interface frame: address type, size, alignment. */
    private record RegionAttr(long attr, long size, long alignment) {
    }

    private static final RegionAttr GIC_V3_DIST = new RegionAttr(Vgic.V3_ADDR_TYPE_DIST, 0x10000, 0x10000);
    private static final RegionAttr GIC_V3_REDIST =
            new RegionAttr(Vgic.V3_ADDR_TYPE_REDIST, NR_VCPUS * 0x20000, 0x10000);
    private static final RegionAttr GIC_V2_DIST = new RegionAttr(Vgic.V2_ADDR_TYPE_DIST, 0x1000, 0x1000);
    private static final RegionAttr GIC_V2_CPU = new RegionAttr(Vgic.V2_ADDR_TYPE_CPU, 0x2000, 0x1000);

    /**
     * Attribute checks common to both versions, ending with a distributor that overlaps the redistributors
     * (GICv3: legacy redistributors at 0, distributor at 0x70000) or the CPU interface (GICv2: CPU interface
     * at 0, distributor at 0x1000): that overlap can only be detected at the first vCPU run.
     */
    private static void subtest_dist_rdist(VmGic v) {
        RegionAttr rdist = v.isV3() ? GIC_V3_REDIST : GIC_V2_CPU;
        RegionAttr dist = v.isV3() ? GIC_V3_DIST : GIC_V2_DIST;
        Device gic = v.gic();

        gic.hasAttr(GRP_ADDR, dist.attr());
        gic.hasAttr(GRP_ADDR, rdist.attr());
        assertErrno(ENXIO, () -> gic.hasAttr(GRP_ADDR, -1), "attribute not supported");

        assertErrno(EINVAL, () -> gic.setAttr(GRP_ADDR, dist.attr(), dist.alignment() / 0x10),
                "GIC dist base not aligned");
        assertErrno(EINVAL, () -> gic.setAttr(GRP_ADDR, rdist.attr(), rdist.alignment() / 0x10),
                "GIC redist/cpu base not aligned");

        assertErrno(E2BIG, () -> gic.setAttr(GRP_ADDR, dist.attr(), v.maxPhysSize()),
                "dist address beyond IPA limit");
        assertErrno(E2BIG, () -> gic.setAttr(GRP_ADDR, rdist.attr(), v.maxPhysSize()),
                "redist address beyond IPA limit");
        assertErrno(E2BIG, () -> gic.setAttr(GRP_ADDR, rdist.attr(), v.maxPhysSize() - dist.alignment()),
                "half of the redist is beyond IPA limit");

        gic.setAttr(GRP_ADDR, rdist.attr(), 0x00000L);
        assertErrno(EEXIST, () -> gic.setAttr(GRP_ADDR, rdist.attr(), 0xE0000L), "GIC redist base set again");

        boolean hasLegacyRedist = true;
        try {
            gic.hasAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST);
        } catch (KvmException e) {
            hasLegacyRedist = false;
        }
        assertEquals(v.isV3(), hasLegacyRedist, "only GICv3 has KVM_VGIC_V3_ADDR_TYPE_REDIST");
        if (hasLegacyRedist) {
            assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(NR_VCPUS, 0x100000, 0, 0)),
                    "attempt to mix GICv3 REDIST and REDIST_REGION");
        }

        gic.setAttr(GRP_ADDR, dist.attr(), rdist.size() - rdist.alignment());
    }

    /** The REDIST_REGION API: leaves region 0 at 0x200000 (2 redists), region 1 at 0x240000 (1 redist). */
    private static void subtest_v3_redist_regions(VmGic v) {
        Device gic = v.gic();
        long max = v.maxPhysSize();

        gic.hasAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST);

        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(NR_VCPUS, 0x100000, 2, 0)),
                "redist region attr value with flags != 0");
        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(0, 0x100000, 0, 0)),
                "redist region attr value with count== 0");
        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(2, 0x200000, 0, 1)),
                "attempt to register the first rdist region with index != 0");
        // The selftest's macro puts the unaligned base's bit 12 into the flags field, as here.
        assertErrno(EINVAL, () -> setRedistRegion(gic, 2L << 52 | 0x201000L | 1),
                "rdist region with misaligned address");

        setRedistRegion(gic, redistRegion(2, 0x200000, 0, 0));

        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(2, 0x200000, 0, 1)),
                "register an rdist region with already used index");
        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(1, 0x210000, 0, 2)),
                "register an rdist region overlapping with another one");
        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(1, 0x240000, 0, 2)),
                "register redist region with index not +1");

        setRedistRegion(gic, redistRegion(1, 0x240000, 0, 1));

        assertErrno(E2BIG, () -> setRedistRegion(gic, redistRegion(1, max, 0, 2)),
                "register redist region with base address beyond IPA range");
        assertErrno(E2BIG, () -> setRedistRegion(gic, redistRegion(2, max - 0x30000, 0, 2)),
                "register redist region with top address beyond IPA range");
        assertErrno(EINVAL, () -> gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST, 0x260000L),
                "Mix KVM_VGIC_V3_ADDR_TYPE_REDIST and REDIST_REGION");

        assertEquals(redistRegion(2, 0x200000, 0, 0),
                gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, redistRegion(0, 0, 0, 0)),
                "read characteristics of region #0");
        assertEquals(redistRegion(1, 0x240000, 0, 1),
                gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, redistRegion(0, 0, 0, 1)),
                "read characteristics of region #1");
        assertErrno(ENOENT,
                () -> gic.getAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, redistRegion(0, 0, 0, 2)),
                "read characteristics of non existing region");

        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x260000L);
        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(1, 0x260000, 0, 2)),
                "register redist region colliding with dist");
    }

    /** The GIC device is created (and configured) before the secondary vCPUs. */
    @ParameterizedTest
    @EnumSource(value = DeviceType.class, names = {"ARM_VGIC_V3", "ARM_VGIC_V2"})
    void test_vgic_then_vcpus(DeviceType type) {
        VmGic v = vmGicCreateWithVcpus(type, 1);
        subtest_dist_rdist(v);
        for (int i = 1; i < NR_VCPUS; i++) {
            v.vcpus().add(addVcpu(v.vm(), i));
        }
        assertErrno(EINVAL, () -> v.vcpus().get(3).run(100), "dist/rdist overlap detected on 1st vcpu run");
        v.vm().close();
    }

    /** All the vCPUs are created before the GIC device gets initialised. */
    @ParameterizedTest
    @EnumSource(value = DeviceType.class, names = {"ARM_VGIC_V3", "ARM_VGIC_V2"})
    void test_vcpus_then_vgic(DeviceType type) {
        VmGic v = vmGicCreateWithVcpus(type, NR_VCPUS);
        subtest_dist_rdist(v);
        assertErrno(EINVAL, () -> v.vcpus().get(3).run(100), "dist/rdist overlap detected on 1st vcpu run");
        v.vm().close();
    }

    @Test
    void test_v2_uaccess_cpuif_no_vcpus() {
        VmGic v = vmGicCreateBarebones(DeviceType.ARM_VGIC_V2);
        subtest_dist_rdist(v);
        long attr = Vgic.v2RegAttr(0, 0x00); // GICC_CTLR of vCPU 0
        Device gic = v.gic();
        assertErrno(EINVAL, () -> gic.hasAttr(Vgic.GRP_CPU_REGS, attr), "accessed non-existent CPU interface");
        assertErrno(EINVAL, () -> gic.getAttr(Vgic.GRP_CPU_REGS, attr), "accessed non-existent CPU interface");
        assertErrno(EINVAL, () -> gic.setAttr(Vgic.GRP_CPU_REGS, attr, 0L), "accessed non-existent CPU interface");
        v.vm().close();
    }

    @Test
    void test_v3_new_redist_regions() {
        VmGic v = vmGicCreateWithVcpus(DeviceType.ARM_VGIC_V3, NR_VCPUS);
        subtest_v3_redist_regions(v);
        init(v.gic());
        VmGic v1 = v;
        assertErrno(ENXIO, () -> v1.vcpus().get(3).run(100), "running without sufficient number of rdists");
        v.vm().close();

        // step 2
        v = vmGicCreateWithVcpus(DeviceType.ARM_VGIC_V3, NR_VCPUS);
        subtest_v3_redist_regions(v);
        setRedistRegion(v.gic(), redistRegion(1, 0x280000, 0, 2));
        VmGic v2 = v;
        assertErrno(EBUSY, () -> v2.vcpus().get(3).run(100), "running without vgic explicit init");
        v.vm().close();

        // step 3
        v = vmGicCreateWithVcpus(DeviceType.ARM_VGIC_V3, NR_VCPUS);
        subtest_v3_redist_regions(v);
        VmGic v3 = v;
        assertErrno(EFAULT, () -> v3.gic().setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, (Long) null),
                "register a third region allowing to cover the 4 vcpus");
        setRedistRegion(v.gic(), redistRegion(1, 0x280000, 0, 2));
        init(v.gic());
        assertEquals(ExitReason.BUDGET, v.vcpus().get(3).run(100), "vcpu run");
        assertEquals(42, v.vcpus().get(3).getReg(Reg.x(0)), "the guest ran");
        v.vm().close();
    }

    @Test
    void test_v3_typer_accesses() {
        Vm vm = Vm.create();
        addGuestMemory(vm);
        addVcpu(vm, 0);
        Device gic = vm.createDevice(DeviceType.ARM_VGIC_V3);
        addVcpu(vm, 3);

        v3RedistRegGetErrno(gic, 1, GICR_TYPER, EINVAL, "attempting to read GICR_TYPER of non created vcpu");
        addVcpu(vm, 1);
        v3RedistRegGetErrno(gic, 1, GICR_TYPER, EBUSY, "read GICR_TYPER before GIC initialized");
        addVcpu(vm, 2);

        init(gic);

        for (int i = 0; i < NR_VCPUS; i++) {
            v3RedistRegGet(gic, i, GICR_TYPER, i * 0x100L, "read GICR_TYPER before rdist region setting");
        }

        setRedistRegion(gic, redistRegion(2, 0x200000, 0, 0));
        // The first 2 redistributors go there: vCPUs 0 and 3 (creation order).
        v3RedistRegGet(gic, 0, GICR_TYPER, 0x0, "read typer of rdist #0");
        v3RedistRegGet(gic, 3, GICR_TYPER, 0x310, "read typer of rdist #1");

        assertErrno(EINVAL, () -> setRedistRegion(gic, redistRegion(10, 0x100000, 0, 1)),
                "collision with previous rdist region");

        v3RedistRegGet(gic, 1, GICR_TYPER, 0x100, "no redist region attached to vcpu #1 yet, last cannot be returned");
        v3RedistRegGet(gic, 2, GICR_TYPER, 0x200, "no redist region attached to vcpu #2, last cannot be returned");

        setRedistRegion(gic, redistRegion(10, 0x20000, 0, 1));

        v3RedistRegGet(gic, 1, GICR_TYPER, 0x100, "read typer of rdist #1");
        v3RedistRegGet(gic, 2, GICR_TYPER, 0x210, "read typer of rdist #1, last properly returned");
        vm.close();
    }

    /**
     * Last bit with indexed regions; regions #1 and #2 are contiguous:
     * #0 at 0x100000 (2 rdists: vCPUs 0, 3 — 3 is Last), #1 at 0x240000 (5, 4 — 4 is Last),
     * #2 at 0x200000 (1, 2 — 2 is not Last, region #1 follows).
     */
    @Test
    void test_v3_last_bit_redist_regions() {
        VmGic v = vmGicV3CreateWithVcpuids(0, 3, 5, 4, 1, 2);
        Device gic = v.gic();
        init(gic);
        setRedistRegion(gic, redistRegion(2, 0x100000, 0, 0));
        setRedistRegion(gic, redistRegion(2, 0x240000, 0, 1));
        setRedistRegion(gic, redistRegion(2, 0x200000, 0, 2));

        v3RedistRegGet(gic, 0, GICR_TYPER, 0x000, "read typer of rdist #0");
        v3RedistRegGet(gic, 1, GICR_TYPER, 0x100, "read typer of rdist #1");
        v3RedistRegGet(gic, 2, GICR_TYPER, 0x200, "read typer of rdist #2");
        v3RedistRegGet(gic, 3, GICR_TYPER, 0x310, "read typer of rdist #3");
        v3RedistRegGet(gic, 5, GICR_TYPER, 0x500, "read typer of rdist #5");
        v3RedistRegGet(gic, 4, GICR_TYPER, 0x410, "read typer of rdist #4");
        v.vm().close();
    }

    /** Last bit with the legacy single region. */
    @Test
    void test_v3_last_bit_single_rdist() {
        VmGic v = vmGicV3CreateWithVcpuids(0, 3, 5, 4, 1, 2);
        Device gic = v.gic();
        init(gic);
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST, 0x10000L);

        v3RedistRegGet(gic, 0, GICR_TYPER, 0x000, "read typer of rdist #0");
        v3RedistRegGet(gic, 3, GICR_TYPER, 0x300, "read typer of rdist #1");
        v3RedistRegGet(gic, 5, GICR_TYPER, 0x500, "read typer of rdist #2");
        v3RedistRegGet(gic, 1, GICR_TYPER, 0x100, "read typer of rdist #3");
        v3RedistRegGet(gic, 2, GICR_TYPER, 0x210, "read typer of rdist #3");
        v.vm().close();
    }

    /** The legacy region grows with the vCPU count: checked again, against the IPA limit, at the first run. */
    @Test
    void test_v3_redist_ipa_range_check_at_vcpu_run() {
        VmGic v = vmGicCreateWithVcpus(DeviceType.ARM_VGIC_V3, 1);
        Device gic = v.gic();
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST, v.maxPhysSize() - 3 * 2 * 0x10000);
        gic.setAttr(GRP_ADDR, Vgic.V3_ADDR_TYPE_DIST, 0x00000L);
        for (int i = 1; i < NR_VCPUS; i++) {
            v.vcpus().add(addVcpu(v.vm(), i));
        }
        init(gic);
        assertErrno(EINVAL, () -> v.vcpus().get(2).run(100),
                "redist base+size above PA range detected on 1st vcpu run");
        v.vm().close();
    }

    @Test
    void test_v3_its_region() {
        VmGic v = vmGicCreateWithVcpus(DeviceType.ARM_VGIC_V3, NR_VCPUS);
        Device its = v.vm().createDevice(DeviceType.ARM_VGIC_ITS);
        long max = v.maxPhysSize();

        assertErrno(EINVAL, () -> its.setAttr(GRP_ADDR, Vgic.ITS_ADDR_TYPE, 0x401000L),
                "ITS region with misaligned address");
        assertErrno(E2BIG, () -> its.setAttr(GRP_ADDR, Vgic.ITS_ADDR_TYPE, max),
                "register ITS region with base address beyond IPA range");
        assertErrno(E2BIG, () -> its.setAttr(GRP_ADDR, Vgic.ITS_ADDR_TYPE, max - 0x10000),
                "Half of ITS region is beyond IPA range");
        its.setAttr(GRP_ADDR, Vgic.ITS_ADDR_TYPE, 0x400000L);
        assertErrno(EEXIST, () -> its.setAttr(GRP_ADDR, Vgic.ITS_ADDR_TYPE, 0x300000L), "ITS base set again");
        assertEquals(0x400000L, its.getAttr(GRP_ADDR, Vgic.ITS_ADDR_TYPE));
        v.vm().close();
    }

    @Test
    void test_v3_nassgicap() {
        VmGic v = vmGicCreateWithVcpus(DeviceType.ARM_VGIC_V3, NR_VCPUS);
        Device gic = v.gic();
        long typer2 = gic.getAttr(GRP_DIST_REGS, Vgic.GICD_TYPER2);
        boolean hasNassgicap = (typer2 & Vgic.GICD_TYPER2_NASSGICAP) != 0;
        assertEquals(false, hasNassgicap, "no GICv4.1 behind this vGIC");

        long with = typer2 | Vgic.GICD_TYPER2_NASSGICAP;
        assertErrno(EINVAL, () -> gic.setAttr(GRP_DIST_REGS, Vgic.GICD_TYPER2, with),
                "Enabled nASSGIcap even though it's unavailable");

        long without = typer2 & ~Vgic.GICD_TYPER2_NASSGICAP;
        gic.setAttr(GRP_DIST_REGS, Vgic.GICD_TYPER2, without);

        init(gic);

        long toggled = without ^ Vgic.GICD_TYPER2_NASSGICAP;
        assertErrno(EBUSY, () -> gic.setAttr(GRP_DIST_REGS, Vgic.GICD_TYPER2, toggled),
                "Changed nASSGIcap after initializing the VGIC");
        v.vm().close();
    }

    /** Device creation rules; runs for the GIC version given, as the selftest's test_kvm_device(type). */
    @ParameterizedTest
    @EnumSource(value = DeviceType.class, names = {"ARM_VGIC_V3", "ARM_VGIC_V2"})
    void test_kvm_device(DeviceType type) {
        Vm vm = Vm.create();
        for (int i = 0; i < NR_VCPUS; i++) {
            addVcpu(vm, i);
        }
        assertErrno(ENODEV, () -> vm.createDevice(0, true), "unsupported device");

        assertTrue(vm.createDevice(type.number(), true).isEmpty(), "trial mode creates nothing");
        assertTrue(vm.devices().isEmpty(), "trial mode creates nothing");
        vm.createDevice(type);

        assertErrno(EEXIST, () -> vm.createDevice(type.number(), false), "create GIC device twice");
        vm.createDevice(type.number(), true);

        DeviceType other = type == DeviceType.ARM_VGIC_V2 ? DeviceType.ARM_VGIC_V3 : DeviceType.ARM_VGIC_V2;
        vm.createDevice(other.number(), true);
        assertErrno(EINVAL, () -> vm.createDevice(other.number(), false),
                "create GIC device while other version exists");
        assertEquals(1, vm.devices().size());
        vm.close();
    }
}
