package dev.armature.accel.tcg;

/**
 * Translator settings, from
 * {@code -accel tcg[,hot=N][,tb-size=MiB][,tb-insns=N][,background=on|off][,region-hot=N]}.
 *
 * @param hot             executions of a block start (counted while interpreting) before it is translated; 0 or 1
 *                        translates on first sight
 * @param codeBudgetBytes bound on the code translated since the last flush, counted as QEMU counts its code
 *                        buffer (invalidated TBs keep their room until the flush) in estimated host bytes
 *                        ({@code TbCache.footprint}; {@code tb-size} is in MiB); reaching it flushes every TB
 * @param maxInsns        maximum guest instructions per TB
 * @param background      translate on a helper thread while the vCPU goes on interpreting the block (hides
 *                        translation latency); off translates on the vCPU thread before running the TB
 * @param regionHot       dispatches of a TB before a {@link TbRegion} headed by it is formed (a group of TBs compiled
 *                        into one method); 0 forms none
 */
public record TcgConfig(int hot, long codeBudgetBytes, int maxInsns, boolean background, int regionHot) {
    /**
     * A block is translated after 50 000 interpreted executions (was 50, then 1000): a Linux boot then translates
     * about 340 blocks instead of 5 000 (18 000 at 50) and its vCPU takes a third less CPU, its process 45% less
     * (blocks run a few thousand times cost more as classes, run first in HotSpot's bytecode interpreter and
     * compiled, than interpreted by the block interpreter with its decoded-page cache); from 10 000 to 100 000 a
     * boot costs about the same. Hot loops are translated within milliseconds either way (docs/performance.md,
     * "The translation threshold" and "Cold code").
     */
    public static final int DEFAULT_HOT = 50000;
    /**
     * Room for a Linux boot's 18 000 TBs (about 150 MiB estimated) without a flush: at 64 MiB the boot flushed 3
     * times and retranslated 13 000 blocks (docs/performance.md, docs/tcg.md). QEMU's default is 1 GiB.
     */
    public static final long DEFAULT_TB_SIZE_MIB = 256;
    public static final int DEFAULT_MAX_INSNS = 128;
    /** Keeps a TB's exec method far below HotSpot's 8000-byte limit for compiling a method at all. */
    public static final int MAX_MAX_INSNS = 256;
    public static final int DEFAULT_REGION_HOT = 1000;

    public TcgConfig {
        if (hot < 0) {
            throw new IllegalArgumentException("hot must be >= 0, got " + hot);
        }
        if (codeBudgetBytes <= 0) {
            throw new IllegalArgumentException("tb-size must be positive");
        }
        if (maxInsns < 1 || maxInsns > MAX_MAX_INSNS) {
            throw new IllegalArgumentException("tb-insns must be 1.." + MAX_MAX_INSNS + ", got " + maxInsns);
        }
        if (regionHot < 0) {
            throw new IllegalArgumentException("region-hot must be >= 0, got " + regionHot);
        }
    }

    public static TcgConfig defaults() {
        return new TcgConfig(DEFAULT_HOT, DEFAULT_TB_SIZE_MIB << 20, DEFAULT_MAX_INSNS, true, DEFAULT_REGION_HOT);
    }

    public TcgConfig withHot(int n) {
        return new TcgConfig(n, codeBudgetBytes, maxInsns, background, regionHot);
    }

    public TcgConfig withCodeBudgetBytes(long bytes) {
        return new TcgConfig(hot, bytes, maxInsns, background, regionHot);
    }

    public TcgConfig withBackground(boolean on) {
        return new TcgConfig(hot, codeBudgetBytes, maxInsns, on, regionHot);
    }

    public TcgConfig withRegionHot(int n) {
        return new TcgConfig(hot, codeBudgetBytes, maxInsns, background, n);
    }

    /**
     * Parses an {@code -accel} value such as {@code tcg,hot=100,tb-size=32}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static TcgConfig parse(String accel) {
        String[] parts = accel.split(",");
        if (!parts[0].equals("tcg")) {
            throw new IllegalArgumentException("not a tcg accelerator option: " + accel);
        }
        int hot = DEFAULT_HOT;
        long budget = DEFAULT_TB_SIZE_MIB << 20;
        int maxInsns = DEFAULT_MAX_INSNS;
        boolean background = true;
        int regionHot = DEFAULT_REGION_HOT;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("tcg option '" + p + "' needs a value (name=value)");
            }
            String name = p.substring(0, eq);
            String value = p.substring(eq + 1);
            switch (name) {
                case "hot" -> hot = number(name, value, 0, Integer.MAX_VALUE);
                case "tb-size" -> budget = (long) number(name, value, 1, 1 << 20) << 20;
                case "tb-insns" -> maxInsns = number(name, value, 1, MAX_MAX_INSNS);
                case "background" -> background = switch (value) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException(
                            "tcg option background must be on or off, got '" + value + "'");
                };
                case "region-hot" -> regionHot = number(name, value, 0, Integer.MAX_VALUE);
                default -> throw new IllegalArgumentException(
                        "unknown tcg option '" + name + "' (known: hot, tb-size, tb-insns, background, region-hot)");
            }
        }
        return new TcgConfig(hot, budget, maxInsns, background, regionHot);
    }

    private static int number(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("tcg option " + name + " must be an integer in " + min + ".." + max
                + ", got '" + value + "'");
    }
}
