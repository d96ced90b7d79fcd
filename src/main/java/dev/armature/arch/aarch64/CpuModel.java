package dev.armature.arch.aarch64;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A CPU model selectable with {@code -cpu}: identification registers and the feature set that gates decoding.
 */
public record CpuModel(String name, long midr, Set<Feature> features) {
    /** Cortex-A57 r1p0 as QEMU's virt presents it: ARMv8.0-A with FP/AdvSIMD, AES, PMULL, SHA1/2 and CRC32. */
    public static final CpuModel CORTEX_A57 = new CpuModel("cortex-a57", 0x411fd070L,
            EnumSet.of(Feature.FP, Feature.ASIMD, Feature.AES, Feature.PMULL, Feature.SHA1, Feature.SHA256,
                    Feature.CRC32));
    /** Everything Armature implements. */
    public static final CpuModel MAX = new CpuModel("max", 0x000f0510L,
            EnumSet.of(Feature.FP, Feature.ASIMD, Feature.AES, Feature.PMULL, Feature.SHA1, Feature.SHA256,
                    Feature.CRC32, Feature.LSE, Feature.LRCPC));

    public boolean has(Feature f) {
        return features.contains(f);
    }

    /** The model with EL2 added or removed (the board decides EL2, not the model). */
    public CpuModel withEl2(boolean el2) {
        EnumSet<Feature> f = EnumSet.copyOf(features);
        if (el2) {
            f.add(Feature.EL2);
        } else {
            f.remove(Feature.EL2);
        }
        return new CpuModel(name, midr, f);
    }

    public static CpuModel byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cortex-a57" -> CORTEX_A57;
            case "max" -> MAX;
            default -> throw new IllegalArgumentException(
                    "unknown CPU model '" + name + "' (available: cortex-a57, max)");
        };
    }
}
