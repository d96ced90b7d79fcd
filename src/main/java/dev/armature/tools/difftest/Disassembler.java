package dev.armature.tools.difftest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Disassembles raw words with {@code aarch64-linux-gnu-objdump -D -b binary -m aarch64}, when installed. */
public final class Disassembler {
    public static final String OBJDUMP = "aarch64-linux-gnu-objdump";
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\s+([0-9a-f]{8})\\s+(.*)$");

    private Disassembler() {
    }

    /** One line per word ("mnemonic operands"), or null if objdump is not available. */
    public static List<String> disassemble(int[] words) {
        Path f = null;
        try {
            f = Files.createTempFile("difftest-words", ".bin");
            ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int w : words) {
                b.putInt(w);
            }
            Files.write(f, b.array());
            Process p = new ProcessBuilder(OBJDUMP, "-D", "-b", "binary", "-m", "aarch64", f.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            List<String> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                Matcher m = LINE.matcher(line);
                if (m.matches()) {
                    lines.add(m.group(3).replaceAll("\\s+", " ").strip());
                }
            }
            return lines.size() == words.length ? lines : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (f != null) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }
}
