package dev.armature.machine;

import dev.armature.loader.ElfFile;
import dev.armature.loader.KernelImage;
import dev.armature.memory.PhysicalMemory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where the boot images go in RAM and where CPU0 starts, following QEMU 7.2's rules for {@code -kernel} on an
 * AArch64 board (observed with its monitor):
 * <ul>
 * <li>arm64 {@code Image}: at RAM + text_offset, plus 2 MiB when text_offset is below 4 KiB (so it does not
 * overlap the boot stub); an image_size of 0 (kernels before 3.17) means text_offset 0x80000.</li>
 * <li>raw binary: at RAM + 0x80000.</li>
 * <li>initrd: at RAM + min(RAM size / 2, 128 MiB), or after the kernel image if that ends higher (page
 * aligned).</li>
 * <li>DTB: at the first 2 MiB boundary after the initrd (or where the initrd would be without one).</li>
 * <li>Linux kernels (Image and raw) are entered through a six-instruction boot stub at the start of RAM that
 * sets X0 to the DTB address, X1..X3 to zero and branches to the kernel.</li>
 * <li>ELF: PT_LOAD segments at their physical addresses, entered directly at e_entry with X0 = 0; the DTB goes
 * to the start of RAM only if it fits below the lowest segment, and an initrd is not loaded (QEMU ignores it;
 * Armature refuses it).</li>
 * <li>The generated DTB is 1 MiB, as QEMU's (mostly free space), so it lands in the same places.</li>
 * </ul>
 *
 * @param blobs       what to copy into RAM (ELF segments are zero-extended to their memory size)
 * @param entryPc     where CPU0 starts
 * @param dtbAddress  the DTB's address, or -1 when it is not loaded
 * @param chosen      the /chosen contents the DTB was built with
 */
public record BootPlan(List<Blob> blobs, long entryPc, long dtbAddress, VirtDeviceTree.Chosen chosen) {
    public static final long RAW_OFFSET = 0x8_0000;
    public static final long IMAGE_BIAS = 2L << 20;
    public static final long BOOTLOADER_MAX = 0x1000;
    public static final long INITRD_MAX_OFFSET = 128L << 20;
    public static final long DTB_ALIGN = 2L << 20;
    private static final long PAGE = 0x1000;

    /** One range of RAM to fill: {@code data}, then zeros up to {@code size}. */
    public record Blob(String what, long address, byte[] data, long size) {
        public long end() {
            return address + size;
        }
    }

    /**
     * Plans a boot.
     *
     * @param dtbFor builds the DTB once the /chosen contents (initrd range) are known
     */
    public static BootPlan plan(KernelImage kernel, byte[] initrd, String bootargs, long ramBase, long ramSize,
                                Function<VirtDeviceTree.Chosen, byte[]> dtbFor) throws BootException {
        long ramEnd = ramBase + ramSize;
        List<Blob> blobs = new ArrayList<>();
        if (kernel instanceof KernelImage.Elf elf) {
            if (initrd != null) {
                throw new BootException("-initrd needs a Linux kernel (arm64 Image or raw binary); "
                        + "an ELF kernel is entered directly and gets no initrd");
            }
            long low = Long.MAX_VALUE;
            for (ElfFile.ProgramHeader ph : elf.loadSegments()) {
                Blob b = new Blob("ELF segment", ph.paddr(), elf.elf().contents(ph), ph.memsz());
                checkInRam(b, ramBase, ramEnd);
                blobs.add(b);
                low = Math.min(low, ph.paddr());
            }
            VirtDeviceTree.Chosen chosen = new VirtDeviceTree.Chosen(bootargs, 0, 0);
            byte[] dtb = dtbFor.apply(chosen);
            long dtbAddress = -1;
            if (ramBase + dtb.length <= low) {
                dtbAddress = ramBase;
                blobs.add(new Blob("device tree", ramBase, dtb, dtb.length));
            }
            return new BootPlan(List.copyOf(blobs), elf.elf().entry(), dtbAddress, chosen);
        }

        long load;
        long imageEnd;
        byte[] data;
        if (kernel instanceof KernelImage.ArmLinux img) {
            long textOffset = img.imageSize() == 0 ? RAW_OFFSET : img.textOffset();
            load = ramBase + textOffset + (textOffset < BOOTLOADER_MAX ? IMAGE_BIAS : 0);
            data = img.data();
            imageEnd = load + (img.imageSize() != 0 ? img.imageSize() : data.length);
        } else {
            data = ((KernelImage.Raw) kernel).data();
            load = ramBase + RAW_OFFSET;
            imageEnd = load + data.length;
        }
        Blob kernelBlob = new Blob("kernel", load, data, imageEnd - load);
        checkInRam(kernelBlob, ramBase, ramEnd);
        blobs.add(kernelBlob);

        long initrdStart = alignUp(Math.max(ramBase + Math.min(ramSize / 2, INITRD_MAX_OFFSET), imageEnd), PAGE);
        long initrdEnd = initrdStart + (initrd == null ? 0 : initrd.length);
        if (initrd != null) {
            Blob b = new Blob("initrd", initrdStart, initrd, initrd.length);
            checkInRam(b, ramBase, ramEnd);
            blobs.add(b);
        }
        VirtDeviceTree.Chosen chosen = new VirtDeviceTree.Chosen(bootargs, initrdStart, initrdEnd);
        byte[] dtb = dtbFor.apply(chosen);
        long dtbAddress = alignUp(initrdEnd, DTB_ALIGN);
        Blob dtbBlob = new Blob("device tree", dtbAddress, dtb, dtb.length);
        checkInRam(dtbBlob, ramBase, ramEnd);
        blobs.add(dtbBlob);
        blobs.add(new Blob("boot stub", ramBase, bootStub(dtbAddress, load), BOOT_STUB_SIZE));
        return new BootPlan(List.copyOf(blobs), ramBase, dtbAddress, chosen);
    }

    public static final int BOOT_STUB_SIZE = 0x28;

    /**
     * The boot stub: {@code ldr x0, dtb; mov x1, xzr; mov x2, xzr; mov x3, xzr; ldr x4, entry; br x4}, then the
     * two 64-bit literals it loads.
     */
    static byte[] bootStub(long dtb, long entry) {
        int[] words = {
            0x5800_00c0, // LDR X0, [PC + 0x18]
            0xaa1f_03e1, // ORR X1, XZR, XZR
            0xaa1f_03e2, // ORR X2, XZR, XZR
            0xaa1f_03e3, // ORR X3, XZR, XZR
            0x5800_0084, // LDR X4, [PC + 0x10]
            0xd61f_0080, // BR X4
            (int) dtb, (int) (dtb >>> 32), (int) entry, (int) (entry >>> 32),
        };
        byte[] out = new byte[BOOT_STUB_SIZE];
        for (int i = 0; i < words.length; i++) {
            for (int b = 0; b < 4; b++) {
                out[i * 4 + b] = (byte) (words[i] >>> (8 * b));
            }
        }
        return out;
    }

    /** Copies every blob into RAM (also on reset, so the guest starts from pristine images). */
    public void load(PhysicalMemory mem) {
        for (Blob b : blobs) {
            mem.ramSlice(b.address(), b.size()).fill((byte) 0);
            mem.dirtyLog().mark(b.address(), b.size());
            mem.writeBytes(b.address(), b.data());
        }
    }

    private static void checkInRam(Blob b, long ramBase, long ramEnd) throws BootException {
        if (b.address() < ramBase || b.end() > ramEnd || b.end() < b.address()) {
            throw new BootException(String.format(
                    "the %s (0x%x bytes at 0x%x) does not fit in RAM [0x%x..0x%x); a larger -m may help",
                    b.what(), b.size(), b.address(), ramBase, ramEnd));
        }
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }
}
