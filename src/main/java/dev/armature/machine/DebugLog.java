package dev.armature.machine;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The {@code -d} log: which items are enabled and where they go ({@code -D}, else stderr). */
public final class DebugLog {
    /** Log items, spelled as QEMU spells them where QEMU has the same item. */
    public enum Item {
        /** {@code -d int}. */
        INT("int", "exceptions taken (synchronous ones, including PSCI calls)"),
        /** {@code -d in_asm}. */
        IN_ASM("in_asm", "each guest instruction the first time it executes"),
        /** {@code -d host}. */
        HOST("host", "host stack traces for internal errors"),
        /** {@code -d summary}. */
        SUMMARY("summary", "a one-line run summary at exit, with the translator statistics"),
        /** {@code -d jit-stats}. */
        JIT_STATS("jit-stats", "the translator statistics at exit (as the monitor's info jit)");

        /** The item's name in a {@code -d} list. */
        public final String spelling;
        /** What it logs, for {@code -d help}. */
        public final String help;

        Item(String spelling, String help) {
            this.spelling = spelling;
            this.help = help;
        }
    }

    /** Nothing logged. */
    public static final DebugLog OFF = new DebugLog(EnumSet.noneOf(Item.class), System.err);

    private final Set<Item> items;
    private final PrintStream out;

    /** A log of {@code items} to {@code out}. */
    public DebugLog(Set<Item> items, PrintStream out) {
        this.items = items.isEmpty() ? EnumSet.noneOf(Item.class) : EnumSet.copyOf(items);
        this.out = out;
    }

    /** Parses a comma-separated {@code -d} list; throws IllegalArgumentException naming an unknown item. */
    public static Set<Item> parse(String spec) {
        Set<Item> set = EnumSet.noneOf(Item.class);
        for (String s : spec.split(",")) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            Item found = null;
            for (Item i : Item.values()) {
                if (i.spelling.equals(name)) {
                    found = i;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown -d log item '" + s + "' (available: " + available() + ")");
            }
            set.add(found);
        }
        return set;
    }

    /** The item names, comma-separated. */
    public static String available() {
        StringBuilder sb = new StringBuilder();
        for (Item i : Item.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(i.spelling);
        }
        return sb.toString();
    }

    /** Whether {@code item} is logged. */
    public boolean on(Item item) {
        return items.contains(item);
    }

    /** Writes one line (any thread). */
    public void log(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
