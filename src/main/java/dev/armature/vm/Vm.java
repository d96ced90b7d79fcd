package dev.armature.vm;

import static dev.armature.vm.Errno.E2BIG;
import static dev.armature.vm.Errno.EBADF;
import static dev.armature.vm.Errno.EBUSY;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EFAULT;
import static dev.armature.vm.Errno.EINVAL;
import static dev.armature.vm.Errno.ENODEV;
import static dev.armature.vm.Errno.ENOMEM;
import static dev.armature.vm.Errno.ENXIO;

import dev.armature.accel.Accelerator;
import dev.armature.accel.CpuExecutor;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.devices.gic.IrqForwarding;
import dev.armature.memory.MmioHandler;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;
import dev.armature.migration.CpuState;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A virtual machine, KVM-style: vCPUs ({@link #createVcpu}), guest RAM in numbered slots
 * ({@link #setUserMemoryRegion}), in-kernel devices ({@link #createDevice}: the vGIC and its ITS) and
 * capability queries ({@link #checkExtension}). Every refused call throws a {@link KvmException} carrying the
 * errno Linux KVM gives in the same situation, and leaves the VM unchanged.
 *
 * <p>The VM's guest physical address space is {@link #maxIpaBits()} bits wide: 40 by default, as KVM's VM
 * type 0; up to {@link #MAX_IPA_BITS} = 44 on request, the PARange of the Cortex-A57 QEMU models (which is
 * what {@link Capability#ARM_VM_IPA_SIZE} reports).
 *
 * <p>Beyond KVM, the VM is an embeddable emulator (Unicorn-style; see docs/embedding.md): {@link #builder()}
 * chooses the accelerator, {@link #mapRam}/{@link #mapMmio}/{@link #unmap}/{@link #protect} manage memory at page
 * granularity, {@link #readPhysical}/{@link #writePhysical} access it from the host (writes to code invalidate
 * its translations), the {@code add...Hook} methods instrument execution identically under both accelerators,
 * and {@link #saveSnapshot()}/{@link #restoreSnapshot} reset the whole VM.
 *
 * <p>Locking: device and VM calls take the VM's lock (KVM's kvm->lock and config lock); vCPU calls take the
 * vCPU's (see {@link Vcpu}). Lock order: vCPU, then VM, then the hook registry.
 */
public final class Vm implements AutoCloseable, IrqChip {
    /** IPA widths: KVM's default (VM type 0), and the range {@link #create(int)} accepts. */
    public static final int DEFAULT_IPA_BITS = 40;
    /** The narrowest IPA width a VM may have (KVM's minimum). */
    public static final int MIN_IPA_BITS = 32;
    /** The widest IPA width a VM may have (the Cortex-A57's PARange). */
    public static final int MAX_IPA_BITS = 44;
    /** KVM_MAX_VCPUS on arm64 (and the GICv3 limit); a GICv2 lowers a VM's limit to 8. */
    public static final int MAX_VCPUS = 512;
    /** The widest IPA {@link #builder()} accepts (ARMv8.0's largest PARange). */
    public static final int MAX_BUILDER_IPA_BITS = 48;
    /** The vCPU limit with a GICv2. */
    public static final int GICV2_MAX_VCPUS = 8;
    /** KVM_USER_MEM_SLOTS on arm64. */
    public static final int MAX_MEMSLOTS = 32767;
    private static final long PAGE_SIZE = 4096;

    /**
     * A memory slot: guest RAM at {@code guestPhys} of {@code size} bytes.
     */
    public record MemorySlot(int slot, long guestPhys, long size) {
    }

    private final int ipaBits;
    private final CpuModel cpuModel;
    private final VgicModelFactory modelFactory;
    /** Set before the first vCPU exists ({@link #setCpuWiring}); read at vCPU resets. */
    private volatile CpuWiring wiring;
    private final PhysicalMemory memory = new PhysicalMemory();
    private final DecodeCache decodeCache;
    /** Replaced only by {@link #useAccelerator} before any vCPU has run (under the VM lock). */
    private volatile Accelerator accelerator;
    private final HookRegistry hooks;
    private final GuestMemoryMap memoryMap;
    /** vCPUs by id, for the hooks' callbacks (written under the VM lock, read by vCPU threads). */
    private volatile Vcpu[] byId = new Vcpu[0];
    /** In creation order (KVM's vcpu_idx order). */
    private final List<Vcpu> vcpus = new ArrayList<>();
    private final List<Device> devices = new ArrayList<>();
    private final TreeMap<Integer, MemorySlot> slots = new TreeMap<>();
    private VgicDevice vgic;
    private KvmVfioDevice kvmVfio;
    /** The vGIC's SPI lines and resamplers, once used (read without the VM's lock by {@link #irqLine}). */
    private volatile GicIrqChip chip;
    private boolean hasIts;
    private int maxVcpus = MAX_VCPUS;
    /** A vCPU passed its first-run step: the accelerator is fixed from then on. Under the VM lock. */
    private boolean started;
    private volatile boolean closed;
    /** Set when the VM was closed from inside this vCPU's call: see {@link #close}. */
    private volatile Vcpu freeRamAfter;

    private Vm(int ipaBits, CpuModel cpuModel, VgicModelFactory modelFactory, CpuWiring wiring, String accel) {
        this.ipaBits = ipaBits;
        this.cpuModel = cpuModel;
        this.modelFactory = modelFactory;
        this.wiring = wiring;
        this.decodeCache = new DecodeCache(cpuModel);
        this.accelerator = Accelerator.create(accel, memory, decodeCache);
        this.hooks = new HookRegistry(this, accelerator);
        this.memoryMap = new GuestMemoryMap(memory, ipaBits);
    }

    /**
     * Options for a VM: IPA size, CPU model (default {@code max}), accelerator (default {@code tcg}), vGIC
     * model. For example {@code Vm.builder().accel("interp").build()}.
     */
    public static final class Builder {
        private int ipaBits = DEFAULT_IPA_BITS;
        private CpuModel cpuModel = CpuModel.MAX;
        private VgicModelFactory modelFactory = GicModels.INSTANCE;
        private String accel = "tcg";

        private Builder() {
        }

        /**
         * The IPA (guest physical address) width, 32..48 bits; default 40. Up to 48 (ARMv8.0's largest
         * PARange) here, for embedders whose virtual addresses are physical ones; {@link Vm#create(int)} keeps
         * KVM's limit of 44.
         */
        public Builder ipaBits(int bits) {
            this.ipaBits = bits;
            return this;
        }

        /** The vCPUs' model; default {@link CpuModel#MAX} (all Armature implements, LSE atomics included). */
        public Builder cpuModel(CpuModel model) {
            this.cpuModel = model;
            return this;
        }

        /** The interrupt controller behind the vGIC device; default {@link GicModels}. */
        public Builder vgicModel(VgicModelFactory factory) {
            this.modelFactory = factory;
            return this;
        }

        /** How vCPUs execute, as {@code -accel} takes it: {@code tcg[,options]} (default) or {@code interp}. */
        public Builder accel(String option) {
            this.accel = option;
            return this;
        }

        /** Creates the VM. EINVAL: IPA size out of range or an unknown accelerator option; EFAULT: a null. */
        public Vm build() {
            if (ipaBits < MIN_IPA_BITS || ipaBits > MAX_BUILDER_IPA_BITS) {
                throw new KvmException(EINVAL, "IPA size " + ipaBits + " is outside " + MIN_IPA_BITS + ".."
                        + MAX_BUILDER_IPA_BITS + " bits");
            }
            checkPointer(cpuModel, "CPU model");
            checkPointer(modelFactory, "vGIC model factory");
            checkPointer(accel, "accelerator");
            try {
                return new Vm(ipaBits, cpuModel, modelFactory, CpuWiring.NONE, accel);
            } catch (IllegalArgumentException e) {
                throw new KvmException(EINVAL, e.getMessage());
            }
        }
    }

    /** Starts building a VM with other than the default options (and with the translator by default). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A VM with a 40-bit IPA space, Cortex-A57 vCPUs, the {@link GicModels} behind its vGIC, and the interpreter
     * for {@link Vcpu#run(long)} (as KVM_RUN has always run here; {@link #builder()} defaults to the translator).
     */
    public static Vm create() {
        return create(DEFAULT_IPA_BITS);
    }

    /** KVM_CREATE_VM with KVM_VM_TYPE_ARM_IPA_SIZE(ipaBits): EINVAL outside 32..44. */
    public static Vm create(int ipaBits) {
        return create(ipaBits, CpuModel.CORTEX_A57, GicModels.INSTANCE);
    }

    /** A VM whose vGIC instantiates its interrupt controller through {@code modelFactory}. */
    public static Vm create(int ipaBits, CpuModel cpuModel, VgicModelFactory modelFactory) {
        return create(ipaBits, cpuModel, modelFactory, CpuWiring.NONE);
    }

    /**
     * A VM whose vGIC instantiates its interrupt controller through {@code modelFactory} and whose vCPUs'
     * {@link Cpu}s are attached to the VMM's own parts by {@code wiring} at every reset.
     */
    public static Vm create(int ipaBits, CpuModel cpuModel, VgicModelFactory modelFactory, CpuWiring wiring) {
        if (ipaBits < MIN_IPA_BITS || ipaBits > MAX_IPA_BITS) {
            throw new KvmException(EINVAL, "IPA size " + ipaBits + " is outside " + MIN_IPA_BITS + ".."
                    + MAX_IPA_BITS + " bits");
        }
        checkPointer(cpuModel, "CPU model");
        checkPointer(modelFactory, "vGIC model factory");
        checkPointer(wiring, "CPU wiring");
        return new Vm(ipaBits, cpuModel, modelFactory, wiring, "interp");
    }

    /**
     * Makes the VM attach its vCPUs' {@link Cpu}s to a VMM's own parts with {@code wiring} at every reset (as
     * {@link #create(int, CpuModel, VgicModelFactory, CpuWiring)} does), for a VMM given a VM built elsewhere
     * (a {@code virt} board on an embedder's VM). Before the first vCPU is created: EBUSY after; EFAULT for a
     * null.
     */
    public synchronized void setCpuWiring(CpuWiring wiring) {
        checkOpen();
        checkPointer(wiring, "CPU wiring");
        if (!vcpus.isEmpty()) {
            throw new KvmException(EBUSY, "the CPU wiring must be set before the first vCPU is created");
        }
        this.wiring = wiring;
    }

    /** The CPU model every vCPU of this VM runs. */
    public CpuModel cpuModel() {
        return cpuModel;
    }

    /** Guest physical addresses of this VM are below {@code 1L << maxIpaBits()}. */
    public int maxIpaBits() {
        return ipaBits;
    }

    /** The guest physical address space (RAM slots, and the GIC model's frames once mapped). */
    public PhysicalMemory memory() {
        return memory;
    }

    // ---- capabilities ----

    /** KVM_CHECK_EXTENSION on the VM: 0 if unsupported, else 1 or the capability's value. */
    public int checkExtension(Capability cap) {
        checkPointer(cap, "capability");
        synchronized (this) {
            checkOpen();
            return switch (cap) {
                case IRQCHIP, USER_MEMORY, MP_STATE, ARM_PSCI, DEVICE_CTRL, ARM_PSCI_0_2 -> 1;
                case NR_VCPUS -> Math.min(Runtime.getRuntime().availableProcessors(), maxVcpus);
                case MAX_VCPUS -> maxVcpus;
                case MAX_VCPU_ID -> maxVcpus;
                case NR_MEMSLOTS -> MAX_MEMSLOTS;
                case ARM_VM_IPA_SIZE -> MAX_IPA_BITS;
            };
        }
    }

    /** KVM_CHECK_EXTENSION by KVM_CAP_* number: 0 for capabilities this VM does not know. */
    public int checkExtension(int capNumber) {
        for (Capability c : Capability.values()) {
            if (c.number() == capNumber) {
                return checkExtension(c);
            }
        }
        return 0;
    }

    // ---- vCPUs ----

    /**
     * KVM_CREATE_VCPU. Ids may come in any order. EINVAL: the id is not below the VM's vCPU limit (512, or 8
     * with a GICv2: KVM_CAP_MAX_VCPUS and MAX_VCPU_ID) or the VM has that many vCPUs; EBUSY: the vGIC is
     * already initialised; EEXIST: the id is taken; EINVAL: a GICv3 redistributor layout that cannot take
     * the vCPU.
     */
    public synchronized Vcpu createVcpu(int id) {
        checkOpen();
        if (id < 0 || id >= maxVcpus) {
            throw new KvmException(EINVAL, "vCPU id " + id + " is outside 0.." + (maxVcpus - 1));
        }
        if (vcpus.size() >= maxVcpus) {
            throw new KvmException(EINVAL, "the VM already has its maximum of " + maxVcpus + " vCPUs");
        }
        if (vgic != null && vgic.isInitialized()) {
            throw new KvmException(EBUSY, "no vCPU can be added once the vGIC is initialised");
        }
        // KVM checks the id after its arch setup (and leaks a redistributor slot on that path); checking
        // first keeps a refused creation free of side effects.
        if (vcpuById(id) != null) {
            throw new KvmException(EEXIST, "vCPU " + id + " exists");
        }
        Vcpu vcpu = new Vcpu(this, id, vcpus.size(), accelerator.newExecutor());
        if (vgic instanceof VgicV3Device v3) {
            v3.registerRedist(vcpu);
        }
        vcpus.add(vcpu);
        Vcpu[] ids = java.util.Arrays.copyOf(byId, Math.max(byId.length, id + 1));
        ids[id] = vcpu;
        byId = ids;
        hooks.attach(vcpu.cpu());
        return vcpu;
    }

    /** The vCPUs in creation order. */
    public synchronized List<Vcpu> vcpus() {
        return List.copyOf(vcpus);
    }

    /** The vCPU with that id, or null. */
    public synchronized Vcpu vcpuById(int id) {
        for (Vcpu v : vcpus) {
            if (v.id() == id) {
                return v;
            }
        }
        return null;
    }

    // ---- memory ----

    /**
     * KVM_SET_USER_MEMORY_REGION with memory this VM allocates: maps {@code size} bytes of zeroed RAM at
     * {@code guestPhys} as slot {@code slot}. Size 0 deletes the slot. An existing slot may be moved (its
     * contents move with it) but not resized. EINVAL: slot number, page alignment, wrap-around, resize,
     * deleting an absent slot; EEXIST: overlap with another slot (or a mapped GIC frame); EFAULT: beyond the
     * IPA space; ENOMEM: larger than the host's physical memory, or the host cannot map it.
     */
    public synchronized void setUserMemoryRegion(int slot, long guestPhys, long size) {
        checkOpen();
        if (slot < 0 || slot >= MAX_MEMSLOTS) {
            throw new KvmException(EINVAL, "memory slot " + slot + " is outside 0.." + (MAX_MEMSLOTS - 1));
        }
        if ((size & (PAGE_SIZE - 1)) != 0 || (guestPhys & (PAGE_SIZE - 1)) != 0 || size < 0) {
            throw new KvmException(EINVAL, String.format("slot %d: base 0x%x and size 0x%x must be 4 KiB multiples",
                    slot, guestPhys, size));
        }
        if (Long.compareUnsigned(guestPhys + size, guestPhys) < 0) {
            throw new KvmException(EINVAL, String.format("slot %d wraps around the address space", slot));
        }
        MemorySlot old = slots.get(slot);
        if (size == 0) {
            if (old == null) {
                throw new KvmException(EINVAL, "memory slot " + slot + " does not exist");
            }
            memory.remove(regionName(slot));
            slots.remove(slot);
            flushTlbs();
            return;
        }
        if (old != null && old.size() != size) {
            throw new KvmException(EINVAL, "memory slot " + slot + " cannot change size");
        }
        if (old != null && old.guestPhys() == guestPhys) {
            return;
        }
        for (MemorySlot s : slots.values()) {
            if (s.slot() != slot && Long.compareUnsigned(guestPhys, s.guestPhys() + s.size()) < 0
                    && Long.compareUnsigned(s.guestPhys(), guestPhys + size) < 0) {
                throw new KvmException(EEXIST, String.format("slot %d at 0x%x overlaps slot %d", slot, guestPhys,
                        s.slot()));
            }
        }
        if (Long.compareUnsigned(guestPhys + size, 1L << ipaBits) > 0) {
            throw new KvmException(EFAULT, String.format("slot %d [0x%x, 0x%x) is beyond the %d-bit IPA space",
                    slot, guestPhys, guestPhys + size, ipaBits));
        }
        if (old == null && size > hostMemorySize()) {
            // KVM would accept it against overcommit; here a move copies the slot and the guest may touch all
            // of it, so a slot larger than the host's memory is refused rather than risking the host.
            throw new KvmException(ENOMEM, String.format("slot %d: 0x%x bytes exceed the host's memory", slot,
                    size));
        }
        map(slot, old, guestPhys, size);
        slots.put(slot, new MemorySlot(slot, guestPhys, size));
        flushTlbs();
    }

    // ---- memory at page granularity (Unicorn's uc_mem_*) ----

    /**
     * Maps {@code size} bytes of zeroed RAM at {@code guestPhys} with protection {@code prot} (a combination of
     * {@link Region#PROT_READ}, {@link Region#PROT_WRITE}, {@link Region#PROT_EXEC}). EINVAL: not page-aligned,
     * empty, or other protection bits; EEXIST: overlaps a mapping; EFAULT: beyond the IPA space; ENOMEM.
     */
    public synchronized void mapRam(long guestPhys, long size, int prot) {
        checkOpen();
        memoryMap.mapRam(guestPhys, size, prot);
    }

    /**
     * Maps an MMIO region whose accesses (by vCPUs, 1 to 8 bytes, offsets from {@code guestPhys}) call
     * {@code handler} on the vCPU's thread. Same errors as {@link #mapRam}.
     */
    public synchronized void mapMmio(long guestPhys, long size, MmioHandler handler) {
        checkOpen();
        checkPointer(handler, "MMIO handler");
        memoryMap.mapMmio(guestPhys, size, handler, Region.PROT_READ | Region.PROT_WRITE);
    }

    /**
     * Unmaps every page of [guestPhys, guestPhys + size), which {@link #mapRam}/{@link #mapMmio} must have mapped
     * (an MMIO region only as a whole); code translated from it is forgotten. The host memory of unmapped RAM
     * is released when the VM closes. EINVAL otherwise.
     */
    public synchronized void unmap(long guestPhys, long size) {
        checkOpen();
        memoryMap.unmap(guestPhys, size);
        flushTlbs();
    }

    /**
     * Changes the protection of every page of [guestPhys, guestPhys + size), mapped as for {@link #unmap}. A
     * vCPU access the protection refuses is a permission fault (see {@link FaultHook}); the host's
     * {@link #readPhysical}/{@link #writePhysical} ignore it.
     */
    public synchronized void protect(long guestPhys, long size, int prot) {
        checkOpen();
        memoryMap.protect(guestPhys, size, prot);
        flushTlbs();
    }

    /** Makes every vCPU drop its cached translations before its next access (after a physical map change). */
    private void flushTlbs() {
        for (Vcpu v : vcpus) {
            v.cpu().memory.requestFlush();
        }
    }

    /** Reads {@code length} bytes of RAM at {@code guestPhys}. EFAULT if any of it is not RAM. */
    public byte[] readPhysical(long guestPhys, int length) {
        checkOpen();
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            MemorySegment s = ramRun(guestPhys + done, length - done);
            MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, done, (int) s.byteSize());
            done += (int) s.byteSize();
        }
        return out;
    }

    /**
     * Writes {@code data} to RAM at {@code guestPhys}. Translations of code it overwrites are invalidated, so a
     * vCPU executes the new instructions (no cache-flush call needed). EFAULT if any of it is not RAM.
     */
    public void writePhysical(long guestPhys, byte[] data) {
        checkOpen();
        checkPointer(data, "data");
        int done = 0;
        while (done < data.length) {
            int n = (int) ramRun(guestPhys + done, data.length - done).byteSize();
            memory.writeBytes(guestPhys + done, Arrays.copyOfRange(data, done, done + n));
            done += n;
        }
    }

    /** The RAM at {@code pa} up to {@code max} bytes, as far as its region goes. */
    private MemorySegment ramRun(long pa, long max) {
        Region r = memory.find(pa);
        if (r == null || !r.isRam()) {
            throw new KvmException(EFAULT, String.format("guest physical address 0x%x is not RAM", pa));
        }
        return memory.ramSlice(pa, Math.min(max, r.end() - pa));
    }

    // ---- hooks ----

    /** Installs a code hook on [begin, end] (inclusive virtual addresses). EBUSY: see {@link Hook}. */
    public Hook addCodeHook(long begin, long end, CodeHook hook) {
        return addHook(hook, begin, end, Set.of());
    }

    /** Installs a block hook for blocks starting in [begin, end]. EBUSY: see {@link Hook}. */
    public Hook addBlockHook(long begin, long end, BlockHook hook) {
        return addHook(hook, begin, end, Set.of());
    }

    /**
     * Installs a memory hook for accesses of the given kinds to virtual addresses in [begin, end]. EINVAL with
     * no kinds; EBUSY: see {@link Hook}.
     */
    public Hook addMemoryHook(Set<MemoryHook.Access> kinds, long begin, long end, MemoryHook hook) {
        checkPointer(kinds, "access kinds");
        if (kinds.isEmpty()) {
            throw new KvmException(EINVAL, "a memory hook needs at least one access kind");
        }
        return addHook(hook, begin, end, kinds);
    }

    /** Installs a fault hook for faulting virtual addresses in [begin, end]. EBUSY: see {@link Hook}. */
    public Hook addFaultHook(long begin, long end, FaultHook hook) {
        return addHook(hook, begin, end, Set.of());
    }

    /** Installs a hook for UNDEFINED instructions at [begin, end]. EBUSY: see {@link Hook}. */
    public Hook addInvalidInstructionHook(long begin, long end, InvalidInstructionHook hook) {
        return addHook(hook, begin, end, Set.of());
    }

    /**
     * Installs a hook for exceptions and interrupts whose preferred return address is in [begin, end]. EBUSY: see
     * {@link Hook}.
     */
    public Hook addInterruptHook(long begin, long end, InterruptHook hook) {
        return addHook(hook, begin, end, Set.of());
    }

    /** Installs a hook for every MRS/MSR. EBUSY: see {@link Hook}. */
    public Hook addSysRegHook(SysRegHook hook) {
        return addHook(hook, 0, -1, Set.of());
    }

    private synchronized Hook addHook(Object hook, long begin, long end, Set<MemoryHook.Access> kinds) {
        checkOpen();
        checkPointer(hook, "hook");
        return hooks.add(hook, begin, end, kinds, hookChanger("add a hook"));
    }

    /**
     * Who may change hooks now: the calling thread's vCPU when its hook callback calls (the change applies at its
     * next block boundary), else null if no vCPU runs (the change applies at once); EBUSY from another thread
     * while a vCPU runs. VM lock held.
     */
    Vcpu hookChanger(String what) {
        Vcpu busy = null;
        for (Vcpu v : vcpus) {
            if (v.isRunning()) {
                if (v.runsOnThisThread()) {
                    return v;
                }
                busy = v;
            }
        }
        if (busy != null) {
            throw new KvmException(EBUSY, "cannot " + what + " while " + busy + " runs (except from its hooks)");
        }
        return null;
    }

    /** EBUSY if a vCPU is running (hooks and snapshots change what running code sees). VM lock held. */
    void checkNotRunning(String what) {
        for (Vcpu v : vcpus) {
            if (v.isRunning()) {
                throw new KvmException(EBUSY, "cannot " + what + " while " + v + " runs");
            }
        }
    }

    HookRegistry hooks() {
        return hooks;
    }

    /** The vCPU a Cpu belongs to (hook callbacks). */
    Vcpu vcpuOf(Cpu cpu) {
        return byId[cpu.index];
    }

    /** The accelerator's statistics report (the translator's {@code info jit}), for tuning. */
    public String acceleratorReport() {
        return accelerator.report();
    }

    /**
     * Selects how the vCPUs execute, as {@code -accel} spells it ({@code tcg[,options]} or {@code interp}),
     * replacing the accelerator the VM was made with: every vCPU's executor and the hooks' instrumentation
     * move to the new one, so hooks installed before or after the change fire under it. Only before any vCPU
     * has run (a board's VMM calls it once, before starting its vCPUs). EBUSY once a vCPU has run; EINVAL for
     * an unknown option (nothing changes); EFAULT for a null.
     */
    public synchronized void useAccelerator(String option) {
        checkOpen();
        checkPointer(option, "accelerator");
        if (started) {
            throw new KvmException(EBUSY, "cannot change the accelerator once a vCPU has run");
        }
        Accelerator fresh;
        try {
            fresh = Accelerator.create(option, memory, decodeCache);
        } catch (IllegalArgumentException e) {
            throw new KvmException(EINVAL, e.getMessage());
        }
        accelerator = fresh;
        hooks.useAccelerator(fresh);
        for (Vcpu v : vcpus) {
            v.useExecutor(fresh.newExecutor());
        }
    }

    /**
     * A new executor of the VM's accelerator, for a VMM that drives a vCPU with
     * {@link Vcpu#run(CpuExecutor, long)} itself (one per vCPU thread; it shares the VM's translations).
     */
    public CpuExecutor newExecutor() {
        return accelerator.newExecutor();
    }

    /** The decoded-instruction cache the VM's executors share, for a VMM's own interpreters (debugger, tracer). */
    public DecodeCache decodeCache() {
        return decodeCache;
    }

    /**
     * Drops every translation, for a VMM that replaced guest RAM without going through the VM's memory calls
     * (loading a snapshot file into the RAM segments). Host writes through the VM need no flush.
     */
    public void flushTranslations() {
        accelerator.flush();
    }

    // ---- whole-VM snapshots ----

    /**
     * Saves the whole VM in memory: the contents of every RAM region and each vCPU's state as the migration
     * snapshot saves it ({@link CpuState}: registers, system registers, timer). EBUSY while a vCPU runs.
     */
    public synchronized VmSnapshot saveSnapshot() {
        checkOpen();
        checkNotRunning("save a snapshot");
        List<VmSnapshot.RamCopy> ram = new ArrayList<>();
        for (Region r : memory.regions()) {
            if (r.isRam()) {
                ram.add(new VmSnapshot.RamCopy(r.base(), r.size(), r.ram().toArray(
                        java.lang.foreign.ValueLayout.JAVA_BYTE)));
            }
        }
        List<byte[]> cpus = new ArrayList<>();
        try {
            for (Vcpu v : vcpus) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CpuState.save(v.cpu(), new DataOutputStream(bytes));
                cpus.add(bytes.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return new VmSnapshot(this, ram, cpus);
    }

    /**
     * Restores a snapshot of this VM: RAM contents and vCPU states. The memory map and vCPUs must be as they
     * were when it was saved (EINVAL otherwise, nothing changed); translations of code that changed are
     * invalidated. EBUSY while a vCPU runs.
     */
    public synchronized void restoreSnapshot(VmSnapshot snapshot) {
        checkOpen();
        checkPointer(snapshot, "snapshot");
        checkNotRunning("restore a snapshot");
        if (snapshot.vm() != this || snapshot.cpus().size() != vcpus.size()) {
            throw new KvmException(EINVAL, "the snapshot was taken of another VM or with other vCPUs");
        }
        List<Region> regions = new ArrayList<>();
        for (VmSnapshot.RamCopy c : snapshot.ram()) {
            Region r = memory.find(c.base());
            if (r == null || !r.isRam() || r.base() != c.base() || r.size() != c.size()) {
                throw new KvmException(EINVAL, String.format("RAM at 0x%x changed since the snapshot", c.base()));
            }
            regions.add(r);
        }
        List<Runnable> loads = new ArrayList<>();
        try {
            for (int i = 0; i < vcpus.size(); i++) {
                loads.add(CpuState.load(new DataInputStream(new ByteArrayInputStream(snapshot.cpus().get(i))),
                        vcpus.get(i).cpu()));
            }
        } catch (IOException e) {
            throw new KvmException(EINVAL, "snapshot vCPU state: " + e.getMessage());
        }
        for (int i = 0; i < regions.size(); i++) {
            restorePages(regions.get(i), snapshot.ram().get(i).bytes());
        }
        for (int i = 0; i < loads.size(); i++) {
            loads.get(i).run();
            vcpus.get(i).cpu().memory.flushTlb();
        }
    }

    /** Maps a new slot, or moves {@code old} keeping its contents. */
    private void map(int slot, MemorySlot old, long guestPhys, long size) {
        MemorySegment previous = null;
        if (old != null) {
            previous = memory.ramSlice(old.guestPhys(), old.size());
            memory.remove(regionName(slot));
        }
        try {
            MemorySegment ram = memory.addRam(regionName(slot), guestPhys, size);
            if (previous != null) {
                ram.copyFrom(previous);
            }
        } catch (IllegalArgumentException e) {
            restore(slot, old, previous);
            throw new KvmException(EEXIST, e.getMessage());
        } catch (OutOfMemoryError e) {
            restore(slot, old, previous);
            throw new KvmException(ENOMEM, "cannot allocate 0x" + Long.toHexString(size) + " bytes for slot " + slot);
        }
    }

    private void restore(int slot, MemorySlot old, MemorySegment previous) {
        if (old != null) {
            memory.addRam(regionName(slot), old.guestPhys(), old.size()).copyFrom(previous);
        }
    }

    private static long hostMemorySize() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Long.MAX_VALUE;
    }

    private static String regionName(int slot) {
        return "memslot-" + slot;
    }

    /** The memory slots by slot number. */
    public synchronized List<MemorySlot> memorySlots() {
        return List.copyOf(slots.values());
    }

    /** Writes back the pages that differ, so translations of unchanged code survive a restore. */
    private void restorePages(Region r, byte[] saved) {
        MemorySegment copy = MemorySegment.ofArray(saved);
        for (long off = 0; off < r.size(); off += GuestMemoryMap.PAGE_SIZE) {
            long n = Math.min(GuestMemoryMap.PAGE_SIZE, r.size() - off);
            if (MemorySegment.mismatch(r.ram(), off, off + n, copy, off, off + n) >= 0) {
                memory.writeBytes(r.base() + off, Arrays.copyOfRange(saved, (int) off, (int) (off + n)));
            }
        }
    }

    // ---- devices ----

    /**
     * KVM_CREATE_DEVICE by KVM_DEV_TYPE_* number. With {@code testOnly} (KVM_CREATE_DEVICE_TEST) it only
     * checks that the type exists and creates nothing: the result is empty. ENODEV: unknown type. For a vGIC:
     * EEXIST if one of the same version exists; EINVAL if one of the other version exists (what the seed's
     * vgic_init test expects; current kernels give EEXIST for both and the current test accepts either);
     * EBUSY once a vCPU has run; E2BIG with more vCPUs than the version supports (8 for GICv2).
     */
    public synchronized Optional<Device> createDevice(int type, boolean testOnly) {
        checkOpen();
        DeviceType t = DeviceType.of(type);
        if (t == null) {
            throw new KvmException(ENODEV, "no device type " + type);
        }
        if (testOnly) {
            return Optional.empty();
        }
        Device device = switch (t) {
            case ARM_VGIC_V2, ARM_VGIC_V3 -> createVgic(t);
            case KVM_VFIO -> {
                if (kvmVfio != null) {
                    throw new KvmException(EBUSY, "the VM already has a KVM-VFIO device");
                }
                kvmVfio = new KvmVfioDevice(this, this);
                yield kvmVfio;
            }
            case ARM_VGIC_ITS -> {
                hasIts = true;
                yield new ItsDevice(this);
            }
        };
        devices.add(device);
        return Optional.of(device);
    }

    /** KVM_CREATE_DEVICE of a known type. */
    public Device createDevice(DeviceType type) {
        checkPointer(type, "device type");
        return createDevice(type.number(), false).orElseThrow();
    }

    private VgicDevice createVgic(DeviceType t) {
        if (vgic != null) {
            if (vgic.type() == t) {
                throw new KvmException(EEXIST, "the VM already has a " + t);
            }
            throw new KvmException(EINVAL, "the VM already has a " + vgic.type() + "; cannot add a " + t);
        }
        for (Vcpu v : vcpus) {
            if (v.hasRun()) {
                throw new KvmException(EBUSY, "vCPU " + v.id() + " has already run");
            }
        }
        int limit = t == DeviceType.ARM_VGIC_V2 ? GICV2_MAX_VCPUS : MAX_VCPUS;
        if (vcpus.size() > limit) {
            throw new KvmException(E2BIG, "a " + t + " supports " + limit + " vCPUs, the VM has " + vcpus.size());
        }
        maxVcpus = limit;
        vgic = t == DeviceType.ARM_VGIC_V2 ? new VgicV2Device(this) : new VgicV3Device(this);
        return vgic;
    }

    /** The devices created, in creation order. */
    public synchronized List<Device> devices() {
        return List.copyOf(devices);
    }

    /** The vGIC, if one was created. */
    public synchronized Optional<VgicDevice> vgic() {
        return Optional.ofNullable(vgic);
    }

    // ---- interrupt lines (IrqChip) ----

    /** {@inheritDoc} ENXIO until a vGIC whose model takes SPIs is initialised. */
    @Override
    public void irqLine(int intid, boolean level) {
        irqChip().irqLine(intid, level);
    }

    /** {@inheritDoc} ENXIO until a vGIC whose model takes SPIs is initialised. */
    @Override
    public void setResampler(int intid, Runnable resampler) {
        irqChip().setResampler(intid, resampler);
    }

    /** {@inheritDoc} ENXIO until a vGIC whose model takes SPIs is initialised. */
    @Override
    public IrqForwarding forwardingFor(int intid) {
        return irqChip().forwardingFor(intid);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** The vGIC's interrupt lines, built on first use; ENXIO without an initialised vGIC whose model has them. */
    private GicIrqChip irqChip() {
        checkOpen();
        GicIrqChip c = chip;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            checkOpen();
            if (chip == null) {
                IrqForwarding r = vgic == null || !vgic.isInitialized() ? null : vgic.model().irqForwarding();
                if (r == null) {
                    throw new KvmException(ENXIO, "no initialised vGIC that takes SPIs");
                }
                chip = new GicIrqChip(r, vgic.spiCount());
            }
            return chip;
        }
    }

    // ---- for devices and vCPUs ----

    List<Vcpu> vcpuList() {
        return vcpus;
    }

    VgicModelFactory modelFactory() {
        return modelFactory;
    }

    boolean hasIts() {
        return hasIts;
    }

    /**
     * A vCPU's reset gave it {@code fresh} in place of {@code previous}: the vGIC's wiring (once the vGIC is
     * initialised; its creation connects the Cpus the vCPUs have then), the VMM's, then the hooks'
     * instrumentation (last, so it keeps the VMM's exception hook, e.g. a board's PSCI firmware, behind its
     * own). Called with the vCPU's lock held and after the vCPU's Cpu was replaced, so a concurrent vGIC
     * initialisation sees either this Cpu or a model to connect it to.
     */
    void attach(Vcpu vcpu, Cpu fresh, Cpu previous) {
        VgicModel model;
        synchronized (this) {
            model = vgic == null ? null : vgic.modelOrNull();
        }
        if (model != null) {
            model.connect(vcpu.index(), fresh, previous);
        }
        wiring.attach(vcpu, fresh, previous);
        hooks.replace(previous, fresh);
    }

    /** KVM's first-run work for a vCPU (kvm_arch_vcpu_run_pid_change): map the vGIC's resources. */
    synchronized void firstRun() {
        checkOpen();
        if (vgic != null) {
            vgic.mapResources();
        }
        started = true;
    }

    @Override
    public void checkOpen() {
        if (closed) {
            throw new KvmException(EBADF, "the VM is closed");
        }
    }

    /** A null argument is the Java analogue of a bad userspace pointer. */
    static void checkPointer(Object arg, String what) {
        if (arg == null) {
            throw new KvmException(EFAULT, what + " is null");
        }
    }

    /**
     * Destroys the VM: stops its vCPUs, unforwards every forwarded IRQ (returning the host interrupts and the
     * references on their devices), closes the GIC model and frees guest RAM. Every later call on the VM,
     * its vCPUs or devices fails with EBADF. Call it once the vCPU threads have returned from {@link Vcpu#run}.
     *
     * <p>Guest RAM is freed only once no vCPU can touch it: vCPU soft TLBs hold raw host addresses of RAM (see
     * {@link dev.armature.arch.aarch64.CpuMemory}), so freeing it under a running vCPU would crash the host
     * process rather than raise an error. This call therefore waits for every vCPU call in progress (each holds
     * its vCPU's lock, and the stop request above ends a run); called from a hook inside a vCPU's run, it
     * leaves the freeing to the end of that run.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Vcpu v : vcpus) {
                v.requestExit();
            }
            if (kvmVfio != null) {
                kvmVfio.unforwardAll();
            }
            if (chip != null) {
                chip.close();
            }
            if (vgic != null) {
                vgic.close();
            }
        }
        for (Vcpu v : vcpus) {
            if (Thread.holdsLock(v)) {
                freeRamAfter = v; // closed from inside this vCPU's call: it frees RAM on return
                return;
            }
        }
        for (Vcpu v : vcpus) {
            waitForRunEnd(v);
        }
        memory.close();
    }

    /** Returns once no call of {@code v} is in progress: runs hold the vCPU's lock throughout. */
    private static void waitForRunEnd(Vcpu v) {
        synchronized (v) {
            // acquiring the lock is the wait
        }
    }

    /** A run of {@code v} ends (its lock still held): frees RAM if the VM was closed from inside it. */
    void vcpuCallEnded(Vcpu v) {
        if (freeRamAfter == v) {
            freeRamAfter = null;
            for (Vcpu other : vcpus) {
                if (other != v) {
                    waitForRunEnd(other);
                }
            }
            memory.close();
        }
    }
}
