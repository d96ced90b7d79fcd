package dev.armature.migration;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The board configuration a snapshot was taken on, recorded in its header. A snapshot loads only into a VM
 * built with the same configuration: the sections' layout (vCPUs, GIC, RAM) depends on it.
 *
 * @param smp               number of vCPUs
 * @param gicVersion        2 or 3
 * @param ramSize           bytes of RAM
 * @param cpuModel          the {@code -cpu} model name
 * @param virtualization    EL2 present
 * @param virtioMmioVersion 1 or 2
 * @param virtioSerial      the virtio-serial device setting (its enum name)
 * @param dma               the platform-bus DMA engine setting ({@code NONE}, {@code DIRECT}, {@code IOMMU})
 */
public record BoardConfig(int smp, int gicVersion, long ramSize, String cpuModel, boolean virtualization,
                          int virtioMmioVersion, String virtioSerial, String dma) {
    void write(DataOutput out) throws IOException {
        out.writeInt(smp);
        out.writeInt(gicVersion);
        out.writeLong(ramSize);
        out.writeUTF(cpuModel);
        out.writeBoolean(virtualization);
        out.writeInt(virtioMmioVersion);
        out.writeUTF(virtioSerial);
        out.writeUTF(dma);
    }

    /** Reads a configuration of format {@code version}; version 1 had no DMA engine field (it had no engine state). */
    static BoardConfig read(DataInput in, int version) throws IOException {
        return new BoardConfig(in.readInt(), in.readInt(), in.readLong(), in.readUTF(), in.readBoolean(),
                in.readInt(), in.readUTF(), version >= 2 ? in.readUTF() : "NONE");
    }

    /** Throws naming every difference between this (the snapshot's) configuration and the target VM's. */
    public void checkMatches(BoardConfig vm) throws SnapshotException {
        List<String> diffs = new ArrayList<>();
        if (smp != vm.smp) {
            diffs.add("snapshot has " + smp + " vCPU" + (smp == 1 ? "" : "s") + ", this VM has " + vm.smp);
        }
        if (gicVersion != vm.gicVersion) {
            diffs.add("snapshot has GICv" + gicVersion + ", this VM has GICv" + vm.gicVersion);
        }
        if (ramSize != vm.ramSize) {
            diffs.add("snapshot has " + mib(ramSize) + " of RAM, this VM has " + mib(vm.ramSize));
        }
        if (!cpuModel.equals(vm.cpuModel)) {
            diffs.add("snapshot has CPU model " + cpuModel + ", this VM has " + vm.cpuModel);
        }
        if (virtualization != vm.virtualization) {
            diffs.add("snapshot has virtualization=" + onOff(virtualization) + ", this VM has "
                    + onOff(vm.virtualization));
        }
        if (virtioMmioVersion != vm.virtioMmioVersion) {
            diffs.add("snapshot has virtio-mmio version " + virtioMmioVersion + ", this VM has "
                    + vm.virtioMmioVersion);
        }
        if (!virtioSerial.equals(vm.virtioSerial)) {
            diffs.add("snapshot has virtio-serial " + virtioSerial + ", this VM has " + vm.virtioSerial);
        }
        if (!dma.equals(vm.dma)) {
            diffs.add("snapshot has DMA engine " + dma + ", this VM has " + vm.dma);
        }
        if (!diffs.isEmpty()) {
            throw new SnapshotException("snapshot does not match this VM: " + String.join("; ", diffs));
        }
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
