/**
 * The translator ({@code -accel tcg}): guest translation blocks to JVM bytecode, in the spirit of QEMU's TCG.
 *
 * <p><b>One copy of semantics.</b> A {@link dev.armature.accel.tcg.Tb} is a hidden class whose {@code exec} calls
 * each decoded instruction's own {@code exec} on a constant receiver (class data loaded by {@code ldc} of a dynamic
 * constant), with the bookkeeping the interpreter loop does in between. HotSpot inlines the semantics into the
 * block and, with {@code -XX:+TrustFinalNonStaticFields} (set by the launcher), folds the instructions' operand
 * fields into constants. A synchronous exception is caught in the block with {@code cpu.pc} at the faulting
 * instruction and taken exactly as the interpreter takes it.
 *
 * <p><b>Tiering.</b> {@link dev.armature.accel.tcg.TcgExecutor} interprets cold code a block at a time and counts
 * block starts; at {@link dev.armature.accel.tcg.TcgConfig#hot()} executions the block is translated, by default on
 * a background thread while the vCPU keeps interpreting. A Linux boot touches tens of thousands of blocks, most a
 * few times; only the hot ones pay for translation (at the default threshold of 50 000, about 340 blocks).
 *
 * <p><b>Lookup and chaining.</b> Per block start: the previous TB's link (no lookup), else the vCPU's jump cache
 * (direct-mapped by virtual PC; a hit counts only if the fetch TLB still maps the PC's page to the TB's physical
 * page, so TLB invalidations and ASID switches need no flush of it), else the global
 * {@link dev.armature.accel.tcg.TbCache} keyed by {@link dev.armature.accel.tcg.TbKey} (physical PC, virtual PC,
 * EL). Static exits (direct branches, fall-through) link to same-page successors after their first lookup;
 * computed jumps (BR, BLR, RET) and mode changes go through the jump cache. A block that branches to its own start
 * loops inside its generated method, so a tight guest loop is one JIT-compiled host loop.
 *
 * <p><b>Regions.</b> A loop of several blocks becomes one too: a TB dispatched often heads a
 * {@link dev.armature.accel.tcg.TbRegion}, the loop's TBs compiled into one method
 * ({@link dev.armature.accel.tcg.RegionSelector}, {@link dev.armature.accel.tcg.RegionTranslator}) that jumps from
 * member to member while the PC stays on a member. Members follow static exits and the targets the dispatcher saw
 * computed jumps take, on any page; entering another page checks its fetch-TLB mapping as the jump cache does.
 * Exit requests are checked at every dispatch, at self-loop back-edges and at region transitions that jump back or
 * follow a member that may call out.
 *
 * <p><b>Self-modifying code.</b> Translating a page marks it in {@link dev.armature.memory.CodePages}; vCPU soft
 * TLBs never keep write mappings of marked pages, so every write to them reaches the cache, which invalidates the
 * overlapping TBs (unlinking chains into them) before the write returns. Marking waits for a barrier on every
 * executing vCPU, so a store already past its write-mapping check lands before the translator reads the page. Blocks re-check their validity after
 * load/store instructions, so a store into the running block stops it before a stale instruction.
 *
 * <p><b>Code budget.</b> The estimated host bytes of the TBs translated since the last flush (invalidated ones
 * included, as in QEMU's code buffer) are bounded by {@code tb-size} (MiB); when full, everything is flushed while
 * other vCPUs run: TBs are marked invalid, every way into a TB checks that, and the JVM unloads
 * the classes once no vCPU still executes them.
 *
 * <p>{@link dev.armature.accel.tcg.LockstepTester} runs a program under the interpreter and the translator side by
 * side and reports the first divergence; {@link dev.armature.accel.tcg.TcgStats} holds the {@code info jit}-style
 * counters.
 */
package dev.armature.accel.tcg;
