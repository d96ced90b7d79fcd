package dev.armature.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Random sequences of VM API calls — vCPU creation, device creation (also in test mode), device attributes
 * with random groups, attributes and values, vGIC init, runs, power-state changes, memory slots, close —
 * checking the contract's invariants after every call:
 * <ul>
 *   <li>nothing but {@link KvmException} escapes;</li>
 *   <li>a refused call leaves the observable state as it was (the state is probed through the API's own
 *   read-only calls), with KVM's one exception: a GICv2 register access initialises the vGIC before it is
 *   checked;</li>
 *   <li>a test-mode device creation leaves no trace.</li>
 * </ul>
 */
class VmApiPropertiesTest {
    private static final long MAX_PHYS = 1L << Vm.DEFAULT_IPA_BITS;

    enum Kind {
        CREATE_VCPU, INIT_VCPU, CREATE_DEVICE, SET_ATTR, GET_ATTR, HAS_ATTR, VGIC_INIT, RUN, SET_MP_STATE,
        SET_MEMORY, CLOSE,
        /** Targeted address settings: the device's own address types, with values from the address pool. */
        SET_DIST, SET_REDIST, ADD_REDIST_REGION
    }

    /** One API call; the fields a kind does not use are ignored. */
    record Op(Kind kind, int index, int group, long attr, Long value, boolean flag) {
        @Override
        public String toString() {
            return String.format("%s(i=%d, g=%d, attr=0x%x, value=%s, flag=%b)", kind, index, group, attr,
                    value == null ? "NULL" : "0x" + Long.toHexString(value), flag);
        }
    }

    /**
     * Where a sequence starts: vCPUs (ids in any order, initialised or not), a vGIC of either version or none,
     * an ITS, guest RAM — so that the random calls meet configured devices rather than empty VMs.
     */
    record Setup(List<Integer> vcpuIds, boolean initVcpus, int gicType, boolean its, boolean ram) {
        void apply(Vm vm) {
            if (ram) {
                VmTestSupport.addGuestMemory(vm);
            }
            for (int id : vcpuIds) {
                Vcpu v = vm.createVcpu(id);
                if (initVcpus) {
                    v.init(Set.of(VcpuFeature.PSCI_0_2));
                    v.setReg(Reg.PC, VmTestSupport.RAM_BASE);
                }
            }
            if (gicType != 0) {
                vm.createDevice(gicType, false);
            }
            if (its) {
                vm.createDevice(DeviceType.ARM_VGIC_ITS);
            }
        }
    }

    @Provide
    Arbitrary<Setup> setups() {
        Arbitrary<List<Integer>> ids = Arbitraries.integers().between(0, 5).list().uniqueElements().ofMaxSize(5);
        return Combinators.combine(ids, Arbitraries.of(true, true, false), Arbitraries.of(7, 7, 7, 5, 0),
                        Arbitraries.of(false, false, false, true), Arbitraries.of(true, true, false))
                .as(Setup::new);
    }

    @Property(tries = 10_000, edgeCases = EdgeCasesMode.NONE)
    void randomCallSequencesKeepTheContract(@ForAll("setups") Setup setup,
                                            @ForAll("ops") List<Op> ops) {
        Vm vm = Vm.create();
        try {
            setup.apply(vm);
            for (Op op : ops) {
                apply(vm, op);
            }
        } finally {
            vm.close();
        }
    }

    private static void apply(Vm vm, Op op) {
        Map<String, String> before = probe(vm);
        int devicesBefore = vm.devices().size();
        try {
            execute(vm, op);
        } catch (KvmException e) {
            Map<String, String> after = probe(vm);
            if (isV2RegisterAccess(vm, op)) {
                // KVM's vgic_v2_attr_regs_access runs vgic_init before it looks at the register.
                before.keySet().removeIf(k -> k.startsWith("vgic.initialized") || k.startsWith("vgic.nr_irqs"));
                after.keySet().removeIf(k -> k.startsWith("vgic.initialized") || k.startsWith("vgic.nr_irqs"));
            }
            assertEquals(before, after, "state changed by refused " + op + " (" + e.getMessage() + ")");
            return;
        }
        if (op.kind() == Kind.CREATE_DEVICE && op.flag()) {
            assertEquals(devicesBefore, vm.devices().size());
            assertEquals(before, probe(vm), "test-mode creation left a trace: " + op);
        }
    }

    private static boolean isV2RegisterAccess(Vm vm, Op op) {
        if (op.kind() != Kind.SET_ATTR && op.kind() != Kind.GET_ATTR) {
            return false;
        }
        List<Device> devices = vm.devices();
        if (devices.isEmpty()) {
            return false;
        }
        Device d = devices.get(op.index() % devices.size());
        return d instanceof VgicV2Device && (op.group() == Vgic.GRP_DIST_REGS || op.group() == Vgic.GRP_CPU_REGS);
    }

    private static Vcpu vcpu(Vm vm, int index) {
        List<Vcpu> vcpus = vm.vcpus();
        if (vcpus.isEmpty()) {
            throw new KvmException(Errno.EBADF, "no vCPU to address"); // the test's own "no such fd"
        }
        return vcpus.get(index % vcpus.size());
    }

    private static Device device(Vm vm, int index) {
        List<Device> devices = vm.devices();
        if (devices.isEmpty()) {
            throw new KvmException(Errno.EBADF, "no device to address");
        }
        return devices.get(index % devices.size());
    }

    private static void execute(Vm vm, Op op) {
        switch (op.kind()) {
            case CREATE_VCPU -> vm.createVcpu(op.index());
            case INIT_VCPU -> vcpu(vm, op.index()).init(op.flag()
                    ? Set.of(VcpuFeature.POWER_OFF, VcpuFeature.PSCI_0_2) : Set.of(VcpuFeature.PSCI_0_2));
            case CREATE_DEVICE -> vm.createDevice(op.group(), op.flag());
            case SET_ATTR -> device(vm, op.index()).setAttr(op.group(), op.attr(), op.value());
            case GET_ATTR -> device(vm, op.index()).getAttr(op.group(), op.attr(), op.value());
            case HAS_ATTR -> device(vm, op.index()).hasAttr(op.group(), op.attr());
            case VGIC_INIT -> device(vm, op.index()).setAttr(Vgic.GRP_CTRL, Vgic.CTRL_INIT, null);
            case RUN -> vcpu(vm, op.index()).run(20);
            case SET_MP_STATE -> vcpu(vm, op.index()).setMpState(MpState.values()[op.group() % MpState.values().length]);
            case SET_MEMORY -> vm.setUserMemoryRegion(op.index() % 4, op.attr(), op.value() == null ? 0 : op.value());
            case CLOSE -> vm.close();
            case SET_DIST, SET_REDIST, ADD_REDIST_REGION -> {
                Device d = device(vm, op.index());
                d.setAttr(Vgic.GRP_ADDR, addressType(d, op.kind()), op.value());
            }
        }
    }

    private static long addressType(Device d, Kind kind) {
        return switch (d.type()) {
            case ARM_VGIC_V3 -> switch (kind) {
                case SET_DIST -> Vgic.V3_ADDR_TYPE_DIST;
                case SET_REDIST -> Vgic.V3_ADDR_TYPE_REDIST;
                default -> Vgic.V3_ADDR_TYPE_REDIST_REGION;
            };
            case ARM_VGIC_V2 -> kind == Kind.SET_DIST ? Vgic.V2_ADDR_TYPE_DIST : Vgic.V2_ADDR_TYPE_CPU;
            case ARM_VGIC_ITS -> Vgic.ITS_ADDR_TYPE;
            case KVM_VFIO -> 0; // no address group: ENXIO
        };
    }

    /**
     * The observable state, through read-only API calls: each probe's value or errno. Calls whose refusal is
     * already known from another probe (registers of an uninitialised vCPU, GICR_TYPER before init) are left
     * out to keep the probe cheap.
     */
    private static Map<String, String> probe(Vm vm) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("max_vcpus", outcome(() -> vm.checkExtension(Capability.MAX_VCPUS)));
        s.put("slots", vm.memorySlots().toString());
        List<Vcpu> vcpus = vm.vcpus();
        for (Vcpu v : vcpus) {
            String p = "vcpu" + v.id() + ".";
            s.put(p + "features", v.features().toString());
            s.put(p + "mp", outcome(v::getMpState));
            if (v.initialized()) {
                s.put(p + "regs", outcome(() -> List.of(v.getReg(Reg.x(0)), v.getReg(Reg.PC), v.getReg(Reg.PSTATE))));
            }
        }
        List<Device> devices = vm.devices();
        s.put("devices", devices.stream().map(Device::type).toList().toString());
        for (int i = 0; i < devices.size(); i++) {
            Device d = devices.get(i);
            if (d instanceof ItsDevice) {
                s.put("its" + i + ".addr", outcome(() -> d.getAttr(Vgic.GRP_ADDR, Vgic.ITS_ADDR_TYPE)));
            } else if (d instanceof VgicDevice g) {
                boolean v3 = g instanceof VgicV3Device;
                s.put("vgic.initialized", String.valueOf(g.initialized()));
                s.put("vgic.nr_irqs", outcome(() -> g.getAttr(Vgic.GRP_NR_IRQS, 0)));
                for (long type : v3 ? new long[] {Vgic.V3_ADDR_TYPE_DIST, Vgic.V3_ADDR_TYPE_REDIST}
                        : new long[] {Vgic.V2_ADDR_TYPE_DIST, Vgic.V2_ADDR_TYPE_CPU}) {
                    s.put("vgic.addr" + type, outcome(() -> g.getAttr(Vgic.GRP_ADDR, type)));
                }
                if (v3) {
                    // Regions have consecutive indexes: read until the first refusal (ENOENT, or EBADF once closed).
                    String region = "";
                    for (int r = 0; !region.startsWith("E"); r++) {
                        long in = Vgic.redistRegion(0, 0, 0, r);
                        region = outcome(() -> g.getAttr(Vgic.GRP_ADDR, Vgic.V3_ADDR_TYPE_REDIST_REGION, in));
                        s.put("vgic.region" + r, region);
                    }
                    s.put("vgic.typer2", outcome(() -> g.getAttr(Vgic.GRP_DIST_REGS, Vgic.GICD_TYPER2)));
                    if (g.initialized()) {
                        for (Vcpu v : vcpus) {
                            s.put("vgic.typer" + v.id(), outcome(() -> g.getAttr(Vgic.GRP_REDIST_REGS,
                                    Vgic.v3RegAttr(v.mpidrAffinity(), Vgic.GICR_TYPER))));
                        }
                    }
                }
            }
        }
        return s;
    }

    private static String outcome(Callable<?> probe) {
        try {
            return String.valueOf(probe.call());
        } catch (KvmException e) {
            return e.errno().name();
        } catch (Exception e) {
            throw new AssertionError("a probe threw " + e, e);
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<List<Op>> ops() {
        return op().list().ofMinSize(4).ofMaxSize(14).withSizeDistribution(RandomDistribution.uniform());
    }

    private static Arbitrary<Op> op() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, simple(Kind.CREATE_VCPU, vcpuIds())),
                Tuple.of(4, simple(Kind.INIT_VCPU, Arbitraries.integers().between(0, 7))),
                Tuple.of(5, createDevice()),
                Tuple.of(12, attrOp(Kind.SET_ATTR)),
                Tuple.of(6, attrOp(Kind.GET_ATTR)),
                Tuple.of(4, attrOp(Kind.HAS_ATTR)),
                Tuple.of(3, simple(Kind.VGIC_INIT, Arbitraries.integers().between(0, 3))),
                Tuple.of(4, simple(Kind.RUN, Arbitraries.integers().between(0, 7))),
                Tuple.of(2, setMpState()),
                Tuple.of(3, setMemory()),
                Tuple.of(4, addressOp(Kind.SET_DIST, addresses())),
                Tuple.of(3, addressOp(Kind.SET_REDIST, addresses())),
                Tuple.of(6, addressOp(Kind.ADD_REDIST_REGION, regions())),
                Tuple.of(1, Arbitraries.just(new Op(Kind.CLOSE, 0, 0, 0, 0L, false)).injectNull(0.5)))
                .filter(o -> o != null);
    }

    private static Arbitrary<Integer> vcpuIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(0, 5)),
                Tuple.of(1, Arbitraries.integers().between(-2, 600)));
    }

    private static Arbitrary<Op> simple(Kind kind, Arbitrary<Integer> index) {
        return Combinators.combine(index, Arbitraries.of(true, false))
                .as((i, flag) -> new Op(kind, i, 0, 0, 0L, flag));
    }

    private static Arbitrary<Op> createDevice() {
        Arbitrary<Integer> type = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(7, 7, 7, 5, 5, 8)),
                Tuple.of(1, Arbitraries.integers().between(-1, 12)));
        return Combinators.combine(type, Arbitraries.of(true, false))
                .as((t, test) -> new Op(Kind.CREATE_DEVICE, 0, t, 0, 0L, test));
    }

    private static Arbitrary<Op> setMpState() {
        return Combinators.combine(Arbitraries.integers().between(0, 7),
                        Arbitraries.frequencyOf(
                                Tuple.of(4, Arbitraries.of(MpState.RUNNABLE.ordinal(), MpState.STOPPED.ordinal())),
                                Tuple.of(1, Arbitraries.integers().between(0, MpState.values().length - 1))))
                .as((i, s) -> new Op(Kind.SET_MP_STATE, i, s, 0, 0L, false));
    }

    private static Arbitrary<Op> setMemory() {
        Arbitrary<Long> base = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 64).map(k -> 0x4000_0000L + k * 0x1000L)),
                Tuple.of(1, Arbitraries.longs().between(0, MAX_PHYS + 0x10000)));
        Arbitrary<Long> size = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.integers().between(0, 16).map(k -> k * 0x1000L)),
                Tuple.of(1, Arbitraries.longs().between(0, 0x20000)));
        return Combinators.combine(Arbitraries.integers().between(0, 5), base, size)
                .as((slot, b, sz) -> new Op(Kind.SET_MEMORY, slot, 0, b, sz, false));
    }

    private static Arbitrary<Op> attrOp(Kind kind) {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(Vgic.GRP_ADDR)),
                Tuple.of(4, Arbitraries.just(Vgic.GRP_REDIST_REGS)),
                Tuple.of(6, Arbitraries.of(Vgic.GRP_DIST_REGS, Vgic.GRP_CPU_REGS, Vgic.GRP_NR_IRQS,
                        Vgic.GRP_CTRL)),
                Tuple.of(2, Arbitraries.integers().between(5, 8)),
                Tuple.of(1, Arbitraries.integers()));
        return Combinators.combine(Arbitraries.integers().between(0, 3), group, attrs(), values())
                .as((dev, g, attr, value) -> new Op(kind, dev, g, attrFor(g, attr), value, false));
    }

    /** Raw attribute material; {@link #attrFor} shapes it for the group so that it hits real attributes. */
    private static Arbitrary<Long> attrs() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.longs().between(0, 5)),
                Tuple.of(4, Arbitraries.of(0x0L, 0x4L, 0x8L, 0xcL, 0x10L, 0x100L)),
                Tuple.of(1, Arbitraries.longs()));
    }

    private static long attrFor(int group, long raw) {
        if (group == Vgic.GRP_REDIST_REGS || group == Vgic.GRP_CPU_REGS || group == Vgic.GRP_DIST_REGS) {
            // vCPU 0..7 in bits 63:32 (both encodings agree for ids below 8), offset in the low bits.
            return (Math.floorMod(raw, 8)) << 32 | (raw & 0x1c);
        }
        return raw;
    }

    private static Arbitrary<Op> addressOp(Kind kind, Arbitrary<Long> values) {
        return Combinators.combine(Arbitraries.integers().between(0, 3), values)
                .as((dev, value) -> new Op(kind, dev, Vgic.GRP_ADDR, 0, value, false));
    }

    /** Frame addresses: mostly 4 KiB multiples within the first 1 MiB (so frames often meet), a few near the top. */
    private static Arbitrary<Long> addresses() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 15).map(k -> k * 0x10000L)),
                Tuple.of(1, Arbitraries.integers().between(0, 255).map(k -> k * 0x1000L)),
                Tuple.of(1, Arbitraries.integers().between(0, 8).map(k -> MAX_PHYS - k * 0x10000L)),
                Tuple.of(1, Arbitraries.just(0L).injectNull(1.0)));
    }

    /** Packed REDIST_REGION values: mostly valid counts, flags 0 and low indexes. */
    private static Arbitrary<Long> regions() {
        Arbitrary<Long> packed = Combinators.combine(Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 15), Arbitraries.of(0, 0, 0, 0, 0, 1),
                        Arbitraries.integers().between(0, 2))
                .as((count, k, flags, index) -> Vgic.redistRegion(count, k * 0x10000L, flags, index));
        return Arbitraries.frequencyOf(
                Tuple.of(12, packed),
                Tuple.of(1, Arbitraries.integers().between(0, 8)
                        .map(k -> Vgic.redistRegion(2, MAX_PHYS - k * 0x10000L, 0, 1))),
                Tuple.of(1, Arbitraries.just(0L).injectNull(1.0)));
    }

    private static Arbitrary<Long> values() {
        Arbitrary<Long> irqs = Arbitraries.integers().between(0, 40).map(k -> k * 32L);
        return Arbitraries.frequencyOf(
                Tuple.of(6, addresses()),
                Tuple.of(6, regions()),
                Tuple.of(2, irqs),
                Tuple.of(2, Arbitraries.longs()));
    }

    /** Keeps the generators honest: the interesting outcomes all occur. */
    @Example
    void generatorsReachEveryKind() {
        List<Kind> seen = new ArrayList<>();
        op().sampleStream().limit(2000).forEach(o -> {
            if (!seen.contains(o.kind())) {
                seen.add(o.kind());
            }
        });
        assertEquals(Kind.values().length, seen.size(), "kinds generated: " + seen);
    }
}
