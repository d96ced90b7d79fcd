package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Feature;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;
import dev.armature.arch.aarch64.insn.CryptoAes;
import dev.armature.arch.aarch64.insn.CryptoPmull;
import dev.armature.arch.aarch64.insn.CryptoSha;

/** Decodes the ARMv8.0 cryptographic extension: AES, SHA1, SHA256 and 64-bit PMULL, each gated on its feature. */
final class CryptoDecoder {
    private CryptoDecoder() {
    }

    /** Crypto AES: 0100 1110 0010 1000 0 opcode 10 Rn Rd (size 00). */
    static Insn aes(int word, CpuModel model) {
        int opcode = (word >>> 12) & 0x1f;
        if ((word & 0xff3e0c00) != 0x4e280800 || ((word >>> 22) & 3) != 0 || opcode < 4 || opcode > 7
                || !model.has(Feature.AES)) {
            return new Undefined(word);
        }
        CryptoAes.Op op = CryptoAes.Op.values()[opcode - 4];
        int d = word & 31;
        int n = (word >>> 5) & 31;
        return new CryptoAes(op.name().toLowerCase() + " v" + d + ".16b, v" + n + ".16b", op, d, n);
    }

    /** Crypto two-register SHA: SHA1H, SHA1SU1, SHA256SU0. */
    static Insn shaTwoReg(int word, CpuModel model) {
        int opcode = (word >>> 12) & 0x1f;
        if ((word & 0xff3e0c00) != 0x5e280800 || ((word >>> 22) & 3) != 0 || opcode > 2) {
            return new Undefined(word);
        }
        CryptoSha.Op op = opcode == 0 ? CryptoSha.Op.SHA1H : opcode == 1 ? CryptoSha.Op.SHA1SU1
                : CryptoSha.Op.SHA256SU0;
        if (!model.has(op == CryptoSha.Op.SHA256SU0 ? Feature.SHA256 : Feature.SHA1)) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        String text = op == CryptoSha.Op.SHA1H ? "sha1h s" + d + ", s" + n
                : op.name().toLowerCase() + " v" + d + ".4s, v" + n + ".4s";
        return new CryptoSha(text, op, d, n, 0);
    }

    /** Crypto three-register SHA: SHA1C/P/M/SU0, SHA256H/H2/SU1. */
    static Insn shaThreeReg(int word, CpuModel model) {
        int opcode = (word >>> 12) & 7;
        if (((word >>> 22) & 3) != 0 || opcode == 7) {
            return new Undefined(word);
        }
        CryptoSha.Op op = CryptoSha.Op.values()[opcode];
        if (!model.has(opcode >= 4 ? Feature.SHA256 : Feature.SHA1)) {
            return new Undefined(word);
        }
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        String name = op.name().toLowerCase();
        String text = switch (op) {
            case SHA1C, SHA1P, SHA1M -> name + " q" + d + ", s" + n + ", v" + m + ".4s";
            case SHA256H, SHA256H2 -> name + " q" + d + ", q" + n + ", v" + m + ".4s";
            default -> name + " v" + d + ".4s, v" + n + ".4s, v" + m + ".4s";
        };
        return new CryptoSha(text, op, d, n, m);
    }

    /** PMULL/PMULL2 with 64-bit elements. */
    static Insn pmull64(int word, CpuModel model) {
        if (!model.has(Feature.PMULL)) {
            return new Undefined(word);
        }
        boolean q = (word & (1 << 30)) != 0;
        int d = word & 31;
        int n = (word >>> 5) & 31;
        int m = (word >>> 16) & 31;
        return new CryptoPmull("pmull" + (q ? "2" : "") + " v" + d + ".1q, v" + n + (q ? ".2d" : ".1d") + ", v" + m
                + (q ? ".2d" : ".1d"), d, n, m, q);
    }
}
