package dev.armature.machine;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The {@code -d} log: which items are enabled and where they go ({@code -D}, else stderr). */
public final class DebugLog {
    /** Log items, spelled as QEMU spells them where QEMU has the same item. */
    public enum Item {
        INT("int", "exceptions taken (synchronous ones, including PSCI calls)"),
        IN_ASM("in_asm", "each guest instruction the first time it executes"),
        HOST("host", "host stack traces for internal errors"),
        SUMMARY("summary", "a one-line run summary at exit, with the translator statistics"),
        JIT_STATS("jit-stats", "the translator statistics at exit (as the monitor's info jit)");

        public final String spelling;
        public final String help;

        Item(String spelling, String help) {
            this.spelling = spelling;
            this.help = help;
        }
    }

    public static final DebugLog OFF = new DebugLog(EnumSet.noneOf(Item.class), System.err);

    private final Set<Item> items;
    private final PrintStream out;

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

    public static String available() {
        StringBuilder sb = new StringBuilder();
        for (Item i : Item.values()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(i.spelling);
        }
        return sb.toString();
    }

    public boolean on(Item item) {
        return items.contains(item);
    }

    public void log(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
