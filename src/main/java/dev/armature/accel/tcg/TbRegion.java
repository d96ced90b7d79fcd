package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.Cpu;

/**
 * A region: a hot group of TBs (a loop, possibly over several pages) compiled into one method by
 * {@link RegionTranslator}, so that a guest loop spanning several blocks runs as one JIT-compiled host loop (guest
 * registers can stay in host registers across its blocks) instead of returning to the dispatcher, the
 * megamorphic {@link Tb#exec} call and the link lookup at every block. {@link #members}{@code [0]} is the head,
 * whose dispatch enters the region instead ({@link Tb#region}); the members' own TBs stay in the cache and run
 * whenever the region does not.
 *
 * <p>Validity: {@link #valid} is cleared, under the {@link TbCache} lock, as soon as any member is invalidated or
 * flushed. Generated code checks it after its own stores (so it never runs a member past that member's
 * invalidation by this vCPU), after members that may call out, and at every jump back to the same or an
 * earlier member; after another thread's write, a member can run at most until the current pass through the
 * members ends. (A guest that modifies code for another PE must have that PE execute a context synchronization
 * event, ISB or an exception, before it runs the new code; those leave the region, and the dispatcher checks
 * validity.)
 */
abstract class TbRegion {
    /** The member TBs, head first; each one's code is in the region's method, in this order. */
    final Tb[] members;
    /** Size of the generated class file (counted in the code budget). */
    final int codeBytes;
    /** Cleared when a member is invalidated or flushed (then the head runs as a plain TB again). */
    volatile boolean valid = true;
    /**
     * Consecutive entries that ended with {@link Tb#EXIT_UNMAPPED}: a member's page is mapped elsewhere now (or
     * keeps dropping out of the fetch TLB), so the region leaves there on every pass; at
     * {@link #MAX_UNMAPPED} it is dropped so that its head can form one for the current mapping. Plain and racy
     * between vCPUs, a hint.
     */
    int unmappedExits;
    static final int MAX_UNMAPPED = 16;

    protected TbRegion(Tb[] members, int codeBytes) {
        this.members = members;
        this.codeBytes = codeBytes;
    }

    /**
     * Runs the head and then, while a member's exit goes to a member and the guards pass, that member; returns
     * an {@code Tb.EXIT_*} code. {@code ctx.blockPc} must hold the head's start on entry and holds the start of
     * the member that ran last on return.
     */
    abstract int exec(Cpu cpu, TbContext ctx);

    /** The member starting at {@code va} (a member that ran, so it is there). */
    final Tb member(long va) {
        for (Tb t : members) {
            if (t.key.va() == va) {
                return t;
            }
        }
        throw new IllegalStateException(String.format("no member at 0x%x in %s", va, this));
    }

    /** Guest instructions over all members. */
    final int insns() {
        int n = 0;
        for (Tb t : members) {
            n += t.insns.length;
        }
        return n;
    }

    @Override
    public String toString() {
        return String.format("TbRegion[head va=0x%x, %d TBs, %d insns]", members[0].key.va(), members.length, insns());
    }
}
