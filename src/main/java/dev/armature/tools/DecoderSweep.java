package dev.armature.tools;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Insn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decodes every one of the 2^32 instruction words and reports how many became each {@link Insn} class (named
 * with its enclosing classes, as family$variant), how
 * many made the decoder throw (must be 0: the decoder is total) and the decoding rate.
 *
 * <p>Usage: {@code DecoderSweep [cpu-model] [threads]} (defaults: max, 2).
 */
public final class DecoderSweep {
    private static final int CHUNK_BITS = 20;
    private static final int CHUNKS = 1 << (32 - CHUNK_BITS);
    private static final int MAX_REPORTED_FAILURES = 10;

    /** Dense per-class indexes, so that worker threads count into plain arrays. */
    private static final List<String> CLASS_NAMES = new ArrayList<>();
    private static final ClassValue<Integer> CLASS_INDEX = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            synchronized (CLASS_NAMES) {
                // The simple name with its enclosing classes (AddSubImmediate$Add64): families reuse inner names.
                String name = type.getName();
                CLASS_NAMES.add(name.substring(name.lastIndexOf('.') + 1));
                return CLASS_NAMES.size() - 1;
            }
        }
    };

    private DecoderSweep() {
    }

    private static final class Worker extends Thread {
        private final CpuModel model;
        private final AtomicInteger nextChunk;
        final long[] counts = new long[1024];
        long failures;
        final List<String> failureReports = new ArrayList<>();

        Worker(CpuModel model, AtomicInteger nextChunk) {
            this.model = model;
            this.nextChunk = nextChunk;
        }

        @Override
        public void run() {
            int n;
            while ((n = nextChunk.getAndIncrement()) < CHUNKS) {
                // Chunks in bit-reversed order: the first few already span every encoding group, so the JIT's
                // type profile of the decode call is complete early. In address order each new group would
                // invalidate the compiled loop again, which made the sweep several times slower.
                int chunk = Integer.reverse(n) >>> CHUNK_BITS;
                int base = chunk << CHUNK_BITS;
                for (int i = 0; i < 1 << CHUNK_BITS; i++) {
                    int word = base + i;
                    try {
                        Insn insn = Decoder.decode(word, model);
                        counts[CLASS_INDEX.get(insn.getClass())]++;
                    } catch (RuntimeException | Error e) {
                        failures++;
                        if (failureReports.size() < MAX_REPORTED_FAILURES) {
                            failureReports.add(String.format("0x%08x: %s", word, e));
                        }
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        CpuModel model;
        int threads;
        try {
            model = CpuModel.byName(args.length > 0 ? args[0] : "max");
            threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
            if (threads < 1) {
                throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("DecoderSweep: " + e.getMessage());
            System.err.println("usage: DecoderSweep [cpu-model] [threads]");
            System.exit(2);
            return;
        }
        AtomicInteger nextChunk = new AtomicInteger();
        List<Worker> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(model, nextChunk);
            workers.add(w);
            w.start();
        }
        long[] totals = new long[1024];
        long failures = 0;
        for (Worker w : workers) {
            w.join();
            for (int i = 0; i < totals.length; i++) {
                totals[i] += w.counts[i];
            }
            failures += w.failures;
            w.failureReports.forEach(r -> System.out.println("host exception at " + r));
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Long> byName = new TreeMap<>();
        synchronized (CLASS_NAMES) {
            for (int i = 0; i < CLASS_NAMES.size(); i++) {
                byName.merge(CLASS_NAMES.get(i), totals[i], Long::sum);
            }
        }
        System.out.printf("cpu model %s, %d thread(s)%n", model.name(), threads);
        byName.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("%14d  %5.2f%%  %s%n", e.getValue(),
                        100.0 * e.getValue() / (1L << 32), e.getKey()));
        System.out.printf("host exceptions: %d%n", failures);
        System.out.printf("%d encodings in %.1f s: %.1f M encodings/s%n", 1L << 32, seconds,
                (1L << 32) / seconds / 1e6);
        if (failures != 0) {
            System.exit(1);
        }
    }
}
