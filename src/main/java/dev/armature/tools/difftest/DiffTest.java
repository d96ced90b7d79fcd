package dev.armature.tools.difftest;

import dev.armature.accel.Accelerator;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.DecodeCache;
import dev.armature.memory.PhysicalMemory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code tools/difftest --count N --seed S [--class NAME] [--keep DIR] [--jobs J]}: runs randomly generated
 * instruction sequences under qemu-aarch64 and under Armature's user mode and compares registers, flags, SP and
 * the scratch memory window after every case. A divergence is re-run alone and printed as a reproducer. The last
 * line is {@code N compared, D divergences}; the exit status is 1 if D > 0.
 */
@Command(name = "difftest", description = "Differential test of Armature against qemu-aarch64.")
public final class DiffTest implements Callable<Integer> {
    @Option(names = "--count", description = "number of test cases (default ${DEFAULT-VALUE})")
    int count = 1000;

    @Option(names = "--seed", description = "random seed (default: time-based, printed)")
    Long seed;

    @Option(names = "--class", paramLabel = "NAME", description = "alu, branch, ldst, simdldst, fp, simd, lse or all (default all)")
    String className = "all";

    @Option(names = "--cpu", paramLabel = "MODEL",
            description = "CPU model for both emulators (default: cortex-a57, or max for lse)")
    String cpu;

    @Option(names = "--accel", paramLabel = "ACCEL",
            description = "Armature's executor: interp (default) or tcg[,options]")
    String accel = "interp";

    @Option(names = "--repeat", paramLabel = "K",
            description = "run each batch's cases K times in one process, comparing every pass (default 1); "
                    + "with --accel tcg this makes the code hot so it is translated")
    int repeat = 1;

    @Option(names = "--keep", paramLabel = "DIR", description = "keep batch and reproducer ELFs in DIR")
    Path keep;

    @Option(names = "--jobs", description = "batches run in parallel (default ${DEFAULT-VALUE})")
    int jobs = 1;

    @Option(names = "--batch", description = "cases per generated ELF (default ${DEFAULT-VALUE})")
    int batchSize = 1000;

    @Option(names = "--max-reports", description = "divergences printed in full (default ${DEFAULT-VALUE})")
    int maxReports = 20;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private final PrintStream out = System.out;

    /** The result of one batch: cases compared and the reports of its divergences. */
    record BatchResult(int compared, List<String> divergences) {
    }

    @Override
    public Integer call() throws Exception {
        InsnClass cls;
        try {
            cls = InsnClass.byName(className);
        } catch (IllegalArgumentException e) {
            System.err.println("difftest: " + e.getMessage());
            return 2;
        }
        if (cpu == null) {
            cpu = cls.cpuModel();
        } else if (!cpu.equals("cortex-a57") && !cpu.equals("max")) {
            System.err.println("difftest: unknown CPU model '" + cpu + "' (available: cortex-a57, max)");
            return 2;
        }
        try (PhysicalMemory scratch = new PhysicalMemory()) { // validates --accel before any batch runs
            Accelerator.create(accel, scratch, new DecodeCache(CpuModel.byName(cpu)));
        } catch (IllegalArgumentException e) {
            System.err.println("difftest: " + e.getMessage());
            return 2;
        }
        if (count < 0 || jobs < 1 || batchSize < 1 || repeat < 1) {
            System.err.println("difftest: --count must be >= 0, --jobs, --batch and --repeat >= 1");
            return 2;
        }
        if (!Engines.qemuAvailable()) {
            System.err.println("difftest: " + Engines.QEMU + " is not installed (Debian package qemu-user)");
            return 2;
        }
        if (keep != null) {
            try {
                Files.createDirectories(keep);
            } catch (IOException e) {
                System.err.println("difftest: cannot create --keep directory " + keep + ": " + e);
                return 2;
            }
        }
        long s = seed != null ? seed : System.nanoTime();
        out.printf("difftest: class %s, %d cases, seed %d, cpu %s%n", cls.cliName(), count, s, cpu);
        int batches = (count + batchSize - 1) / batchSize;
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        List<Future<BatchResult>> results = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            int index = b;
            int n = Math.min(batchSize, count - b * batchSize);
            long batchSeed = s * 1_000_003L + b; // independent of --jobs
            results.add(pool.submit(() -> runBatch(cls, index, n, batchSeed)));
        }
        int compared = 0;
        int divergences = 0;
        try {
            for (Future<BatchResult> f : results) {
                BatchResult r = f.get();
                compared += r.compared();
                for (String d : r.divergences()) {
                    if (divergences++ < maxReports) {
                        out.print(d);
                    }
                }
            }
        } catch (ExecutionException e) {
            System.err.println("difftest: a batch could not run: " + e.getCause());
            return 2;
        } finally {
            pool.shutdownNow();
        }
        if (divergences > maxReports) {
            out.printf("(%d more divergences not shown; raise --max-reports)%n", divergences - maxReports);
        }
        out.printf("%d compared, %d divergences%n", compared, divergences);
        return divergences > 0 ? 1 : 0;
    }

    private BatchResult runBatch(InsnClass cls, int index, int n, long batchSeed) throws Exception {
        SplittableRandom r = new SplittableRandom(batchSeed);
        Generator gen = new Generator();
        BatchProgram probe = new BatchProgram();
        List<TestCase> cases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestCase c = gen.next(r, cls, probe);
            probe.add(c);
            cases.add(c);
        }
        int compared = 0;
        List<String> reports = new ArrayList<>();
        int part = 0;
        while (!cases.isEmpty()) {
            BatchProgram program = program(cases);
            byte[] image = program.elf(repeat);
            Outcome ref = Engines.qemu(Engines.write(image, keep, "batch-" + index + "-" + part + ".elf"),
                    cpu);
            Outcome arm = Engines.armature(image, cpu, accel);
            part++;
            int done = Math.min(ref.completeRecords(cases), arm.completeRecords(cases));
            long at = 0;
            for (int i = 0; i < done; i++) {
                TestCase c = cases.get(i);
                int size = BatchProgram.outputSize(c);
                byte[] a = Arrays.copyOfRange(ref.stdout(), (int) at, (int) at + size);
                byte[] b = Arrays.copyOfRange(arm.stdout(), (int) at, (int) at + size);
                compared++;
                if (!Arrays.equals(a, b)) {
                    reports.add(report(c, ref, arm, (int) at, true, "in batch " + index));
                }
                at += size;
            }
            if (done == cases.size()) {
                String later = laterPasses(cases, ref, arm, index);
                if (later != null) {
                    reports.add(later);
                }
                break;
            }
            // One side stopped at case `done`: settle it alone, then go on with the rest.
            TestCase c = cases.get(done);
            boolean refHas = ref.completeRecords(cases) > done;
            boolean armHas = arm.completeRecords(cases) > done;
            if (refHas && !armHas && arm.stopPc() >= 0 && !program.inTestWords(done, arm.stopPc())) {
                // Not the case's fault: Armature cannot run the harness code; every later case would stop too.
                reports.add(String.format("HARNESS FAILURE in batch %d: Armature stopped at PC 0x%x in the prologue"
                        + " or epilogue of case %d, not in its words: %s%n  (the harness needs MOVZ/MOVK, ADD, LDR/STR,"
                        + " LDP/STP of X and Q registers, MRS/MSR of NZCV and TPIDR_EL0, SVC)%n", index,
                        arm.stopPc(), done, arm.note()));
                break;
            }
            compared++;
            boolean batchDiffers = refHas != armHas || !refHas && ref.status() != arm.status();
            String stopped = report(c, ref, arm, (int) at, batchDiffers,
                    "in batch " + index + " (stopped the batch)");
            if (stopped != null) {
                reports.add(stopped);
            }
            cases = new ArrayList<>(cases.subList(done + 1, cases.size()));
        }
        return new BatchResult(compared, reports);
    }

    /**
     * Compares passes 2..K (first pass already compared): the first differing case is reported with the batch
     * outputs (it agreed in pass 1, so it will not reproduce alone: a translator or state problem).
     */
    private String laterPasses(List<TestCase> cases, Outcome ref, Outcome arm, int index)
            throws IOException, InterruptedException {
        if (repeat == 1) {
            return null;
        }
        int passBytes = cases.stream().mapToInt(BatchProgram::outputSize).sum();
        int total = passBytes * repeat;
        byte[] a = ref.stdout();
        byte[] b = arm.stdout();
        for (int off = passBytes; off < total; ) {
            for (TestCase c : cases) {
                int size = BatchProgram.outputSize(c);
                boolean missing = a.length < off + size || b.length < off + size;
                if (missing || !Arrays.equals(a, off, off + size, b, off, off + size)) {
                    return report(c, ref, arm, off, true, String.format("in batch %d, pass %d of %d", index,
                            off / passBytes + 1, repeat));
                }
                off += size;
            }
        }
        return null;
    }

    private static BatchProgram program(List<TestCase> cases) {
        BatchProgram p = new BatchProgram();
        cases.forEach(p::add);
        return p;
    }

    private Outcome alone(TestCase c) throws IOException, InterruptedException {
        byte[] image = program(List.of(c)).elf();
        Path f = Engines.write(image, keep, "case-" + Integer.toHexString(c.words()[0]) + ".elf");
        try {
            return Engines.qemu(f, cpu);
        } finally {
            if (keep == null) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * A reproducer: re-runs the case alone (the shrink step: its words with its inputs and nothing else) and
     * prints the words, their disassembly, the inputs and the outputs that differ.
     */
    private String report(TestCase c, Outcome batchRef, Outcome batchArm, int batchOffset, boolean batchDiffers,
                          String where) throws IOException, InterruptedException {
        Outcome ref = alone(c);
        Outcome arm = Engines.armature(program(List.of(c)).elf(), cpu, accel);
        StringBuilder sb = new StringBuilder();
        boolean reproduces = ref.status() != arm.status() || !Arrays.equals(ref.stdout(), arm.stdout());
        if (!reproduces && !batchDiffers) {
            return null; // both emulators stopped the same way, in the batch and alone
        }
        sb.append(String.format("DIVERGENCE (%s) %s%s%n", c.kind(), where,
                reproduces ? "" : " - does NOT reproduce alone; the batch outputs follow"));
        if (!reproduces) {
            ref = batchRef;
            arm = batchArm;
        }
        List<String> dis = Disassembler.disassemble(c.words());
        for (int i = 0; i < c.words().length; i++) {
            sb.append(String.format("  %08x  %s%n", c.words()[i], dis != null ? dis.get(i)
                    : "(install " + Disassembler.OBJDUMP + " for disassembly)"));
        }
        sb.append("  inputs:");
        for (int i = 0; i < 31; i++) {
            sb.append(i % 4 == 0 ? "\n   " : "").append(String.format(" x%-2d=%016x", i, c.x()[i]));
        }
        sb.append(String.format("%n    sp=%016x nzcv=%s%n", c.sp(), flags(c.nzcv())));
        if (c.usesMemory()) {
            sb.append(String.format("    scratch window at 0x%x, %d random bytes%n", BatchProgram.WINDOW,
                    BatchProgram.WINDOW_SIZE));
        }
        if (c.usesVectors()) {
            for (int i = 0; i < 32; i++) {
                sb.append(i % 2 == 0 ? "   " : "").append(String.format(" v%-2d=%016x%016x", i, c.v()[2 * i + 1],
                        c.v()[2 * i])).append(i % 2 == 1 ? "\n" : "");
            }
            sb.append(String.format("    fpcr=%08x fpsr=%08x%n", c.fpcr(), c.fpsr()));
        }
        if (ref.status() != 0 || arm.status() != 0 || ref.note() != null || arm.note() != null) {
            sb.append(String.format("  qemu-aarch64: status %d%s%n", ref.status(),
                    ref.note() != null ? " (" + ref.note().replace('\n', ' ') + ")" : ""));
            sb.append(String.format("  armature:     status %d%s%n", arm.status(),
                    arm.note() != null ? " (" + arm.note() + ")" : ""));
        }
        appendDifferences(sb, c, ref.stdout(), arm.stdout(), reproduces ? 0 : batchOffset);
        return sb.toString();
    }

    static void appendDifferences(StringBuilder sb, TestCase c, byte[] ref, byte[] arm, int offset) {
        if (offset < 0) {
            return;
        }
        int size = BatchProgram.outputSize(c);
        if (ref.length < offset + size || arm.length < offset + size) {
            sb.append(String.format("  output: qemu-aarch64 wrote %d bytes, armature %d (of %d)%n", ref.length,
                    arm.length, size));
            return;
        }
        ByteBuffer a = ByteBuffer.wrap(ref).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.wrap(arm).order(ByteOrder.LITTLE_ENDIAN);
        sb.append("  differs (qemu-aarch64 vs armature):\n");
        for (int i = 0; i < 31; i++) {
            long va = a.getLong(offset + 8 + 8 * i);
            long vb = b.getLong(offset + 8 + 8 * i);
            if (va != vb) {
                sb.append(String.format("    x%-2d  %016x  %016x%n", i, va, vb));
            }
        }
        long fa = a.getLong(offset + 256);
        long fb = b.getLong(offset + 256);
        if (fa != fb) {
            sb.append(String.format("    nzcv %s vs %s%n", flags((int) fa), flags((int) fb)));
        }
        long sa = a.getLong(offset + 264);
        long sbv = b.getLong(offset + 264);
        if (sa != sbv) {
            sb.append(String.format("    sp   %016x  %016x%n", sa, sbv));
        }
        if (c.usesMemory()) {
            for (int i = 0; i < BatchProgram.WINDOW_SIZE; i += 8) {
                long ma = a.getLong(offset + BatchProgram.RECORD + i);
                long mb = b.getLong(offset + BatchProgram.RECORD + i);
                if (ma != mb) {
                    sb.append(String.format("    mem[0x%x]  %016x  %016x%n", BatchProgram.WINDOW + i, ma, mb));
                }
            }
        }
        if (c.usesVectors()) {
            int v = offset + BatchProgram.vectorOffset(c);
            for (int i = 0; i < 32; i++) {
                long la = a.getLong(v + 16 * i);
                long ha = a.getLong(v + 16 * i + 8);
                long lb = b.getLong(v + 16 * i);
                long hb = b.getLong(v + 16 * i + 8);
                if (la != lb || ha != hb) {
                    sb.append(String.format("    v%-2d  %016x%016x  %016x%016x%n", i, ha, la, hb, lb));
                }
            }
            String[] names = {"fpcr", "fpsr"};
            for (int i = 0; i < 2; i++) {
                long ra = a.getLong(v + 512 + 8 * i);
                long rb = b.getLong(v + 512 + 8 * i);
                if (ra != rb) {
                    sb.append(String.format("    %s %08x  %08x%n", names[i], ra, rb));
                }
            }
        }
    }

    private static String flags(int nzcv) {
        return ((nzcv & 0x8000_0000) != 0 ? "N" : "n") + ((nzcv & 0x4000_0000) != 0 ? "Z" : "z")
                + ((nzcv & 0x2000_0000) != 0 ? "C" : "c") + ((nzcv & 0x1000_0000) != 0 ? "V" : "v");
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new DiffTest());
        System.exit(cl.execute(args));
    }
}
