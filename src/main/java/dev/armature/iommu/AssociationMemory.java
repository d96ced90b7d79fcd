package dev.armature.iommu;

/** {@link DeviceMemory} of one association: translate, run the device's fault hook, copy per mapping. */
final class AssociationMemory implements DeviceMemory {
    private final Association association;

    AssociationMemory(Association association) {
        this.association = association;
    }

    @Override
    public void read(long deviceAddress, byte[] dst, int offset, int length) {
        transfer(deviceAddress, dst, offset, length, Access.READ);
    }

    @Override
    public void write(long deviceAddress, byte[] src, int offset, int length) {
        transfer(deviceAddress, src, offset, length, Access.WRITE);
    }

    private void transfer(long address, byte[] buf, int offset, int length, Access access) {
        java.util.Objects.checkFromIndexSize(offset, length, buf.length);
        DmaMaster device = association.device();
        Vcmm vcmm = association.vcm().vcmm();
        while (length > 0) {
            Translation t = device.transact(address, access, association::walk);
            MemoryTarget target = vcmm.targetOf(t.pa());
            if (target == null) { // mapped, but to no memory: the bus answers with an error
                throw new DmaFault(new Fault(device, address, access, Fault.Reason.TRANSLATION));
            }
            int n = (int) Math.min(length, Math.min(t.extent(), target.base() + target.size() - t.pa()));
            if (access == Access.READ) {
                target.read(t.pa(), buf, offset, n);
            } else {
                target.write(t.pa(), buf, offset, n);
            }
            address += n;
            offset += n;
            length -= n;
        }
    }
}
