package dev.armature.accel.tcg;

import dev.armature.arch.aarch64.CpuMemory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks the members of a {@link TbRegion} headed by a hot TB: the TBs reachable from the head through exits that
 * generated code can follow without the dispatcher, that are already translated and valid and for the same flags
 * (exception level), up to {@link #MAX_MEMBERS} TBs. Of those, the region keeps the TBs on a cycle through the head
 * (the loop, not the paths out of it), as many as fit {@link #MAX_INSNS} instructions and {@link #INLINE_BUDGET};
 * none if there is no cycle.
 *
 * <p>The exits followed: static ones (direct branch target, not-taken path, fall-through) and, among computed
 * jumps, only BR, BLR and RET, which change neither the exception level nor the translation regime; a RET goes
 * to the members that follow a BL or BLR, a BR or BLR to any member. Where a computed jump goes is known from the
 * TB's recorded exit targets ({@link Tb#exitTargets}, filled by the dispatcher). Every other exit (ERET, SVC, MSR,
 * system instructions, ...) always leaves the region.
 *
 * <p>Mappings. Members may lie on several virtual pages, each mapped to one physical page for the whole region: a
 * successor on a page already reached is looked up on that page's physical page, and one on a new page at the
 * physical address the dispatcher recorded for it (another page's successor is never linked, so its TB is
 * recorded as an exit target; a page never reached that way contributes no member). At run time the head's page
 * was mapped so when the region was entered (lookup or same-page link), and {@link RegionTranslator} checks the
 * fetch mapping of any other page when a transition enters it from another page; no followed exit can change a
 * mapping, and another vCPU's TLB shootdown raises the exit request and waits until this vCPU serves it (at the
 * dispatcher, or on a TLB miss, which only a member that accesses memory has, and the region checks the request
 * after such members and at every jump back), so a page mapped so once stays so for the rest of the region's run
 * (docs/tcg.md, "Mappings").
 */
final class RegionSelector {
    static final int MAX_MEMBERS = 16;
    /** Keeps the region's method far below HotSpot's 8000-byte limit for compiling a method at all. */
    static final int MAX_INSNS = 96;
    private static final long PAGE_MASK = ~0xfffL;

    private RegionSelector() {
    }

    /** How a member's exit may continue inside its region. */
    enum ExitKind {
        /** Direct branch or fall-through: only to its fixed successors. */
        STATIC,
        /** RET: to the return points, the members following a BL or BLR. */
        RETURN,
        /** BR or BLR: to any member. */
        COMPUTED,
        /** Anything else leaves the region. */
        LEAVES
    }

    /** The members, head first, or null if there is no loop through the head within the limits. */
    static Tb[] select(TbCache cache, Tb head) {
        Map<Long, Tb> reached = new LinkedHashMap<>();
        // Virtual page -> physical page, one per virtual page: see the class comment (mappings).
        Map<Long, Long> pages = new HashMap<>();
        List<Long> work = new ArrayList<>();
        reached.put(head.key.va(), head);
        pages.put(head.key.va() & PAGE_MASK, head.key.pa() & PAGE_MASK);
        work.add(head.key.va());
        for (int w = 0; w < work.size() && reached.size() < MAX_MEMBERS; w++) {
            Tb t = reached.get(work.get(w));
            List<Long> next = new ArrayList<>(successors(t));
            if (isCall(t)) {
                next.add(end(t)); // where its callee's RET returns
            }
            TbKey[] seen = t.exitTargets; // a static exit's are its successors on other pages: only their PAs count
            if (seen != null && endsWithComputedJump(t)) {
                for (TbKey k : seen) {
                    if (k != null && k.flags() == head.key.flags() && !next.contains(k.va())) {
                        next.add(k.va()); // where its BR, BLR or RET went
                    }
                }
            }
            for (long va : next) {
                if (reached.containsKey(va) || reached.size() == MAX_MEMBERS) {
                    continue;
                }
                Long pagePa = pages.get(va & PAGE_MASK);
                if (pagePa == null) {
                    TbKey k = seenKey(seen, va, head.key.flags());
                    if (k == null || sharesFetchEntry(pages.keySet(), va)) {
                        continue; // never seen reached: no physical address; or it would evict a member's page
                    }
                    pagePa = k.pa() & PAGE_MASK;
                }
                Tb s = cache.get(pagePa | (va & ~PAGE_MASK), va, head.key.flags());
                if (s != null) {
                    reached.put(va, s);
                    pages.put(va & PAGE_MASK, pagePa);
                    work.add(va);
                }
            }
        }
        // Keep the loop: the TBs on a cycle through the head, the nearest ones while over the inlining budget.
        List<Tb> members = new ArrayList<>(reached.values());
        while (true) {
            members = onCycleThroughHead(members);
            if (members.size() < 2) {
                return null;
            }
            if (weight(members) <= INLINE_BUDGET && insns(members) <= MAX_INSNS) {
                return members.toArray(Tb[]::new);
            }
            members.removeLast();
        }
    }

    /**
     * True if {@code va}'s page would take the fetch-TLB entry of one of {@code pages}: the region would leave at
     * every transition between the two, whose mapping checks need both entries.
     */
    private static boolean sharesFetchEntry(Set<Long> pages, long va) {
        for (long p : pages) {
            if (CpuMemory.sameFetchEntry(p, va)) {
                return true;
            }
        }
        return false;
    }

    /** The recorded exit target at {@code va} for {@code flags}, or null. */
    private static TbKey seenKey(TbKey[] seen, long va, int flags) {
        if (seen != null) {
            for (TbKey k : seen) {
                if (k != null && k.va() == va && k.flags() == flags) {
                    return k;
                }
            }
        }
        return null;
    }

    /**
     * C2 inlines at most about 8000 bytecode bytes into one compiled method (its {@code DesiredMethodLimit}, the
     * method's own bytecode included) and calls the rest, so a region whose instructions' semantics exceed it runs
     * its later members without inlined semantics, slower than their TBs. The weights estimate each instruction's
     * share: its bytecode in the region plus its semantics, a memory access bringing the soft-TLB and memory
     * segment paths (measured with {@code -XX:+PrintInlining} on the {@code matrix} kernel: inlining stopped
     * after about 14 of 33 instructions).
     */
    static final int INLINE_BUDGET = 7000;
    private static final int MEMORY_WEIGHT = 700;
    private static final int OTHER_WEIGHT = 180;

    private static int weight(List<Tb> members) {
        int w = 0;
        for (Tb t : members) {
            for (int word : t.words) {
                w += TbTranslator.mayStore(word) ? MEMORY_WEIGHT : OTHER_WEIGHT;
            }
        }
        return w;
    }

    private static int insns(List<Tb> members) {
        int n = 0;
        for (Tb t : members) {
            n += t.insns.length;
        }
        return n;
    }

    /** The members (head first, order kept) from which the head can be reached through in-region exits. */
    private static List<Tb> onCycleThroughHead(List<Tb> members) {
        Tb[] all = members.toArray(Tb[]::new);
        Set<Tb> reaching = new HashSet<>();
        reaching.add(all[0]);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Tb t : all) {
                if (reaching.contains(t)) {
                    continue;
                }
                for (Tb s : candidates(t, all)) {
                    if (reaching.contains(s)) {
                        reaching.add(t);
                        grew = true;
                        break;
                    }
                }
            }
        }
        boolean loops = false;
        for (Tb s : candidates(all[0], all)) {
            loops |= reaching.contains(s);
        }
        if (!loops) {
            return List.of(all[0]);
        }
        List<Tb> kept = new ArrayList<>();
        for (Tb t : all) {
            if (reaching.contains(t)) {
                kept.add(t);
            }
        }
        return kept;
    }

    /** The members {@code t}'s exit may continue at inside the region, for the generated comparisons. */
    static List<Tb> candidates(Tb t, Tb[] members) {
        List<Tb> out = new ArrayList<>();
        ExitKind kind = exitKind(t);
        for (Tb m : members) {
            long va = m.key.va();
            boolean ok = switch (kind) {
                case STATIC -> successors(t).contains(va);
                case RETURN -> isReturnPoint(va, members);
                case COMPUTED -> true;
                case LEAVES -> false;
            };
            if (ok) {
                out.add(m);
            }
        }
        return out;
    }

    private static boolean isReturnPoint(long va, Tb[] members) {
        for (Tb m : members) {
            if (isCall(m) && end(m) == va) {
                return true;
            }
        }
        return false;
    }

    static ExitKind exitKind(Tb t) {
        if (t.staticExit) {
            return ExitKind.STATIC;
        }
        int w = last(t);
        if ((w & 0xffff_fc1f) == 0xd65f_0000) {
            return ExitKind.RETURN;
        }
        if ((w & 0xffdf_fc1f) == 0xd61f_0000) {
            return ExitKind.COMPUTED; // BR (bit 21 clear) or BLR (set)
        }
        return ExitKind.LEAVES;
    }

    /** The fixed successor PCs of a static exit (empty for other exits). */
    static List<Long> successors(Tb t) {
        if (!t.staticExit) {
            return List.of();
        }
        int w = last(t);
        long pc = end(t) - 4;
        if (!TbTranslator.isDirectBranch(w)) {
            return List.of(end(t)); // the block ended at the page end or the length limit
        }
        if ((w & 0x7c00_0000) == 0x1400_0000) {
            return List.of(pc + ((long) (w << 6 >> 6) << 2)); // B, BL: imm26, never falls through
        }
        long offset = (w & 0x7e00_0000) == 0x3600_0000
                ? (long) (w << 13 >> 18) << 2   // TBZ, TBNZ: imm14 at bits 5..18
                : (long) (w << 8 >> 13) << 2;   // B.cond, BC.cond, CBZ, CBNZ: imm19 at bits 5..23
        return List.of(pc + offset, end(t));
    }

    /** How many members a member's BR, BLR or RET was recorded going to (for statistics). */
    static int indirectTargets(Tb[] members) {
        int n = 0;
        for (Tb m : members) {
            boolean target = false;
            for (Tb t : members) {
                target |= endsWithComputedJump(t) && seenKey(t.exitTargets, m.key.va(), m.key.flags()) != null;
            }
            n += target ? 1 : 0;
        }
        return n;
    }

    /** True if the block ends with BR, BLR or RET, whose recorded exit targets a region follows. */
    private static boolean endsWithComputedJump(Tb t) {
        ExitKind kind = exitKind(t);
        return kind == ExitKind.COMPUTED || kind == ExitKind.RETURN;
    }

    /** How many members lie on another virtual page than the head (for statistics). */
    static int offHeadPage(Tb[] members) {
        int n = 0;
        for (Tb m : members) {
            n += ((m.key.va() ^ members[0].key.va()) & PAGE_MASK) != 0 ? 1 : 0;
        }
        return n;
    }

    /** True if the block ends with BL or BLR, so a RET may come back to its end. */
    private static boolean isCall(Tb t) {
        int w = last(t);
        return (w & 0xfc00_0000) == 0x9400_0000 || (w & 0xffff_fc1f) == 0xd63f_0000;
    }

    private static int last(Tb t) {
        return t.words[t.words.length - 1];
    }

    private static long end(Tb t) {
        return t.key.va() + 4L * t.insns.length;
    }
}
