package dev.armature.accel.interp;

import dev.armature.accel.CpuExecutor;
import dev.armature.accel.tcg.TcgConfig;
import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuMemory;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.arch.aarch64.DecodeCache.Decoded;
import dev.armature.arch.aarch64.Esr;
import dev.armature.arch.aarch64.ExceptionHook;
import dev.armature.arch.aarch64.Exceptions;
import dev.armature.arch.aarch64.ExecutionProbe;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.SyncException;
import dev.armature.memory.HostRam;

/**
 * The reference executor: fetch, decode, execute, one instruction at a time. Interrupts are taken at instruction
 * boundaries when the CPU's exit request says one may be deliverable.
 *
 * <p>Fast path ({@link #runBlock}). Instructions run a basic block at a time: the fetch TLB is consulted once
 * per block for the RAM page holding the PC, and then each instruction is read straight from that page and
 * looked up in this vCPU's <em>decoded-page cache</em>: a direct-mapped table of whole pages (slot = hash of the
 * host address of the page, entry = offset in the page) holding the {@link DecodeCache.Decoded decoding} of the
 * word seen there (the shared decode cache's entry, so the entries themselves are shared among vCPUs). Each
 * execution re-reads the word from guest memory and compares it with the cached one, so the cache needs no
 * invalidation at all: self-modifying code, DMA and loader writes are seen at the next execution of the modified
 * instruction, and a slot reused by another page is just a miss. It holds 1024 pages (4 MiB of guest code; a
 * Linux boot runs 1 600 pages, 300 000 distinct instructions, interpreted: with 64 pages it missed 3.5 M times
 * and decoding took 6 % of the vCPU's time, with 1024 it misses 370 000 times); a page's slot array
 * (4 KiB) is allocated when first used, so the cache takes at most 4 MiB per vCPU. A block ends after an
 * instruction that {@link Insn#endsBlock() ends a block} (every branch, exception-generating, system-register
 * and barrier instruction), on an exception, at the end of the page, after the translator's maximum TB length or
 * when the budget runs out. Only those
 * instructions change the PC other than by 4, the translation regime or interrupt masking, so the page found
 * at block start stays the right one, and the exit request (interrupts, stop, TLB shootdowns, hook changes) is
 * checked once per block, so at the same instructions as in translated code.
 *
 * <p>Each instruction is one virtual {@code exec} call. On cold code that call's indirect branch, whose target
 * waits on cache misses (the page cache's entry, then the instruction object), is most of the loop's cost.
 * Testing for the most frequent classes first (so their bodies inline) measured slower, since the tests
 * mispredict as often; calling from several sites by position in the block, loading the next entry before the
 * call, skipping NOPs, calling the access of an SP-based load or store without {@code SpAlignmentChecked}'s
 * second call, and other layouts of the page cache measured no faster on a Linux boot (docs/performance.md,
 * "The interpreter's dispatch" and its continuation).
 */
public final class Interpreter implements CpuExecutor {
    private static final int PAGE_BITS = 12;
    private static final int SLOTS_PER_PAGE = 1 << (PAGE_BITS - 2);
    private static final int PAGE_SLOT_BITS = 10; // 1024 pages = 4 MiB of code
    private static final int PAGE_SLOTS = 1 << PAGE_SLOT_BITS;

    private final DecodeCache decodeCache;
    /** The maximum block length: the translator's maximum TB length, so that blocks end where TBs do. */
    private final int blockLimit;
    /** Decoded-page cache: per page slot, what was decoded at each instruction slot (null until first used). */
    private final Decoded[][] pages = new Decoded[PAGE_SLOTS][];
    private long instructions;
    /** Instructions completed before the current block, and its first PC (for {@link #instructionsNow}). */
    private long blockBase;
    private long blockPc;

    public Interpreter(DecodeCache decodeCache) {
        this(decodeCache, TcgConfig.DEFAULT_MAX_INSNS);
    }

    /**
     * @param blockLimit the maximum block length, which must equal the translator's maximum TB length for both
     *                   executors to end blocks (report them, service exit requests) at the same instructions
     */
    public Interpreter(DecodeCache decodeCache, int blockLimit) {
        this.decodeCache = decodeCache;
        this.blockLimit = blockLimit;
    }

    @Override
    public long instructions() {
        return instructions;
    }

    /** A block runs straight through to its last instruction, so its PC tells how far it got. */
    @Override
    public long instructionsNow(Cpu cpu) {
        return blockBase + ((cpu.pc - blockPc) >>> 2);
    }

    /** Runs until an exit is requested with {@link Cpu#EXIT_STOP} or exactly {@code budget} instructions have run. */
    @Override
    public boolean run(Cpu cpu, long budget) {
        long n = 0;
        cpu.executing = true;
        cpu.memory.serviceFlushRequests(); // after 'executing' is visible: see CpuMemory's shootdown protocol
        try {
            while (n < budget) {
                if (cpu.exitRequest != 0 && serviceExitRequest(cpu)) {
                    return true;
                }
                blockBase = instructions + n;
                blockPc = cpu.pc;
                ExecutionProbe probe = cpu.probe;
                long max = Math.min(budget - n, blockLimit);
                n += probe == null ? runBlock(cpu, max) : runWithProbe(cpu, max, probe);
            }
            return false;
        } finally {
            cpu.executing = false;
            instructions += n;
            blockBase = instructions;
            blockPc = cpu.pc;
        }
    }

    /**
     * Executes instructions from {@code cpu.pc} up to the end of the basic block (see the class comment), at most
     * {@code max} (&ge; 1) of them. Does not look at exit requests: the caller does, between blocks.
     *
     * @return the number of instructions executed, the one that raised an exception (now taken) included
     */
    public long runBlock(Cpu cpu, long max) {
        long pc = cpu.pc;
        if ((pc & 3) != 0 || cpu.il) {
            step(cpu); // raises the PC alignment or illegal state fault
            return 1;
        }
        CpuMemory memory = cpu.memory;
        long address; // of the page, in the host
        try {
            address = memory.fetchPage(pc);
        } catch (SyncException e) {
            Exceptions.takeSync(cpu, e);
            return 1;
        }
        if (address == 0) {
            step(cpu); // not RAM: fetch through the bus
            return 1;
        }
        int slot = (int) ((address >>> PAGE_BITS) ^ (address >>> (PAGE_BITS + PAGE_SLOT_BITS))) & (PAGE_SLOTS - 1);
        Decoded[] page = pages[slot]; // a local: the JIT would reload the field after every exec call
        if (page == null) {
            page = new Decoded[SLOTS_PER_PAGE];
            pages[slot] = page;
        }
        int first = (int) (pc & ((1 << PAGE_BITS) - 1)) >>> 2;
        int last = first + (int) Math.min(max - 1, SLOTS_PER_PAGE - 1 - first);
        DecodeCache decodeCache = this.decodeCache;
        int k = first;
        try {
            while (true) {
                int word = HostRam.loadInt(address + ((long) k << 2));
                Decoded d = page[k];
                if (d == null || d.word() != word) {
                    d = decodeCache.lookup(word);
                    page[k] = d;
                }
                cpu.nextPc = pc + 4;
                d.insn().exec(cpu);
                if (d.endsBlock()) {
                    cpu.pc = cpu.nextPc;
                    break;
                }
                pc += 4;
                cpu.pc = pc;
                if (k == last) {
                    break;
                }
                k++;
            }
        } catch (SyncException e) {
            Exceptions.takeSync(cpu, e);
        }
        return k - first + 1;
    }

    /**
     * Executes up to a block with a probe installed, at most {@code max} (&ge; 1) instructions: as
     * {@link #runProbedBlock} if blocks are instrumented or the instruction at the PC is; otherwise on the fast
     * path up to the next instrumented instruction. Does not look at exit requests.
     *
     * @return the number of instructions executed (see {@link #runProbedBlock})
     */
    public long runWithProbe(Cpu cpu, long max, ExecutionProbe probe) {
        if (probe.instrumentsBlocks()) {
            return runProbedBlock(cpu, max, probe);
        }
        long pc = cpu.pc;
        long next = probe.nextInstrumented(pc);
        if (next == pc) {
            return runProbedBlock(cpu, max, probe);
        }
        long clear = Math.min((next - pc) >>> 2, max); // instructions before the next instrumented one
        return runBlock(cpu, Math.max(clear, 1)); // 0 only for an unaligned PC, which faults
    }

    /**
     * Executes one block with a probe installed, at most {@code max} (&ge; 1) instructions, calling the probe
     * exactly where translated code calls it: {@link ExecutionProbe#beforeBlock} with the length the block has as
     * a TB (ended by {@link Insn#endsBlock()}, the page end or the maximum TB length), then
     * {@link ExecutionProbe#beforeInsn} before each instrumented instruction. Does not look at exit requests.
     *
     * @return the number of instructions executed, the one that raised an exception (now taken) included; 0 if
     * the probe stopped before the first one
     */
    public long runProbedBlock(Cpu cpu, long max, ExecutionProbe probe) {
        long start = cpu.pc;
        if ((start & 3) != 0 || cpu.il) {
            step(cpu); // raises the PC alignment or illegal state fault
            return 1;
        }
        if (probe.instrumentsBlocks()) {
            int length = blockLength(cpu, start);
            if (length > 0 && probe.beforeBlock(cpu, start, length)) {
                return 0;
            }
        }
        long limit = Math.min(max, blockLimit);
        long n = 0;
        try {
            while (true) {
                long pc = cpu.pc;
                n++;
                boolean instrumented = probe.instrumentsCode(pc);
                if (instrumented && probe.stopsAt(cpu, pc)) {
                    return n - 1;
                }
                int word = cpu.memory.fetch(pc);
                if (instrumented && probe.beforeInsn(cpu, pc, word)) {
                    return n - 1;
                }
                Insn insn = decodeCache.get(word);
                cpu.nextPc = pc + 4;
                insn.exec(cpu);
                cpu.pc = cpu.nextPc;
                if (insn.endsBlock() || n == limit || ((pc + 4) & ((1 << PAGE_BITS) - 1)) == 0) {
                    return n;
                }
            }
        } catch (SyncException e) {
            Exceptions.takeSync(cpu, e);
            return n;
        }
    }

    /** The length of the block at {@code va} as the translator forms it; 0 if its first word cannot be fetched. */
    private int blockLength(Cpu cpu, long va) {
        int n = 0;
        try {
            while (true) {
                Insn insn = decodeCache.get(cpu.memory.fetch(va + 4L * n));
                n++;
                if (insn.endsBlock() || n == blockLimit || ((va + 4L * n) & ((1 << PAGE_BITS) - 1)) == 0) {
                    return n;
                }
            }
        } catch (SyncException e) {
            return n;
        }
    }

    /**
     * Executes one instruction (or takes the exception it raises), without the decoded-page cache: for tracing,
     * lockstep comparison and code outside RAM.
     *
     * @return the instruction executed, or null if it raised an exception (now taken)
     */
    public Insn step(Cpu cpu) {
        long pc = cpu.pc;
        try {
            if ((pc & 3) != 0) {
                throw new SyncException(Esr.EC_PC_ALIGN, 0, pc, true, pc);
            }
            Insn insn = decodeCache.get(cpu.memory.fetch(pc));
            Exceptions.checkIllegalState(cpu); // ranks below PC alignment and instruction aborts
            cpu.nextPc = pc + 4;
            insn.exec(cpu);
            cpu.pc = cpu.nextPc;
            return insn;
        } catch (SyncException e) {
            Exceptions.takeSync(cpu, e);
            return null;
        }
    }

    /**
     * Consumes the exit request at an instruction boundary: takes a deliverable interrupt. Shared by every
     * executor so that interrupts are taken the same way.
     *
     * @return true if the loop must return to its caller
     */
    public static boolean serviceExitRequest(Cpu cpu) {
        int why = cpu.takeExitRequest();
        if ((why & Cpu.EXIT_TLB_FLUSH) != 0) {
            cpu.memory.serviceFlushRequests();
        }
        if ((why & Cpu.EXIT_INTERRUPT) != 0) {
            int pending = Exceptions.pendingInterrupt(cpu);
            ExceptionHook hook = cpu.exceptionHook;
            if (pending != 0 && (hook == null || !hook.handleInterrupt(cpu, pending & 0xfff))) {
                Exceptions.takeInterrupt(cpu, pending, cpu.pc);
            }
        }
        int leave = why & (Cpu.EXIT_STOP | Cpu.EXIT_REINSTRUMENT);
        if (leave != 0) {
            cpu.requestExit(leave); // keep it visible to the vCPU thread's owner
            return true;
        }
        return false;
    }
}
