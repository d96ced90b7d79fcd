package dev.armature.vm;

import dev.armature.accel.Accelerator;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.arch.aarch64.ExecutionProbe;
import dev.armature.arch.aarch64.MemoryObserver;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.arch.aarch64.SysRegObserver;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A VM's hooks, and the instrumentation that calls them: it is the {@link ExecutionProbe} (code, block and fetch
 * hooks, and the vCPUs' end addresses), {@link MemoryObserver} (data hooks), {@link SysRegObserver} and
 * {@link ExceptionHook} (fault, invalid-instruction and exception hooks) installed in every vCPU that needs it.
 * Each of those is installed only while a hook of its kind exists, so execution without hooks runs exactly as
 * before; changing code, block or fetch hooks makes the accelerator drop its translations.
 *
 * <p>Locking: hooks change under the VM's lock, only while no vCPU runs or from a callback of a running vCPU (the
 * VM checks); the hook arrays are replaced, never modified, so vCPU threads read them without locking. End
 * addresses may be added while other vCPUs run (see {@link #addEndAddress}). A vCPU running on another thread
 * when the instrumentation changes installs its own at its next block boundary ({@link #reinstallLater}).
 *
 * <p>A change made from a callback is not applied at once: it waits in {@link #pending} and the vCPU is asked to
 * leave its run loop ({@link Cpu#EXIT_REINSTRUMENT}), which both executors do at the same points — at the end of
 * the block, or before the next probe call (which then reports nothing) — so that under either the rest of the
 * block runs with the instrumentation it started with. {@link Vcpu} then calls {@link #applyPending} and resumes.
 */
final class HookRegistry implements ExecutionProbe, MemoryObserver, SysRegObserver, ExceptionHook {
    /** One installed hook: its callback, the inclusive virtual address range it covers, and its kinds. */
    static final class Entry<T> {
        private final T hook;
        private final long begin;
        private final long end;
        private final Set<MemoryHook.Access> kinds;
        /** Removed: no longer called, even while a deferred removal waits to change the arrays. */
        private volatile boolean removed;

        Entry(T hook, long begin, long end, Set<MemoryHook.Access> kinds) {
            this.hook = hook;
            this.begin = begin;
            this.end = end;
            this.kinds = kinds;
        }

        T hook() {
            return hook;
        }

        long begin() {
            return begin;
        }

        Set<MemoryHook.Access> kinds() {
            return kinds;
        }

        /** Whether {@code va} is in the range (what instrumentation follows). */
        boolean covers(long va) {
            return Long.compareUnsigned(va - begin, end - begin) <= 0;
        }

        /** Whether the hook is to be called for {@code va}. */
        boolean calls(long va) {
            return !removed && covers(va);
        }
    }

    private static final Entry<?>[] NONE = new Entry<?>[0];

    /** The VM's accelerator (replaced by {@link #useAccelerator} before any vCPU runs). Under this lock. */
    private Accelerator accelerator;
    private final Vm vm;
    private volatile Entry<CodeHook>[] code = none();
    private volatile Entry<BlockHook>[] block = none();
    private volatile Entry<MemoryHook>[] memory = none();
    private volatile Entry<FaultHook>[] fault = none();
    private volatile Entry<InvalidInstructionHook>[] invalid = none();
    private volatile Entry<InterruptHook>[] exception = none();
    private volatile Entry<SysRegHook>[] sysreg = none();
    /** Addresses some vCPU's run ended at: instrumented from then on, so later runs do not re-translate. */
    private volatile long[] endAddresses = new long[0];
    /** Whether fetch hooks exist (instrumented per instruction, like code hooks). */
    private volatile boolean fetch;
    private boolean probing;
    /** Changes made from callbacks, in order, for {@link #applyPending}. Under the VM's lock. */
    private final List<Runnable> pending = new ArrayList<>();
    /**
     * vCPUs that ran on other threads when the instrumentation changed: each installs its own at its next block
     * boundary ({@link #applyPending}), since a Cpu's TLB may only be flushed by its thread. Under this lock.
     */
    private final List<Cpu> reinstallLater = new ArrayList<>();
    /** Whether {@link #pending} or {@link #reinstallLater} holds work (read without a lock after every run). */
    private volatile boolean hasPending;
    /** The VM's vCPUs (guarded by this registry's lock). */
    private final List<Cpu> cpus = new ArrayList<>();
    /**
     * The exception hook each vCPU had from its VMM when attached (a board's PSCI firmware; absent for none):
     * kept behind the registry's own, so hooks on a board's VM do not take the firmware away. Under this lock.
     */
    private final Map<Cpu, ExceptionHook> vmmHooks = new IdentityHashMap<>();

    HookRegistry(Vm vm, Accelerator accelerator) {
        this.vm = vm;
        this.accelerator = accelerator;
    }

    @SuppressWarnings("unchecked")
    private static <T> Entry<T>[] none() {
        return (Entry<T>[]) NONE;
    }

    // ---- registration (VM lock held; no vCPU running, or only the caller's) ----

    /**
     * Installs a hook: at once, or, from a callback of the running vCPU {@code caller}, at its next block boundary.
     */
    Hook add(Object hook, long begin, long end, Set<MemoryHook.Access> kinds, Vcpu caller) {
        if (!(hook instanceof CodeHook || hook instanceof BlockHook || hook instanceof MemoryHook
                || hook instanceof FaultHook || hook instanceof InvalidInstructionHook || hook instanceof InterruptHook
                || hook instanceof SysRegHook)) {
            throw new IllegalArgumentException("not a hook: " + hook);
        }
        Entry<Object> e = new Entry<>(hook, begin, end, kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds));
        change(caller, () -> insert(e));
        return new Hook(this, e);
    }

    /** Uninstalls a hook (as {@link #add} installs one); nothing if it is not installed. */
    void remove(Entry<?> e) {
        synchronized (vm) {
            Vcpu caller = vm.hookChanger("remove a hook");
            e.removed = true;
            change(caller, () -> delete(e));
        }
    }

    private void change(Vcpu caller, Runnable change) {
        if (caller == null) {
            change.run();
            return;
        }
        pending.add(change);
        hasPending = true;
        caller.cpu().requestExit(Cpu.EXIT_REINSTRUMENT);
    }

    /**
     * On {@code own}'s thread, between blocks or after its run: applies the changes callbacks made, in order, and
     * installs what the hooks need into {@code own} if a change made on another thread left that to it.
     */
    void applyPending(Cpu own) {
        if (!hasPending) {
            return;
        }
        synchronized (vm) {
            List<Runnable> changes = List.copyOf(pending);
            pending.clear();
            changes.forEach(Runnable::run);
            synchronized (this) {
                if (reinstallLater.removeIf(c -> c == own)) {
                    install(own);
                }
                hasPending = !pending.isEmpty() || !reinstallLater.isEmpty();
            }
        }
    }

    private void insert(Entry<Object> e) {
        switch (e.hook()) {
            case CodeHook h -> code = append(code, cast(e));
            case BlockHook h -> block = append(block, cast(e));
            case MemoryHook h -> memory = append(memory, cast(e));
            case FaultHook h -> fault = append(fault, cast(e));
            case InvalidInstructionHook h -> invalid = append(invalid, cast(e));
            case InterruptHook h -> exception = append(exception, cast(e));
            case SysRegHook h -> sysreg = append(sysreg, cast(e));
            default -> throw new IllegalArgumentException("not a hook: " + e.hook());
        }
        reinstall(retranslates(e));
    }

    private void delete(Entry<?> e) {
        code = without(code, e);
        block = without(block, e);
        memory = without(memory, e);
        fault = without(fault, e);
        invalid = without(invalid, e);
        exception = without(exception, e);
        sysreg = without(sysreg, e);
        reinstall(retranslates(e));
    }

    /** Whether installing or removing {@code e} changes what translations must call. */
    private static boolean retranslates(Entry<?> e) {
        return e.hook() instanceof CodeHook || e.hook() instanceof BlockHook
                || e.kinds().contains(MemoryHook.Access.FETCH);
    }

    /**
     * Instruments {@code va} as an end address (Vcpu.start's {@code until}); other vCPUs may be running: they
     * only see a probe call that does nothing for them.
     */
    synchronized void addEndAddress(long va) {
        long[] old = endAddresses;
        for (long a : old) {
            if (a == va) {
                return;
            }
        }
        long[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = va;
        endAddresses = grown;
        reinstall(true);
    }

    /** Installs the instrumentation the current hooks need into every vCPU (and a new one). */
    synchronized void reinstall(boolean retranslate) {
        boolean fetchNow = false;
        for (Entry<MemoryHook> e : memory) {
            fetchNow |= e.kinds().contains(MemoryHook.Access.FETCH);
        }
        fetch = fetchNow;
        boolean probe = code.length > 0 || block.length > 0 || fetchNow || endAddresses.length > 0;
        probing = probe;
        for (Cpu cpu : cpus) {
            Vcpu v = vm.vcpuOf(cpu);
            if (v != null && v.isRunning() && !v.runsOnThisThread()) {
                if (!reinstallLater.contains(cpu)) {
                    reinstallLater.add(cpu);
                }
                hasPending = true;
                cpu.requestExit(Cpu.EXIT_REINSTRUMENT);
            } else {
                install(cpu);
            }
        }
        if (retranslate) {
            accelerator.instrument(probe ? this : null);
        }
    }

    /**
     * The VM now executes with {@code fresh} (Vm.useAccelerator, before any vCPU ran): it gets the probe if
     * hooks or end addresses need one, so its translations carry the calls from the first.
     */
    synchronized void useAccelerator(Accelerator fresh) {
        accelerator = fresh;
        fresh.instrument(probing ? this : null);
    }

    /** Registers a new vCPU and installs what the current hooks need into it. */
    synchronized void attach(Cpu cpu) {
        reinstallLater.removeIf(c -> c == cpu);
        cpus.add(cpu);
        if (cpu.exceptionHook != null) {
            vmmHooks.put(cpu, cpu.exceptionHook);
        }
        install(cpu);
    }

    /** A vCPU's reset replaced its Cpu (and its VMM wired the new one): instrument the new one instead. */
    synchronized void replace(Cpu previous, Cpu fresh) {
        cpus.removeIf(c -> c == previous);
        reinstallLater.removeIf(c -> c == previous);
        vmmHooks.remove(previous);
        attach(fresh);
    }

    private void install(Cpu cpu) {
        boolean data = false;
        for (Entry<MemoryHook> e : memory) {
            data |= e.kinds().size() > (e.kinds().contains(MemoryHook.Access.FETCH) ? 1 : 0);
        }
        cpu.probe = probing ? this : null;
        cpu.memory.setObserver(data ? this : null);
        cpu.sys.observer = sysreg.length > 0 ? this : null;
        ExceptionHook vmmHook = vmmHooks.get(cpu);
        boolean mine = fault.length > 0 || invalid.length > 0 || exception.length > 0;
        cpu.exceptionHook = !mine ? vmmHook : vmmHook == null ? this : new Chain(this, vmmHook);
    }

    // ---- ExecutionProbe ----

    @Override
    public boolean instrumentsBlocks() {
        return block.length > 0;
    }

    @Override
    public boolean instrumentsCode(long va) {
        for (long a : endAddresses) {
            if (a == va) {
                return true;
            }
        }
        for (Entry<CodeHook> e : code) {
            if (e.covers(va)) {
                return true;
            }
        }
        if (fetch) {
            for (Entry<MemoryHook> e : memory) {
                if (e.kinds().contains(MemoryHook.Access.FETCH) && e.covers(va)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public long nextInstrumented(long va) {
        long best = -1;
        for (long a : endAddresses) {
            if (Long.compareUnsigned(a, va) >= 0 && Long.compareUnsigned(a, best) < 0) {
                best = a;
            }
        }
        for (Entry<CodeHook> e : code) {
            best = nearer(e, va, best);
        }
        if (fetch) {
            for (Entry<MemoryHook> e : memory) {
                if (e.kinds().contains(MemoryHook.Access.FETCH)) {
                    best = nearer(e, va, best);
                }
            }
        }
        return best;
    }

    /** The lower of {@code best} and the first address at or above {@code va} that {@code e} covers. */
    private static long nearer(Entry<?> e, long va, long best) {
        long first = e.covers(va) ? va : e.begin();
        if (Long.compareUnsigned(first, va) >= 0 && Long.compareUnsigned(first, best) < 0
                && e.covers(first)) {
            return first;
        }
        return best;
    }

    @Override
    public boolean beforeBlock(Cpu cpu, long va, int insns) {
        if (reinstrumenting(cpu)) {
            return true;
        }
        Vcpu v = vm.vcpuOf(cpu);
        for (Entry<BlockHook> e : block) {
            if (e.calls(va)) {
                e.hook().onBlock(v, va, insns);
            }
        }
        return stopRequested(cpu);
    }

    @Override
    public boolean stopsAt(Cpu cpu, long va) {
        return reinstrumenting(cpu) || vm.vcpuOf(cpu).reachedEnd(va);
    }

    @Override
    public boolean beforeInsn(Cpu cpu, long va, int word) {
        if (reinstrumenting(cpu)) {
            return true;
        }
        Vcpu v = vm.vcpuOf(cpu);
        if (v.reachedEnd(va)) {
            return true;
        }
        for (Entry<CodeHook> e : code) {
            if (e.calls(va)) {
                e.hook().onInstruction(v, va, word);
            }
        }
        if (fetch) {
            for (Entry<MemoryHook> e : memory) {
                if (e.kinds().contains(MemoryHook.Access.FETCH) && e.calls(va)) {
                    e.hook().onAccess(v, MemoryHook.Access.FETCH, va, 4, word & 0xffff_ffffL);
                }
            }
        }
        return stopRequested(cpu);
    }

    /**
     * A callback changed hooks: stop before this block or instruction, reporting nothing, so that the vCPU applies
     * the change and resumes here with it (the same point under both executors).
     */
    private static boolean reinstrumenting(Cpu cpu) {
        return (cpu.exitRequest & Cpu.EXIT_REINSTRUMENT) != 0;
    }

    private static boolean stopRequested(Cpu cpu) {
        return (cpu.exitRequest & Cpu.EXIT_STOP) != 0;
    }

    // ---- MemoryObserver ----

    @Override
    public void before(Cpu cpu, int kind, long va, int size, long value) {
        report(cpu, kind == CpuMemory.WRITE ? MemoryHook.Access.WRITE : MemoryHook.Access.READ, va, size, value);
    }

    @Override
    public void after(Cpu cpu, int kind, long va, int size, long value) {
        report(cpu, kind == CpuMemory.WRITE ? MemoryHook.Access.WRITE_AFTER : MemoryHook.Access.READ_AFTER, va, size,
                value);
    }

    private void report(Cpu cpu, MemoryHook.Access access, long va, int size, long value) {
        Vcpu v = null;
        for (Entry<MemoryHook> e : memory) {
            if (e.kinds().contains(access) && e.calls(va)) {
                if (v == null) {
                    v = vm.vcpuOf(cpu);
                }
                e.hook().onAccess(v, access, va, size, value);
            }
        }
    }

    // ---- SysRegObserver ----

    @Override
    public void accessed(Cpu cpu, int key, boolean read, long value) {
        Vcpu v = vm.vcpuOf(cpu);
        Reg reg = Reg.sysreg(key);
        for (Entry<SysRegHook> e : sysreg) {
            if (!e.removed) {
                e.hook().onAccess(v, reg, read, value);
            }
        }
    }

    // ---- ExceptionHook ----

    @Override
    public boolean handle(Cpu cpu, SyncException e) {
        Vcpu v = vm.vcpuOf(cpu);
        long esr = (long) e.ec << 26 | Esr.IL | (e.iss & 0x1ff_ffff);
        HookAction action = HookAction.DELIVER;
        Fault f = fault(e, esr, cpu.memory.faultSize());
        if (f != null) {
            for (Entry<FaultHook> h : fault) {
                if (h.calls(f.address()) && (action = h.hook().onFault(v, f)) != HookAction.DELIVER) {
                    break;
                }
            }
        } else if (e.ec == Esr.EC_UNKNOWN && invalid.length > 0) {
            int word;
            try {
                word = cpu.memory.fetch(e.preferredReturn);
            } catch (SyncException again) {
                word = 0;
            }
            for (Entry<InvalidInstructionHook> h : invalid) {
                if (h.calls(e.preferredReturn)
                        && (action = h.hook().onInvalidInstruction(v, e.preferredReturn, word)) != HookAction.DELIVER) {
                    break;
                }
            }
        }
        if (action == HookAction.DELIVER) {
            action = exception(v, new ExceptionEvent(0, e.preferredReturn, esr, e.far, e.farValid));
        }
        return apply(cpu, action);
    }

    @Override
    public boolean handleInterrupt(Cpu cpu, int vector) {
        return apply(cpu, exception(vm.vcpuOf(cpu), new ExceptionEvent(vector, cpu.pc, 0, 0, false)));
    }

    /** The registry's hooks first; what they deliver goes to the VMM's hook (the firmware) before the guest. */
    private record Chain(ExceptionHook first, ExceptionHook then) implements ExceptionHook {
        @Override
        public boolean handle(Cpu cpu, SyncException e) {
            return first.handle(cpu, e) || then.handle(cpu, e);
        }

        @Override
        public boolean handleInterrupt(Cpu cpu, int vector) {
            return first.handleInterrupt(cpu, vector) || then.handleInterrupt(cpu, vector);
        }
    }

    private HookAction exception(Vcpu v, ExceptionEvent event) {
        for (Entry<InterruptHook> h : exception) {
            if (h.calls(event.pc())) {
                HookAction a = h.hook().onException(v, event);
                if (a != HookAction.DELIVER) {
                    return a;
                }
            }
        }
        return HookAction.DELIVER;
    }

    private static boolean apply(Cpu cpu, HookAction action) {
        return switch (action) {
            case DELIVER -> false;
            case RESUME -> true;
            case STOP -> {
                cpu.requestExit(Cpu.EXIT_STOP);
                yield true;
            }
        };
    }

    /** The fault a data or instruction abort reports, or null for other exceptions. */
    private static Fault fault(SyncException e, long esr, int size) {
        MemoryHook.Access access;
        switch (e.ec) {
            case Esr.EC_IABT_LOWER, Esr.EC_IABT_SAME -> access = MemoryHook.Access.FETCH;
            case Esr.EC_DABT_LOWER, Esr.EC_DABT_SAME ->
                    access = (e.iss & Esr.ISS_WNR) != 0 ? MemoryHook.Access.WRITE : MemoryHook.Access.READ;
            default -> {
                return null;
            }
        }
        int fsc = e.iss & 0x3f;
        Fault.Kind kind;
        if (fsc == Esr.FSC_ALIGNMENT) {
            kind = Fault.Kind.ALIGNMENT;
        } else if (fsc >= Esr.FSC_ACCESS_FLAG_L0 && fsc < Esr.FSC_SYNC_EXTERNAL) {
            kind = Fault.Kind.PROTECTION; // access flag and permission faults
        } else {
            kind = Fault.Kind.UNMAPPED; // address size, translation, external aborts
        }
        return new Fault(kind, access, e.far, access == MemoryHook.Access.FETCH ? 4 : size, e.preferredReturn, esr);
    }

    private static <T> Entry<T>[] append(Entry<T>[] array, Entry<T> e) {
        Entry<T>[] grown = Arrays.copyOf(array, array.length + 1);
        grown[array.length] = e;
        return grown;
    }

    @SuppressWarnings("unchecked")
    private static <T> Entry<T>[] without(Entry<T>[] array, Entry<?> e) {
        List<Entry<T>> list = new ArrayList<>(Arrays.asList(array));
        list.removeIf(x -> x == e);
        return list.toArray((Entry<T>[]) NONE);
    }

    @SuppressWarnings("unchecked")
    private static <T> Entry<T> cast(Entry<Object> e) {
        return (Entry<T>) (Entry<?>) e;
    }
}
