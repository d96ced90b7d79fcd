package dev.armature.vm;

import static dev.armature.vm.Errno.E2BIG;
import static dev.armature.vm.Errno.EEXIST;
import static dev.armature.vm.Errno.EINVAL;

/** KVM's vgic_check_iorange: the rule every vGIC/ITS frame address obeys. */
final class IoRange {
    private IoRange() {
    }

    /**
     * The frame must not be set yet (EEXIST), must be aligned and not wrap (EINVAL) and must lie below the
     * VM's IPA limit (E2BIG).
     */
    static void check(long current, long addr, long alignment, long size, int ipaBits, String what) {
        if (current != Vgic.ADDR_UNDEF) {
            throw new KvmException(EEXIST, what + " base address is already set");
        }
        Errno e = error(addr, alignment, size, ipaBits);
        if (e == EINVAL) {
            throw new KvmException(EINVAL, String.format("%s base 0x%x is not %d KiB aligned or wraps around",
                    what, addr, alignment / 1024));
        }
        if (e == E2BIG) {
            throw new KvmException(E2BIG, String.format("%s range [0x%x, 0x%x) is beyond the %d-bit IPA space",
                    what, addr, addr + size, ipaBits));
        }
    }

    /** The errno for a frame that is not set yet, or null if it is acceptable. */
    static Errno error(long addr, long alignment, long size, int ipaBits) {
        if ((addr & (alignment - 1)) != 0 || (size & (alignment - 1)) != 0
                || Long.compareUnsigned(addr + size, addr) < 0) {
            return EINVAL;
        }
        long limit = 1L << ipaBits;
        if (Long.compareUnsigned(addr, limit) >= 0 || Long.compareUnsigned(addr + size, limit) > 0) {
            return E2BIG;
        }
        return null;
    }
}
