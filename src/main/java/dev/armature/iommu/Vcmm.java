package dev.armature.iommu;

import dev.armature.memory.PhysicalMemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENOENT;

/**
 * The Virtual Contiguous Memory Manager: the memory targets, the VCMs, the physical allocations and the graph of
 * associations between VCMs and devices. Everything here and in the objects it hands out is serialised on this
 * instance; device transactions ({@link DeviceMemory}) take the lock only where they read VCM state.
 *
 * <p>Typical use: {@link #create} a VCM, {@link Vcm#associate} it with a device, {@link Association#activate},
 * {@link Vcm#reserve} device addresses, {@link #allocate} physical memory, {@link Reservation#back} the
 * reservation with it; the device then reads and writes through {@link Association#memory()}.
 */
public final class Vcmm implements AutoCloseable {
    /** The id of the one prebuilt VCM: the VMM's own view. */
    public static final int PREBUILT_VMM = 0;
    /** Where the VMM VCM's device addresses start (a host-side space no guest address reaches). */
    public static final long VMM_BASE = 0x7000_0000_0000L;
    public static final long VMM_LENGTH = 1L << 40;

    private volatile MemoryTarget[] targets = new MemoryTarget[0];
    final List<Vcm> vcms = new ArrayList<>();
    final List<PhysicalAllocation> allocations = new ArrayList<>();
    final Map<SmmuContext, List<Association>> contextUsers = new HashMap<>();
    private final DirectMaster cpu = new DirectMaster("cpu");
    private final Vcm vmm = new Vcm(this, Vcm.Kind.VMM, VMM_BASE, VMM_LENGTH);

    /**
     * Adds a target drawing on guest RAM at {@code base} (1M aligned; the layout's span must be RAM of one
     * region). Targets may not overlap.
     */
    public synchronized MemoryTarget addGuestRamTarget(String name, PhysicalMemory memory, long base,
                                                       PoolLayout layout) {
        checkFree(base, layout.span());
        return add(MemoryTarget.guestRam(name, memory, base, layout));
    }

    /**
     * Adds a target of host memory the guest cannot address, given physical addresses from {@code base}: pick a
     * range outside guest RAM so physical addresses stay unambiguous.
     */
    public synchronized MemoryTarget addHostTarget(String name, long base, PoolLayout layout) {
        checkFree(base, layout.span());
        return add(MemoryTarget.host(name, base, layout));
    }

    private void checkFree(long base, long size) {
        for (MemoryTarget t : targets) {
            if (t.overlaps(base, size)) {
                throw Refusal.of(EEXIST, "[0x%x..0x%x) overlaps target %s", base, base + size, t);
            }
        }
    }

    private MemoryTarget add(MemoryTarget t) {
        List<MemoryTarget> list = new ArrayList<>(List.of(targets));
        list.add(t);
        targets = list.toArray(MemoryTarget[]::new);
        return t;
    }

    public List<MemoryTarget> targets() {
        return List.of(targets);
    }

    /** The target holding physical address {@code pa}, or null. */
    MemoryTarget targetOf(long pa) {
        for (MemoryTarget t : targets) {
            if (t.contains(pa)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Creates a VCM of {@code length} device addresses from {@code start}. As in the seed, a range lying inside a
     * memory target is taken for a physical region and gives a one-to-one VCM; any other range an IOMMU VCM.
     */
    public synchronized Vcm create(long start, long length) {
        checkRange(start, length);
        return create(insideTarget(start, length) ? Vcm.Kind.ONE_TO_ONE : Vcm.Kind.IOMMU, start, length);
    }

    /** Creates a VCM of the given kind (ONE_TO_ONE or IOMMU; the VMM VCM is {@link #fromPrebuilt prebuilt}). */
    public synchronized Vcm create(Vcm.Kind kind, long start, long length) {
        checkRange(start, length);
        if (kind == Vcm.Kind.VMM) {
            throw Refusal.of(EINVAL, "the VMM VCM is prebuilt: use fromPrebuilt(PREBUILT_VMM)");
        }
        if (kind == Vcm.Kind.ONE_TO_ONE && !insideTarget(start, length)) {
            throw Refusal.of(EINVAL, "one-to-one VCM [0x%x..0x%x) is not inside one memory target",
                    start, start + length);
        }
        Vcm vcm = new Vcm(this, kind, start, length);
        vcms.add(vcm);
        return vcm;
    }

    private static void checkRange(long start, long length) {
        if (start < 0 || length <= 0 || start + length < 0) {
            throw Refusal.of(EINVAL, "VCM range 0x%x+0x%x", start, length);
        }
    }

    private boolean insideTarget(long start, long length) {
        MemoryTarget t = targetOf(start);
        return t != null && start + length <= t.base() + t.size();
    }

    /** The prebuilt VCM named by {@code id}: only {@link #PREBUILT_VMM}, the VMM's own view. */
    public Vcm fromPrebuilt(int id) {
        if (id != PREBUILT_VMM) {
            throw Refusal.of(ENOENT, "no prebuilt VCM %d", id);
        }
        return vmm;
    }

    /** The VMM's own device handle, the one device the VMM VCM associates with. */
    public DirectMaster cpu() {
        return cpu;
    }

    /**
     * Allocates {@code length} bytes (a multiple of 4K) of physical memory from {@code target}: one aligned range
     * of its contiguous pool, or the largest permitted pool blocks that fit, without splitting blocks.
     */
    public synchronized PhysicalAllocation allocate(MemoryTarget target, long length, AllocationRequest request) {
        if (!List.of(targets).contains(target)) {
            throw Refusal.of(EINVAL, "target %s does not belong to this manager", target);
        }
        PhysicalAllocation a = new PhysicalAllocation(this, target, target.allocator.allocate(length, request), length);
        allocations.add(a);
        return a;
    }

    /** The VCMs created and not freed (the VMM VCM not included). */
    public synchronized List<Vcm> vcms() {
        return List.copyOf(vcms);
    }

    /** The physical allocations not freed. */
    public synchronized List<PhysicalAllocation> allocations() {
        return List.copyOf(allocations);
    }

    /** The associations that use {@code ctx}, over all VCMs. */
    synchronized List<Association> usersOf(SmmuContext ctx) {
        return contextUsers.getOrDefault(ctx, List.of());
    }

    /** Releases host-side targets' memory. Guest RAM stays with its {@link PhysicalMemory}. */
    @Override
    public synchronized void close() {
        for (MemoryTarget t : targets) {
            t.close();
        }
        targets = new MemoryTarget[0];
    }
}
