package dev.armature.arch.aarch64.insn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.CpuTestSupport;
import dev.armature.arch.aarch64.Decoder;
import dev.armature.arch.aarch64.Undefined;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test against the reference {@code qemu-aarch64}: random data-processing instructions (those the
 * decoder accepts) run once on random registers and flags under QEMU's user mode and once in the interpreter;
 * all of X0..X30 and NZCV must agree. Skipped when the cross binutils or qemu-user are not installed.
 *
 * <p>Rd and Rn are kept away from 31 because the harness uses SP as its base register; XZR/SP forms are
 * covered by the hand-written tests.
 */
class DataProcessingDifferentialTest {
    /** Case count and seed; override with -Ddpdiff.cases=N -Ddpdiff.seed=S for longer runs. */
    private static final int CASES = Integer.getInteger("dpdiff.cases", 3000);
    private static final long SEED = Long.getLong("dpdiff.seed", 0x5eed_da7aL);
    private static final long[] EDGES = {0, 1, -1, 2, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000_0000L, 0x7fff_ffffL,
        0xffff_ffffL, 0xffff_ffff_8000_0000L, 63, 64, 31, 32};

    private record Case(int word, long[] x, int nzcv) {
    }

    @Test
    void agreesWithQemu() throws IOException, InterruptedException {
        assumeTrue(onPath("qemu-aarch64") && onPath("aarch64-linux-gnu-as") && onPath("aarch64-linux-gnu-ld"),
                "qemu-user or cross binutils not installed");
        Random rnd = new Random(SEED);
        List<Case> cases = new ArrayList<>();
        while (cases.size() < CASES) {
            int word = randomDataProcessingWord(rnd);
            var insn = Decoder.decode(word, CpuModel.MAX);
            if (insn instanceof Undefined || insn instanceof PcRelAddressing) {
                continue; // ADR/ADRP results depend on where the code sits
            }
            long[] x = new long[31];
            for (int i = 0; i < 31; i++) {
                x[i] = rnd.nextInt(3) == 0 ? EDGES[rnd.nextInt(EDGES.length)] : rnd.nextLong() >> rnd.nextInt(64);
            }
            cases.add(new Case(word, x, rnd.nextInt(16)));
        }
        ByteBuffer reference = runUnderQemu(cases);
        CpuTestSupport t = new CpuTestSupport(CpuModel.MAX);
        for (Case c : cases) {
            System.arraycopy(c.x(), 0, t.cpu.r, 0, 31);
            t.nzcv(c.nzcv()).run(c.word());
            String what = String.format("%s (0x%08x)", Decoder.decode(c.word(), CpuModel.MAX), c.word());
            for (int i = 0; i < 31; i++) {
                assertEquals(reference.getLong(), t.cpu.r[i], what + ": x" + i);
            }
            assertEquals(reference.getLong() >>> 28, (long) t.nzcv(), what + ": NZCV");
        }
    }

    /** A random word in the data processing (immediate) or (register) groups with Rd, Rn in 0..30. */
    private static int randomDataProcessingWord(Random rnd) {
        int w = rnd.nextInt();
        w = rnd.nextBoolean() ? (w & ~0x1c00_0000) | 0x1000_0000 : (w & ~0x0e00_0000) | 0x0a00_0000;
        int rd = rnd.nextInt(31);
        int rn = rnd.nextInt(31);
        return (w & ~0x3ff) | rn << 5 | rd;
    }

    private static ByteBuffer runUnderQemu(List<Case> cases) throws IOException, InterruptedException {
        StringBuilder s = new StringBuilder(".text\n.global _start\n_start:\n");
        for (int i = 0; i < cases.size(); i++) {
            s.append("adrp x30, out").append(i).append("\nadd x30, x30, :lo12:out").append(i).append("\nmov sp, x30\n");
            s.append("adrp x30, in").append(i).append("\nadd x30, x30, :lo12:in").append(i).append('\n');
            s.append("ldr x0, [x30, #248]\nmsr nzcv, x0\n");
            for (int r = 0; r < 30; r += 2) {
                s.append("ldp x").append(r).append(", x").append(r + 1).append(", [x30, #").append(8 * r).append("]\n");
            }
            s.append("ldr x30, [x30, #240]\n");
            s.append(String.format(".inst 0x%08x%n", cases.get(i).word()));
            for (int r = 0; r < 30; r += 2) {
                s.append("stp x").append(r).append(", x").append(r + 1).append(", [sp, #").append(8 * r).append("]\n");
            }
            s.append("str x30, [sp, #240]\nmrs x0, nzcv\nstr x0, [sp, #248]\n");
        }
        s.append("mov x0, #1\nadrp x1, out0\nadd x1, x1, :lo12:out0\nldr x2, =").append(256 * cases.size())
                .append("\nmov x8, #64\nsvc #0\nmov x0, #0\nmov x8, #93\nsvc #0\n.ltorg\n.data\n");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            s.append(".balign 16\nin").append(i).append(":\n");
            for (long v : c.x()) {
                s.append(".quad ").append(v).append('\n');
            }
            s.append(".quad ").append((long) c.nzcv() << 28).append('\n');
        }
        s.append(".bss\n.balign 16\n");
        for (int i = 0; i < cases.size(); i++) {
            s.append("out").append(i).append(": .space 256\n");
        }
        Path dir = Files.createTempDirectory("dpdiff");
        try {
            Files.writeString(dir.resolve("t.s"), s);
            exec(dir, "aarch64-linux-gnu-as", "-o", "t.o", "t.s");
            exec(dir, "aarch64-linux-gnu-ld", "-static", "-o", "t", "t.o");
            Process p = new ProcessBuilder("qemu-aarch64", "t").directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor(), "qemu-aarch64 exit status");
            assertEquals(256 * cases.size(), out.length, "reference output size");
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void exec(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
