package dev.armature.arch.aarch64.decode;

import dev.armature.arch.aarch64.CpuModel;
import dev.armature.arch.aarch64.Insn;
import dev.armature.arch.aarch64.Undefined;

/** Decodes the cryptographic extension (AES, SHA1, SHA256, 64-bit PMULL). Not implemented yet: UNDEFINED. */
final class CryptoDecoder {
    private CryptoDecoder() {
    }

    static Insn aes(int word, CpuModel model) {
        return new Undefined(word);
    }

    static Insn shaTwoReg(int word, CpuModel model) {
        return new Undefined(word);
    }

    static Insn shaThreeReg(int word, CpuModel model) {
        return new Undefined(word);
    }

    static Insn pmull64(int word, CpuModel model) {
        return new Undefined(word);
    }
}
