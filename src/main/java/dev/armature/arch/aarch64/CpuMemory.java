package dev.armature.arch.aarch64;

import dev.armature.memory.BusError;
import dev.armature.memory.CodePages;
import dev.armature.memory.HostRam;
import dev.armature.memory.PhysicalMemory;
import dev.armature.memory.Region;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A vCPU's view of memory: virtual addresses through the current translation regime ({@link Mmu}) to the guest
 * physical address space, with a software TLB for RAM pages (like QEMU's softmmu TLB).
 *
 * <p>TLB rules. Entries cache VA page → host address of the RAM page, one direct-mapped table per access kind (read,
 * write, fetch) and per permission context (EL0, EL1, EL2), filled only when the walk allowed that access at that
 * EL. So an EL change just selects other tables; nothing is flushed. The EL1&amp;0 regime's tables come in
 * {@value #BANKS} banks, one per recently used ASID (least recently used reused): a TTBR write that changes the
 * ASID selects its bank ({@link #asidChanged}), one that changes only the table base drops nothing, as entries
 * are tagged with the ASID, not the base. A bank holds global entries and its own ASID's non-global ones. Each
 * entry remembers its ASID (or global) and the size of the mapping it came from, so TLBI by ASID or VA is
 * precise. Entries are dropped on TLBI, on writes that change SCTLR/TCR/MAIR and on physical map changes (the
 * board calls {@link #flushTlb}). MMIO pages are never cached.
 *
 * <p>Cross-vCPU invalidation (TLBI ...IS). Another thread never touches these tables. It calls
 * {@link #requestInvalidation} (the issuer's operation: by VA, ASID, regime, or all), which queues it, bumps a
 * request counter and raises {@link Cpu#EXIT_TLB_FLUSH}; the owner runs {@link #serviceFlushRequests()} at its
 * next instruction boundary (the run loop's exit-request check), at run-loop entry and on every TLB miss, performs
 * the queued operations and then publishes the count it has served. The requester waits until that count
 * reaches its ticket or the target is not executing (see {@link TlbShootdown}), so the TLBI completes only when no
 * other vCPU can still use a stale entry.
 *
 * <p>Host addresses. A hit is a tag compare, an add and one plain access through {@link HostRam} (no arena
 * liveness or per-region bounds check). The address must stay mapped while an entry holds it, which the owners
 * of RAM backing guarantee ({@link PhysicalMemory}: its arena is freed when the VM is closed after its vCPU threads
 * stopped). For caller-owned backing that the garbage collector frees (Linux user mode), each entry also keeps a
 * reference to its page's backing segment ({@code owners}, never read on the hit path): the memory cannot be
 * freed while any entry, valid or already dropped, still names it. Owners are replaced only when their slot is
 * refilled, never on flushes, so an address obtained from an entry (an interpreted block's page from
 * {@link #fetchPage}, an atomic's location) stays mapped while it is used even if a flush request is served in
 * between; the cost is that unmapped user memory goes back to the host only once its slots are reused.
 *
 * <p>Atomics: exclusives and LSE atomics use {@link #compareAndExchange} and friends, which operate directly on
 * guest RAM with host compare-and-swap, so they are atomic against every other vCPU thread. They are
 * defined for RAM only: an atomic access to MMIO (or unmapped space) is a synchronous external abort.
 *
 * <p>Translated code. Pages holding translated code ({@link CodePages}) never keep a WRITE entry, so every write
 * to them (atomics included) takes the slow path, which reports it to the translator. This is the one exception
 * to "another thread never touches these tables": when the translator marks a page as code, it clears matching
 * WRITE tags of every vCPU's tables itself ({@link #dropWritable}, volatile, paired with a re-check in
 * {@link #fill}), then waits until every executing vCPU has passed an instruction boundary
 * ({@link #requestBarrier}, served with the flush requests), so a store that passed its WRITE check before the
 * drop has landed before the translator reads the page (see {@link CodePages}).
 */
public final class CpuMemory implements CodePages.WritableMappings {
    public static final int READ = 0;
    public static final int WRITE = 1;
    public static final int FETCH = 2;

    private static final int PAGE_BITS = 12;
    private static final long PAGE_SIZE = 1L << PAGE_BITS;
    private static final long PAGE_MASK = PAGE_SIZE - 1;
    private static final int TLB_SIZE = 256;
    /** ASID banks of the EL1&amp;0 regime: TLBs of that many ASIDs stay cached across context switches. */
    static final int BANKS = 8;
    /** Tables per bank: permission contexts EL0 and EL1, times the three access kinds. */
    private static final int BANK_TABLES = 6;
    /** The EL2 regime's three tables follow the banks' (EL2 has no ASID). */
    private static final int EL2_TABLES = BANKS * BANK_TABLES;
    private static final int TABLES = EL2_TABLES + 3;
    private static final int GLOBAL = -1;
    /** TLBI VA operands hold VA[55:12]: compare that many page-number bits. */
    private static final long TLBI_PAGE_MASK = (1L << 44) - 1;

    /** Serialises 128-bit atomics (LDXP/STXP/CASP of X pairs), which no host CAS covers; striped by address. */
    private static final Object[] PAIR_LOCKS = new Object[64];

    static {
        for (int i = 0; i < PAIR_LOCKS.length; i++) {
            PAIR_LOCKS[i] = new Object();
        }
    }

    private final PhysicalMemory phys;
    private Cpu cpu;
    private final Mmu mmu = new Mmu();

    // Tables indexed [table][VA page & (TLB_SIZE - 1)] (see tableOf); tag = VA page number + 1 (0 = empty).
    private final long[][] tags = new long[TABLES][TLB_SIZE];
    /** Host address of the page's first byte. */
    private final long[][] hosts = new long[TABLES][TLB_SIZE];
    /** The segment backing the entry's page: keeps caller-owned RAM mapped while the entry exists (see above). */
    private final MemorySegment[][] owners = new MemorySegment[TABLES][TLB_SIZE];
    private final int[][] asids = new int[TABLES][TLB_SIZE];
    private final byte[][] spans = new byte[TABLES][TLB_SIZE];
    /** Physical address of the entry's page (what {@link #translateFetch} answers from the fetch tables). */
    private final long[][] pagePas = new long[TABLES][TLB_SIZE];
    /** Whether a table holds an entry from a mapping larger than a page (TLBI by VA must then scan it). */
    private final boolean[] large = new boolean[TABLES];
    /** Whether a table may hold entries: flushes skip the others (a full flush has 51 tables to clear). */
    private final boolean[] filled = new boolean[TABLES];

    /** The ASID whose non-global entries each bank holds; a bank's global entries are copies valid in every bank. */
    private final int[] bankAsid = new int[BANKS];
    /** When each bank was last selected (bankClock ticks), to reuse the least recently used one. */
    private final long[] bankUsed = new long[BANKS];
    private long bankClock;
    /** The bank of the EL1&amp;0 regime's current ASID. */
    private int bank;

    // The current EL's tables, for the fast paths; set = the EL whose permissions apply (0, 1, 2).
    private int set = 1;
    private long[] readTag;
    private long[] readHost;
    private long[] writeTag;
    private long[] writeHost;
    private long[] fetchTag;
    private long[] fetchHost;
    private long[] fetchPa;

    private final AtomicLong flushRequested = new AtomicLong();
    /** Invalidations other vCPUs requested and this one has not performed yet (guarded by itself). */
    private final List<TlbInvalidation> pending = new ArrayList<>();
    private static final int MAX_PENDING = 32;
    private volatile long flushServed;
    private final AtomicLong barrierRequested = new AtomicLong();
    private volatile long barrierServed;

    /** Result of locateAtomic: the host address of the location. */
    private long atomicAddress;
    /**
     * The backing of the last atomic that missed the TLB, kept reachable while the access uses its address (it may
     * not have been cached, and another thread may unmap it meanwhile).
     */
    private MemorySegment atomicOwner;
    /** High 64 bits of the last 128-bit atomic's result. */
    private long pairHigh;

    /** Debugger watchpoints (null when none): see {@link #setWatch}. */
    private AccessWatch watch;
    /** The embedding API's memory hooks (null when none): see {@link #setObserver}. */
    private MemoryObserver observer;
    /** Size of the access that took the slow path last, or that failed an alignment check: see {@link #faultSize}. */
    private int faultSize;

    public CpuMemory(PhysicalMemory phys) {
        this.phys = phys;
        Arrays.fill(bankAsid, GLOBAL); // free: no ASID
        bankAsid[0] = 0; // TTBRs reset to ASID 0
        bankUsed[0] = ++bankClock;
        selectSet(1);
        phys.codePages().addWritableMappings(this);
    }

    void attach(Cpu owner) {
        this.cpu = owner;
        selectSet(Math.min(owner.el, 2));
    }

    public PhysicalMemory physical() {
        return phys;
    }

    public Mmu mmu() {
        return mmu;
    }

    /**
     * Installs (or with null removes) the debugger's watchpoint observer. Installing drops every cached
     * translation and stops caching new ones, so each data access reaches the observer. Owner thread only.
     */
    public void setWatch(AccessWatch w) {
        if (w != watch) {
            watch = w;
            flushTlb();
        }
    }

    /**
     * Installs (or with null removes) an observer of data accesses with their values. Like a watch, it drops
     * every cached translation and stops caching data ones while installed. Owner thread, or while not running.
     */
    public void setObserver(MemoryObserver o) {
        if (o != observer) {
            observer = o;
            flushTlb();
        }
    }

    // ---- what atomic and exclusive accesses report to the observer ----
    //
    // Their semantics (LoadStoreExclusive, AtomicMemory, CompareAndSwap*) call these around the atomic operations
    // below, which report nothing themselves: only the instruction knows whether it reads, whether its store
    // happened, and which value is the final one of a retried read-modify-write. Each is one field test without
    // an observer. A 16-byte access is reported as two 8-byte halves, low address first, so values are whole.

    /**
     * Before an atomic read-modify-write (LDADD, SWP, CAS, CASP) or a 16-byte exclusive load reads {@code size}
     * bytes at {@code va} (8 of a 16-byte access), after its alignment check: a READ, before translation, so an
     * access that then faults reports it (and nothing more).
     */
    public void observeAtomicRead(long va, int size) {
        MemoryObserver o = observer;
        if (o != null) {
            o.before(cpu, READ, va, Math.min(size, 8), 0);
        }
    }

    /**
     * After an atomic read-modify-write of {@code size} (at most 8) bytes at {@code va} read {@code old}: the
     * READ's after-event, then, if it stored {@code value}, a WRITE and its after-event (a failed compare stores
     * nothing).
     */
    public void observeAtomic(long va, int size, long old, boolean stored, long value) {
        MemoryObserver o = observer;
        if (o != null) {
            o.after(cpu, READ, va, size, old & sizeMask64(size));
            if (stored) {
                observeStore(o, va, size, value);
            }
        }
    }

    /**
     * After a 16-byte read-modify-write (CASP of X registers) or exclusive load (LDXP, LDAXP) at {@code va}
     * (whose low half's READ {@link #observeAtomicRead} reported) read {@code oldLow}/{@code oldHigh}: the low
     * half's after-event, the high half's READ and after-event, then, if it stored, the WRITE and after-event of
     * each half.
     */
    public void observeAtomicPair(long va, long oldLow, long oldHigh, boolean stored, long low, long high) {
        MemoryObserver o = observer;
        if (o != null) {
            o.after(cpu, READ, va, 8, oldLow);
            o.before(cpu, READ, va + 8, 8, 0);
            o.after(cpu, READ, va + 8, 8, oldHigh);
            if (stored) {
                observeStore(o, va, 8, low);
                observeStore(o, va + 8, 8, high);
            }
        }
    }

    /**
     * After a store-exclusive (STXR, STXP) stored {@code value} at {@code va}: a WRITE and its after-event, of
     * {@code size} bytes or, for 16, of each half ({@code high} is the upper one). One that failed reports nothing.
     */
    public void observeExclusiveStore(long va, int size, long value, long high) {
        MemoryObserver o = observer;
        if (o != null) {
            observeStore(o, va, Math.min(size, 8), value);
            if (size == 16) {
                observeStore(o, va + 8, 8, high);
            }
        }
    }

    private void observeStore(MemoryObserver o, long va, int size, long value) {
        long v = value & sizeMask64(size);
        o.before(cpu, WRITE, va, size, v);
        o.after(cpu, WRITE, va, size, v);
    }

    private static long sizeMask64(int size) {
        return size >= 8 ? -1L : (1L << (8 * size)) - 1;
    }

    /** The first table of permission context {@code s} (0, 1, 2) in the current bank; add the access kind. */
    private int tableOf(int s) {
        return s == 2 ? EL2_TABLES : bank * BANK_TABLES + s * 3;
    }

    private void selectSet(int s) {
        set = s;
        int b = tableOf(s);
        readTag = tags[b + READ];
        readHost = hosts[b + READ];
        writeTag = tags[b + WRITE];
        writeHost = hosts[b + WRITE];
        fetchTag = tags[b + FETCH];
        fetchHost = hosts[b + FETCH];
        fetchPa = pagePas[b + FETCH];
    }

    /** PSTATE.EL changed: use that EL's permission context. */
    void modeChanged() {
        selectSet(Math.min(cpu.el, 2));
    }

    /**
     * LDTR/STTR family: at EL1 the access is made with EL0 permissions (through the EL0 tables, so it is cached
     * too); at other ELs it is an ordinary access.
     */
    public long readUnprivileged(long va, int size) {
        if (cpu.el != 1) {
            return read(va, size);
        }
        selectSet(0);
        try {
            return read(va, size);
        } finally {
            selectSet(1);
        }
    }

    /** The store counterpart of {@link #readUnprivileged}. */
    public void writeUnprivileged(long va, int size, long value) {
        if (cpu.el != 1) {
            write(va, size, value);
            return;
        }
        selectSet(0);
        try {
            write(va, size, value);
        } finally {
            selectSet(1);
        }
    }

    // ---- invalidation (owner thread) ----

    /** Drops every cached translation. */
    public void flushTlb() {
        clearTables(0, TABLES);
    }

    /** Drops the EL1&amp;0 regime's entries, of every ASID (TLBI VMALLE1, ALLE1, VMALLS12E1). */
    public void flushEl10() {
        clearTables(0, EL2_TABLES);
    }

    /** Drops the EL2 regime's entries (TLBI ALLE2). */
    public void flushEl2() {
        clearTables(EL2_TABLES, TABLES);
    }

    private void clearTables(int from, int to) {
        for (int t = from; t < to; t++) {
            if (filled[t]) {
                Arrays.fill(tags[t], 0);
                large[t] = false;
                filled[t] = false;
            }
        }
    }

    /**
     * The EL1&amp;0 regime's ASID may have changed (TTBRn_EL1 or TCR_EL1 written, registers restored): selects
     * the bank of the ASID now in use, reusing the least recently used bank (emptied) if no bank holds it. No
     * entry of another ASID is dropped, so switching back finds them again, as a hardware TLB tagged with ASIDs.
     */
    void asidChanged() {
        int asid = currentAsid();
        if (bankAsid[bank] != asid) {
            int found = -1;
            int lru = 0;
            for (int b = 0; b < BANKS; b++) {
                if (bankAsid[b] == asid) {
                    found = b;
                }
                if (bankUsed[b] < bankUsed[lru]) {
                    lru = b;
                }
            }
            if (found < 0) {
                found = lru;
                clearTables(found * BANK_TABLES, (found + 1) * BANK_TABLES);
                bankAsid[found] = asid;
            }
            bank = found;
            selectSet(set);
        }
        bankUsed[bank] = ++bankClock;
    }

    /** The EL1&amp;0 regime's ASID: from TTBR1_EL1 if TCR_EL1.A1 is set, else TTBR0_EL1; 8 or 16 bits (TCR.AS). */
    private int currentAsid() {
        SysRegs s = cpu.sys;
        long ttbr = (s.tcrEl1 & (1L << 22)) != 0 ? s.ttbr1El1 : s.ttbr0El1;
        return (int) (ttbr >>> 48) & asidMask();
    }

    /** TLBI ASIDE1: non-global EL1&amp;0 entries of {@code asid}, which only that ASID's bank holds. */
    public void flushAsid(int asid) {
        int a = asid & asidMask();
        for (int b = 0; b < BANKS; b++) {
            if (bankAsid[b] == a) {
                flushMatching(b * BANK_TABLES, (b + 1) * BANK_TABLES, 0, false, true, a);
            }
        }
    }

    /**
     * TLBI VAE1/VALE1 ({@code asid} ≥ 0: that ASID's and global entries), VAAE1/VAALE1 ({@code asid} &lt; 0: all
     * ASIDs) for the page holding {@code va}; {@code el2}: TLBI VAE2/VALE2.
     */
    public void flushVa(long va, int asid, boolean el2) {
        int from = el2 ? EL2_TABLES : 0;
        int to = el2 ? TABLES : EL2_TABLES;
        int matchAsid = asid < 0 ? GLOBAL : asid & asidMask();
        long page = va >>> PAGE_BITS;
        int index = (int) page & (TLB_SIZE - 1);
        for (int t = from; t < to; t++) {
            if (!filled[t]) {
                continue;
            }
            if (large[t]) {
                flushMatching(t, t + 1, page, true, asid >= 0, matchAsid);
            } else if (vaMatches(t, index, page) && (asid < 0 || asidMatches(t, index, matchAsid))) {
                tags[t][index] = 0;
            }
        }
    }

    private boolean vaMatches(int t, int i, long page) {
        long tag = tags[t][i];
        return tag != 0 && (((tag - 1) ^ page) & TLBI_PAGE_MASK) >>> (spans[t][i] - PAGE_BITS) == 0;
    }

    private boolean asidMatches(int t, int i, int asid) {
        int a = asids[t][i];
        return a == GLOBAL || a == asid;
    }

    /**
     * Clears entries of tables [from, to) that match: by VA page (if {@code byVa}), and by ASID (if
     * {@code byAsid}: non-global entries equal to {@code asid}, or every non-global entry when asid is GLOBAL; a
     * by-VA match also takes global entries).
     */
    private void flushMatching(int from, int to, long page, boolean byVa, boolean byAsid, int asid) {
        for (int t = from; t < to; t++) {
            if (!filled[t]) {
                continue;
            }
            long[] tag = tags[t];
            int[] a = asids[t];
            for (int i = 0; i < TLB_SIZE; i++) {
                if (tag[i] == 0 || (byVa && !vaMatches(t, i, page))) {
                    continue;
                }
                boolean hit = !byAsid || (byVa ? a[i] == GLOBAL || a[i] == asid
                        : a[i] != GLOBAL && (asid == GLOBAL || a[i] == asid));
                if (hit) {
                    tag[i] = 0;
                }
            }
        }
    }

    private int asidMask() {
        return (cpu.sys.tcrEl1 & (1L << 36)) != 0 ? 0xffff : 0xff;
    }

    // ---- cross-vCPU invalidation ----

    /**
     * Any thread: asks this vCPU to flush its whole TLB before its next memory access.
     *
     * @return a ticket for {@link #flushServed(long)}
     */
    public long requestFlush() {
        return requestInvalidation(TlbInvalidation.ALL);
    }

    /**
     * Any thread: asks this vCPU to perform {@code what} before its next memory access (a TLBI broadcast by
     * another vCPU). Requests beyond {@value #MAX_PENDING} not yet served become one full flush.
     *
     * @return a ticket for {@link #flushServed(long)}
     */
    public long requestInvalidation(TlbInvalidation what) {
        synchronized (pending) {
            if (pending.size() < MAX_PENDING) {
                pending.add(what);
            } else {
                pending.set(0, TlbInvalidation.ALL);
            }
        }
        long ticket = flushRequested.incrementAndGet(); // after the add: who sees the ticket finds the request
        cpu.requestExit(Cpu.EXIT_TLB_FLUSH);
        return ticket;
    }

    /** Any thread: whether the flush with this ticket (or a later one) has been done. */
    public boolean flushServed(long ticket) {
        return flushServed >= ticket;
    }

    /** Owner thread: performs flushes and passes barriers other threads requested. Cheap when none is pending. */
    @Override
    public void serviceFlushRequests() {
        long requested = flushRequested.get();
        if (requested != flushServed) {
            TlbInvalidation[] ops;
            synchronized (pending) {
                ops = pending.toArray(TlbInvalidation[]::new);
                pending.clear();
            }
            for (TlbInvalidation op : ops) {
                op.applyTo(this);
                if (op.scope() == TlbInvalidation.Scope.ALL) {
                    break;
                }
            }
            flushServed = requested;
        }
        long barrier = barrierRequested.get();
        if (barrier != barrierServed) {
            barrierServed = barrier; // volatile: publishes every store this vCPU made before it
        }
    }

    /**
     * Any thread: asks this vCPU to pass an instruction boundary (see {@link CodePages.WritableMappings}).
     *
     * @return a ticket for {@link #barrierPassed(long)}
     */
    @Override
    public long requestBarrier() {
        long ticket = barrierRequested.incrementAndGet();
        if (cpu != null) {
            cpu.requestExit(Cpu.EXIT_TLB_FLUSH);
        }
        return ticket;
    }

    /**
     * Any thread: whether this vCPU served the barrier with this ticket (or a later one) or is not executing; in
     * both cases its stores made before the request are visible to the caller.
     */
    @Override
    public boolean barrierPassed(long ticket) {
        return barrierServed >= ticket || cpu == null || !cpu.executing;
    }

    // ---- accesses ----

    public long read(long va, int size) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        long o = va & PAGE_MASK;
        if (readTag[i] == page + 1 && o + size <= PAGE_SIZE) {
            return HostRam.load(readHost[i] + o, size);
        }
        return slowRead(va, size, READ);
    }

    public void write(long va, int size, long value) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        long o = va & PAGE_MASK;
        if (writeTag[i] == page + 1 && o + size <= PAGE_SIZE) {
            HostRam.store(writeHost[i] + o, size, value);
            return;
        }
        slowWrite(va, size, value);
    }

    /** Fetches the instruction word at {@code va}. PC alignment is checked by the executor. */
    public int fetch(long va) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        if (fetchTag[i] == page + 1) {
            return HostRam.loadInt(fetchHost[i] + (va & PAGE_MASK));
        }
        return (int) slowRead(va, 4, FETCH);
    }

    /**
     * The host address of the RAM page instructions at {@code va} are fetched from, through the fetch TLB (filled
     * if needed; throws the instruction abort a fetch would take); read its words with {@link HostRam}. 0 if the
     * page is not cacheable RAM: fetch each word with {@link #fetch}. The translation stays valid until the
     * regime or the TLB changes, which only instructions that end a block do; the address stays mapped at least
     * as long, since the entry's owner is only replaced by another fetch fill of this slot.
     */
    public long fetchPage(long va) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        if (fetchTag[i] != page + 1) {
            slowRead(va & ~3L, 4, FETCH);
            if (fetchTag[i] != page + 1) {
                return 0;
            }
        }
        return fetchHost[i];
    }

    private long slowRead(long va, int size, int kind) {
        faultSize = size;
        MemoryObserver o = observer;
        if (o == null || kind == FETCH) {
            return readSlow(va, size, kind);
        }
        o.before(cpu, kind, va, size, 0);
        long value = readSlow(va, size, kind);
        o.after(cpu, kind, va, size, value);
        return value;
    }

    private long readSlow(long va, int size, int kind) {
        serviceFlushRequests();
        if (watch != null && kind != FETCH) {
            watch.access(cpu.index, va, size, kind);
        }
        if (kind != FETCH && alignmentChecked()) {
            checkAligned(va, size, kind);
        }
        if ((va & PAGE_MASK) + size > PAGE_SIZE) {
            // Crosses a page: assemble from bytes, each translated on its own.
            long value = 0;
            for (int b = 0; b < size; b++) {
                value |= readSlow(va + b, 1, kind) << (8 * b);
            }
            return value;
        }
        long pa = mmu.translate(cpu, va, kind, set);
        try {
            Region region = phys.find(pa);
            if (region != null && !region.allows(kind)) {
                throw abort(va, kind, Esr.FSC_PERMISSION_L0 + 3);
            }
            if (region != null && region.isRam() && region.contains(pa + size - 1)) {
                fill(kind, va, region, pa);
                return PhysicalMemory.load(region.ram(), pa - region.base(), size);
            }
            return phys.read(pa, size);
        } catch (BusError e) {
            throw externalAbort(va, kind, size);
        }
    }

    private void slowWrite(long va, int size, long value) {
        faultSize = size;
        MemoryObserver o = observer;
        if (o == null) {
            writeSlow(va, size, value);
            return;
        }
        o.before(cpu, WRITE, va, size, value);
        writeSlow(va, size, value);
        o.after(cpu, WRITE, va, size, value);
    }

    private void writeSlow(long va, int size, long value) {
        serviceFlushRequests();
        if (watch != null) {
            watch.access(cpu.index, va, size, WRITE);
        }
        if (alignmentChecked()) {
            checkAligned(va, size, WRITE);
        }
        if ((va & PAGE_MASK) + size > PAGE_SIZE) {
            // Crosses a page: check both pages first so a fault on the second leaves memory unchanged.
            mmu.translate(cpu, va, WRITE, set);
            mmu.translate(cpu, va + size - 1, WRITE, set);
            for (int b = 0; b < size; b++) {
                writeSlow(va + b, 1, value >>> (8 * b));
            }
            return;
        }
        long pa = mmu.translate(cpu, va, WRITE, set);
        try {
            Region region = phys.find(pa);
            if (region != null && !region.allows(WRITE)) {
                throw abort(va, WRITE, Esr.FSC_PERMISSION_L0 + 3);
            }
            if (region != null && region.isRam() && region.contains(pa + size - 1)) {
                fill(WRITE, va, region, pa);
                PhysicalMemory.store(region.ram(), pa - region.base(), size, value);
                phys.codePages().written(pa, size, true);
                phys.dirtyLog().mark(pa, size); // also covers the WRITE entry just installed (see DirtyLog)
                return;
            }
            phys.write(pa, size, value);
        } catch (BusError e) {
            throw externalAbort(va, WRITE, size);
        }
    }

    /** SCTLR_ELx.A for the current regime. While set, nothing is cached, so every access comes here. */
    private boolean alignmentChecked() {
        return ((cpu.el == 2 ? cpu.sys.sctlrEl2 : cpu.sys.sctlrEl1) & 2) != 0;
    }

    private void fill(int kind, long va, Region region, long pa) {
        long pageStart = (pa & ~PAGE_MASK) - region.base();
        if (pageStart < 0 || pageStart + PAGE_SIZE > region.size()
                || (kind != FETCH && (alignmentChecked() || watch != null || observer != null))) {
            return; // region smaller than a page; data with alignment checking, watchpoints or an observer on
        }
        PageTableWalker w = mmu.lastWalk();
        if (!w.global && set != 2 && w.asid != bankAsid[bank]) {
            return; // a bank holds only its own ASID's non-global entries (asidChanged keeps them in step)
        }
        int t = tableOf(set) + kind;
        int i = (int) (va >>> PAGE_BITS) & (TLB_SIZE - 1);
        filled[t] = true;
        owners[t][i] = region.ram();
        hosts[t][i] = region.ram().address() + pageStart;
        pagePas[t][i] = pa & ~PAGE_MASK;
        asids[t][i] = w.global ? GLOBAL : w.asid;
        spans[t][i] = (byte) w.sizeShift;
        if (w.sizeShift > PAGE_BITS) {
            large[t] = true;
        }
        if (kind != WRITE) {
            tags[t][i] = (va >>> PAGE_BITS) + 1;
            return;
        }
        // Publish, then re-check: pairs with CodePages.mark -> dropWritable.
        TAG.setVolatile(tags[t], i, (va >>> PAGE_BITS) + 1);
        if (phys.codePages().isCode(pa)) {
            tags[t][i] = 0;
        }
    }

    // ---- support for the translator ----

    private static final VarHandle TAG = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Drops WRITE entries mapping the physical page at {@code pagePa}: it now holds translated code. Called from
     * the translating thread, usually not this vCPU's; a write racing with it is ordered before the translation.
     */
    @Override
    public void dropWritable(long pagePa) {
        for (int t = WRITE; t < TABLES; t += 3) { // every bank's and EL2's WRITE tables (see tableOf)
            for (int i = 0; i < TLB_SIZE; i++) {
                if ((long) TAG.getVolatile(tags[t], i) != 0 && pagePas[t][i] == pagePa) {
                    TAG.setVolatile(tags[t], i, 0L);
                }
            }
        }
    }

    /**
     * The size in bytes of the data access an abort just raised by this vCPU was for (4 for fetches): faults are
     * only raised on the slow path and by alignment checks, which record it. For reports (the embedding API's
     * fault hooks), read on the owner thread while the exception is being taken.
     */
    public int faultSize() {
        return faultSize;
    }

    /**
     * The physical page instructions at {@code va} are fetched from, as far as the fetch TLB of the current
     * regime, ASID and EL knows: its address, or -1 when the TLB holds no entry for the page (then ask
     * {@link #translateFetch}). The translator validates its jump cache with this, so the jump cache needs no
     * flush when entries are dropped or the ASID changes.
     */
    public long fetchPagePa(long va) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        return fetchTag[i] == page + 1 ? fetchPa[i] : -1;
    }

    /**
     * Whether the fetch TLB keeps the pages of {@code va1} and {@code va2} in one entry, so that it never holds
     * both at once (the translator keeps such pages out of one region, whose transitions check the entries).
     */
    public static boolean sameFetchEntry(long va1, long va2) {
        return ((va1 ^ va2) >>> PAGE_BITS & (TLB_SIZE - 1)) == 0;
    }

    /**
     * The physical address instructions at {@code va} are fetched from in the current regime; throws the
     * instruction abort a fetch would take. Answered from the fetch TLB when it holds the page (the translator
     * asks on every jump-cache miss, so a page-table walk each time cost about 8% of a Linux boot), else walked
     * and, for RAM, cached there.
     */
    public long translateFetch(long va) {
        serviceFlushRequests();
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        if (fetchTag[i] == page + 1) {
            return fetchPa[i] | (va & PAGE_MASK);
        }
        long pa = mmu.translate(cpu, va, FETCH, set);
        Region region = phys.find(pa);
        if (region != null && region.isRam()) {
            fill(FETCH, va, region, pa);
        }
        return pa;
    }

    /** Synchronous external abort on an access the bus did not answer. */
    SyncException externalAbort(long va, int kind, int size) {
        return abort(va, kind, Esr.FSC_SYNC_EXTERNAL);
    }

    /**
     * A data or instruction abort for {@code va} with the given fault status code, reported to the current EL
     * (from EL0: to EL1 as a lower-EL abort). WnR is set for writes. ISV is 0: ARMv8.0 reports the instruction
     * syndrome only for stage-2 aborts taken to EL2, which are not modelled.
     */
    public SyncException abort(long va, int kind, int fsc) {
        boolean lower = cpu.el == 0;
        if (kind == FETCH) {
            return new SyncException(lower ? Esr.EC_IABT_LOWER : Esr.EC_IABT_SAME, fsc, va, true, cpu.pc);
        }
        int iss = fsc | (kind == WRITE ? Esr.ISS_WNR : 0);
        return new SyncException(lower ? Esr.EC_DABT_LOWER : Esr.EC_DABT_SAME, iss, va, true, cpu.pc);
    }

    /**
     * A stage-2 abort for {@code va} (IPA {@code ipa}), taken to EL2 as a lower-EL abort: HPFAR_EL2 gets the IPA,
     * FAR_EL2 the VA. ISS: the fault status, WnR for writes (also with S1PTW, where ARMv8.0 leaves it UNKNOWN:
     * the instruction's access, as QEMU 7.2 reports it), S1PTW when the fault hit a stage-1 table access, and
     * otherwise, for a single general-purpose register load or store, the instruction syndrome (ISV, SAS, SSE,
     * SRT, SF, AR; see {@link DataAbortSyndrome}).
     */
    public SyncException stage2Abort(long va, int kind, int fsc, boolean s1ptw, long ipa) {
        if (kind == FETCH) {
            return new SyncException(Esr.EC_IABT_LOWER, fsc | (s1ptw ? Esr.ISS_S1PTW : 0), va, true, cpu.pc, 2, ipa);
        }
        int iss = fsc | (kind == WRITE ? Esr.ISS_WNR : 0);
        if (s1ptw) {
            iss |= Esr.ISS_S1PTW;
        } else {
            iss |= DataAbortSyndrome.instructionSyndrome(fetchForSyndrome());
        }
        return new SyncException(Esr.EC_DABT_LOWER, iss, va, true, cpu.pc, 2, ipa);
    }

    /** The word of the instruction that is faulting, or 0 (no syndrome) if it cannot be fetched again. */
    private int fetchForSyndrome() {
        try {
            return fetch(cpu.pc);
        } catch (SyncException e) {
            return 0;
        }
    }

    /** Alignment fault unless {@code va} is aligned to {@code size} (exclusives, atomics, acquire/release). */
    public void checkAligned(long va, int size, int kind) {
        if ((va & (size - 1)) != 0) {
            faultSize = size;
            throw abort(va, kind, Esr.FSC_ALIGNMENT);
        }
    }

    // ---- atomics (RAM only; callers check natural alignment first) ----

    /** Single-copy-atomic read of an aligned {@code size}-byte location for an atomic read-modify-write. */
    public long atomicRead(long va, int size) {
        locateAtomic(va, size, WRITE);
        return switch (size) {
            case 8 -> HostRam.getLongVolatile(atomicAddress);
            case 4 -> HostRam.getIntVolatile(atomicAddress) & 0xffff_ffffL;
            default -> {
                int word = HostRam.getIntVolatile(atomicAddress & ~3L);
                yield (word >>> laneShift(atomicAddress)) & sizeMask(size);
            }
        };
    }

    /**
     * Atomically replaces the aligned {@code size}-byte value at {@code va} with {@code value} if it equals
     * {@code expected} (both taken modulo the size). Returns the value found (zero-extended): equal to
     * {@code expected} exactly when the store happened. Sequentially consistent, like the host CAS.
     */
    public long compareAndExchange(long va, int size, long expected, long value) {
        locateAtomic(va, size, WRITE);
        long a = atomicAddress;
        switch (size) {
            case 8:
                return HostRam.compareAndExchangeLong(a, expected, value);
            case 4:
                return HostRam.compareAndExchangeInt(a, (int) expected, (int) value) & 0xffff_ffffL;
            default:
                // Bytes and halfwords: CAS the aligned word that holds them, retrying if only its other lanes moved.
                long mask = sizeMask(size);
                int shift = laneShift(a);
                long wordAddress = a & ~3L;
                long exp = expected & mask;
                while (true) {
                    int word = HostRam.getIntVolatile(wordAddress);
                    long found = (word >>> shift) & mask;
                    if (found != exp) {
                        return found;
                    }
                    int updated = (int) ((word & ~(mask << shift)) | ((value & mask) << shift));
                    if (HostRam.compareAndSetInt(wordAddress, word, updated)) {
                        return found;
                    }
                }
        }
    }

    /**
     * Atomic 128-bit read of the 16-byte aligned location at {@code va} (LDXP of X registers). Returns the low
     * 64 bits; the high 64 bits are then in {@link #pairHigh()}.
     */
    public long atomicReadPair(long va, int kind) {
        locateAtomic(va, 16, kind);
        synchronized (pairLock()) {
            pairHigh = HostRam.getLongVolatile(atomicAddress + 8);
            return HostRam.getLongVolatile(atomicAddress);
        }
    }

    /**
     * 128-bit compare-and-exchange at the 16-byte aligned {@code va} (CASP/STXP of X registers). Returns the low
     * 64 bits found, the high 64 bits are then in {@link #pairHigh()}; the store happened exactly when both equal
     * the expected values.
     *
     * <p>Java has no 128-bit CAS, so these operations are serialised by a lock striped by address: they are
     * atomic against each other on every vCPU, but a plain or 64-bit atomic store racing with them on the same
     * 16 bytes may be lost. Guests use 128-bit atomics on locations only updated by 128-bit atomics.
     */
    public long compareAndExchangePair(long va, long expectedLow, long expectedHigh, long low, long high) {
        locateAtomic(va, 16, WRITE);
        long a = atomicAddress;
        synchronized (pairLock()) {
            long foundLow = HostRam.getLongVolatile(a);
            long foundHigh = HostRam.getLongVolatile(a + 8);
            if (foundLow == expectedLow && foundHigh == expectedHigh) {
                HostRam.setLongVolatile(a, low);
                HostRam.setLongVolatile(a + 8, high);
            }
            pairHigh = foundHigh;
            return foundLow;
        }
    }

    /** High 64 bits of the last {@link #atomicReadPair} or {@link #compareAndExchangePair} result. */
    public long pairHigh() {
        return pairHigh;
    }

    private Object pairLock() {
        return PAIR_LOCKS[(int) (atomicAddress >>> 4) & (PAIR_LOCKS.length - 1)];
    }

    /** Byte position of a sub-word lane inside its aligned little-endian 32-bit word, in bits. */
    private static int laneShift(long address) {
        return (int) (address & 3) * 8;
    }

    private static long sizeMask(int size) {
        return size == 1 ? 0xffL : 0xffffL;
    }

    /**
     * Translates an aligned atomic access to its host address, or throws the abort it takes. Atomic
     * stores bypass {@link #write}: any write tracking added to the write path (code pages, dirty logging) must
     * be applied here too.
     */
    private void locateAtomic(long va, int size, int kind) {
        long page = va >>> PAGE_BITS;
        int i = (int) page & (TLB_SIZE - 1);
        int t = tableOf(set) + kind;
        long from; // the host range known to be RAM around the location
        long to;
        if (tags[t][i] == page + 1) {
            from = hosts[t][i];
            to = from + PAGE_SIZE;
            atomicAddress = from + (va & PAGE_MASK);
        } else {
            faultSize = size;
            serviceFlushRequests();
            if (watch != null) {
                watch.access(cpu.index, va, size, kind);
            }
            long pa = mmu.translate(cpu, va, kind, set);
            Region region = phys.find(pa);
            if (region != null && !region.allows(kind)) {
                throw abort(va, kind, Esr.FSC_PERMISSION_L0 + 3);
            }
            if (region == null || !region.isRam() || !region.contains(pa + size - 1)) {
                throw externalAbort(va, kind, size);
            }
            fill(kind, va, region, pa);
            atomicOwner = region.ram();
            from = atomicOwner.address();
            to = from + atomicOwner.byteSize();
            atomicAddress = from + (pa - region.base());
            if (kind == WRITE) {
                // Code pages never get a WRITE entry, so atomics to them always come here. Reported before the
                // access (its store is not observable here); a translation marking the page in between waits in
                // its barrier until this vCPU passes an instruction boundary, so it reads the stored value.
                phys.codePages().written(pa, size, true);
                phys.dirtyLog().mark(pa, size);
            }
        }
        // Host atomics need the host address aligned, and sub-word CAS needs the enclosing word inside the
        // RAM. Both hold for page-aligned RAM; a region at an odd base cannot be accessed atomically.
        if ((atomicAddress & (size - 1)) != 0 || (atomicAddress & ~3L) < from || (atomicAddress | 3) >= to) {
            throw externalAbort(va, kind, size);
        }
    }
}
