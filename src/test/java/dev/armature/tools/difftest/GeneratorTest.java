package dev.armature.tools.difftest;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generator makes the instructions its classes claim: checked by disassembling them with objdump. */
class GeneratorTest {
    private static final Pattern ALU = Pattern.compile("(adds?|subs?|cmp|cmn|mov|movn|movz|movk|mvn|negs?|adcs?|"
            + "sbcs?|ngcs?|ands?|orr|orn|eor|eon|bics?|tst|adrp?|s?bfm|ubfm|sbfx|ubfx|bfi|bfxil|bfc|sbfiz|ubfiz|"
            + "lsl|lsr|asr|ror|sxt[bhw]|uxt[bh]|extr|csel|csinc|csinv|csneg|cset|csetm|cinc|cinv|cneg|ccmp|ccmn|"
            + "rbit|rev16|rev32|rev|clz|cls|udiv|sdiv|crc32c?[bhwx]|madd|msub|mul|mneg|[su]maddl|[su]msubl|"
            + "[su]mull|[su]mnegl|[su]mulh)");
    private static final Pattern SYSTEM = Pattern.compile("clrex");
    private static final Pattern BRANCH = Pattern.compile("b|bl|b\\.\\w+|cbn?z|tbn?z|br|blr|ret");
    private static final Pattern LDST = Pattern.compile("(ld|st)(r|ur|tr)(s?[bhw])?|(ld|st)n?p|ldpsw|"
            + "(ldxr|ldaxr|stxr|stlxr|ldar|stlr)[bh]?|ldxp|ldaxp|stxp|stlxp");
    private static final Pattern SIMDLDST = Pattern.compile("(ld|st)(r|ur|p|np)|(ld|st)[1-4]|ld[1-4]r");
    private static final Pattern LSE = Pattern.compile("(ld|st)(add|clr|eor|set|smax|smin|umax|umin)(a|al|l)?[bh]?|"
            + "swp(a|al|l)?[bh]?|cas(a|al|l)?[bh]?|casp(a|al|l)?");

    private static final Pattern FP = Pattern.compile("f(add|sub|mul|div|nmul|max|min|maxnm|minnm|madd|msub|"
            + "nmadd|nmsub|sqrt|abs|neg|cmp|cmpe|ccmp|ccmpe|csel|mov|cvt|rint[npmzaxi]|cvt[npmza][su])|[su]cvtf");
    private static final Pattern SIMD = Pattern.compile("[^ ]+"); // the space is too wide to list; see the checks

    private static List<String> mnemonics(InsnClass cls, int cases) {
        SplittableRandom r = new SplittableRandom(42 + cls.ordinal());
        Generator g = new Generator();
        BatchProgram p = new BatchProgram();
        List<Integer> words = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            TestCase c = g.next(r, cls, p);
            p.add(c);
            if (c.kind().equals(Generator.PROBE_KIND)) {
                continue; // raw words, unallocated on purpose
            }
            for (int w : c.words()) {
                words.add(w);
            }
        }
        List<String> lines = Disassembler.disassemble(words.stream().mapToInt(Integer::intValue).toArray());
        if (lines == null) {
            System.out.println("SKIP: " + Disassembler.OBJDUMP + " is not installed");
        }
        Assumptions.assumeTrue(lines != null);
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            assertFalse(l.startsWith(".inst") || l.contains("undefined"), cls + " made an unallocated word: " + l);
            out.add(l.split(" ")[0]);
        }
        return out;
    }

    private static Set<String> check(InsnClass cls, Pattern allowed, int cases) {
        Set<String> seen = new TreeSet<>(mnemonics(cls, cases));
        for (String m : seen) {
            assertTrue(allowed.matcher(m).matches(), cls + " made '" + m + "'");
        }
        return seen;
    }

    @Test
    void aluWordsAreIntegerDataProcessing() {
        Set<String> seen = check(InsnClass.ALU, ALU, 4000);
        for (String m : List.of("add", "subs", "and", "orr", "movk", "adrp", "ubfx", "extr", "csel", "ccmp",
                "rbit", "udiv", "crc32cx", "madd", "umulh", "lsl", "asr", "ror")) {
            assertTrue(seen.contains(m), "alu never made " + m + ": " + seen);
        }
    }

    @Test
    void branchCasesMixBranchesWithIntegerInstructions() {
        Set<String> seen = new TreeSet<>(mnemonics(InsnClass.BRANCH, 1500));
        for (String m : seen) {
            assertTrue(BRANCH.matcher(m).matches() || ALU.matcher(m).matches(), "branch made '" + m + "'");
        }
        for (String m : List.of("b", "bl", "cbz", "cbnz", "tbz", "tbnz", "br", "blr", "ret", "adr")) {
            assertTrue(seen.contains(m), "branch never made " + m + ": " + seen);
        }
        assertTrue(seen.stream().anyMatch(m -> m.startsWith("b.")));
    }

    @Test
    void ldstWordsAreLoadsAndStores() {
        Set<String> seen = check(InsnClass.LDST, Pattern.compile(LDST.pattern() + "|" + SYSTEM.pattern()), 3000);
        for (String m : List.of("ldr", "strb", "ldrsh", "ldrsw", "ldur", "sttrh", "ldp", "stnp", "ldpsw", "ldxr",
                "stlxrb", "ldaxp", "stxp", "ldar", "stlrh", "clrex")) {
            assertTrue(seen.contains(m), "ldst never made " + m + ": " + seen);
        }
    }

    @Test
    void simdLdstWordsAreSimdFpLoadsAndStores() {
        Set<String> seen = check(InsnClass.SIMDLDST, SIMDLDST, 3000);
        for (String m : List.of("ldr", "stur", "ldp", "stnp", "ld1", "st4", "ld3r", "ld2", "st1")) {
            assertTrue(seen.contains(m), "simdldst never made " + m + ": " + seen);
        }
        List<String> lines = Disassembler.disassemble(new int[] {0x3dc0_0000, 0x0cdf_7000});
        Assumptions.assumeTrue(lines != null);
        assertEquals(List.of("ldr q0, [x0]", "ld1 {v0.8b}, [x0], #8"), lines);
    }

    @Test
    void fpWordsAreScalarFloatingPoint() {
        Set<String> seen = check(InsnClass.FP, FP, 6000);
        for (String m : List.of("fadd", "fnmul", "fmadd", "fnmsub", "fmaxnm", "fsqrt", "fabs", "fcmpe", "fccmp",
                "fcsel", "frintx", "frinta", "fcvt", "fcvtzs", "fcvtau", "fcvtmu", "scvtf", "ucvtf", "fmov")) {
            assertTrue(seen.contains(m), "fp never made " + m + ": " + seen);
        }
        List<String> lines = Disassembler.disassemble(FP_HALF);
        Assumptions.assumeTrue(lines != null);
        assertTrue(lines.get(0).startsWith("fcvt\td0, h") || lines.get(0).startsWith("fcvt d0, h"), lines.get(0));
    }

    private static final int[] FP_HALF = {0x1ee2_c000}; // fcvt d0, h0: the FCVT form with a half source

    @Test
    void simdWordsAreAdvSimdDataProcessing() {
        Set<String> seen = check(InsnClass.SIMD, SIMD, 12000);
        for (String m : List.of("add", "sqrdmulh", "fmaxnmp", "uaddl", "pmull", "pmull2", "sqdmlal2", "rev64",
                "fcvtxn", "frecpe", "urecpe", "sqxtun", "addv", "fmaxnmv", "uaddlv", "mla", "fmla", "sqdmulh",
                "dup", "mov", "smov", "umov", "movi", "mvni", "bic", "fmov", "sshr", "sqrshrun", "uqshrn2", "sri",
                "sli", "ushll", "scvtf", "fcvtzu", "uzp1", "trn2", "zip1", "ext", "tbl", "tbx", "aese", "aesimc",
                "sha1c", "sha256h2", "sha1h", "sha256su0", "fcvtl", "fcvtn2", "shll", "mvn", "rbit", "cnt")) {
            assertTrue(seen.contains(m), "simd never made " + m + ": " + seen);
        }
        assertFalse(seen.contains("fmlal") || seen.contains("sqrdmlah") || seen.contains("sdot"), seen.toString());
    }

    @Test
    void someFpAndSimdCasesAreRawWords() {
        SplittableRandom r = new SplittableRandom(7);
        Generator g = new Generator();
        BatchProgram p = new BatchProgram();
        int raw = 0;
        for (int i = 0; i < 16 * Generator.UNDEFINED_PROBE_RATE; i++) {
            TestCase c = g.next(r, i % 2 == 0 ? InsnClass.FP : InsnClass.SIMD, p);
            if (c.kind().equals(Generator.PROBE_KIND)) {
                raw++;
                assertEquals(0x0e00_0000, c.words()[0] & 0x0e00_0000);
            }
            assertTrue(c.usesVectors() && !c.usesMemory());
        }
        assertTrue(raw >= 4 && raw <= 40, "raw words: " + raw); // 16 expected
    }

    @Test
    void lseWordsAreAtomics() {
        Set<String> seen = check(InsnClass.LSE, LSE, 2000);
        for (String m : List.of("ldadd", "swpal", "casb", "caspal")) {
            assertTrue(seen.contains(m), "lse never made " + m + ": " + seen);
        }
    }

    @Test
    void allMixesTheArmv80Classes() {
        List<String> ms = mnemonics(InsnClass.ALL, 600);
        assertTrue(ms.stream().anyMatch(m -> LDST.matcher(m).matches()));
        assertTrue(ms.stream().anyMatch(m -> BRANCH.matcher(m).matches()));
        assertTrue(ms.stream().anyMatch(m -> m.matches("(ld|st)[1-4]r?")));
        assertFalse(ms.stream().anyMatch(m -> m.startsWith("cas") || m.startsWith("swp")));
    }

    @Test
    void bitmaskImmediatesFollowTheArmArm() {
        assertTrue(AluGenerator.validBitmask(1, 1, 0b000000)); // 64-bit element, one bit set
        assertFalse(AluGenerator.validBitmask(1, 1, 0b111111)); // all ones: reserved
        assertFalse(AluGenerator.validBitmask(0, 1, 0)); // N=1 with 32-bit
        assertFalse(AluGenerator.validBitmask(0, 0, 0b111101)); // 2-bit element, all ones
        assertFalse(AluGenerator.validBitmask(0, 0, 0b111110)); // element size 1: reserved
        assertTrue(AluGenerator.validBitmask(0, 0, 0b111100)); // 2-bit element 01
        assertEquals(5334, countValid()); // 5334 = the number of distinct valid (N, immr, imms) for 64-bit
    }

    private static int countValid() {
        int n = 0;
        for (int nb = 0; nb < 2; nb++) {
            for (int imms = 0; imms < 64; imms++) {
                if (AluGenerator.validBitmask(1, nb, imms)) {
                    for (int immr = 0; immr < 64; immr++) {
                        int len = 31 - Integer.numberOfLeadingZeros(nb << 6 | (~imms & 0x3f));
                        if (immr < (1 << len)) {
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }
}
