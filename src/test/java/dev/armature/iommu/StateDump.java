package dev.armature.iommu;

import java.util.ArrayList;
import java.util.List;

/** A textual picture of everything a manager holds, to compare before and after a refused call. */
final class StateDump {
    private StateDump() {
    }

    static String of(Fixture f) {
        return of(f.vcmm, f.extraContexts());
    }

    static String of(Vcmm vcmm, List<SmmuContext> contexts) {
        StringBuilder sb = new StringBuilder();
        List<Vcm> all = new ArrayList<>(vcmm.vcms());
        all.add(vcmm.fromPrebuilt(Vcmm.PREBUILT_VMM));
        for (Vcm v : all) {
            sb.append(v).append(" active=").append(v.activeAssociations()).append('\n');
            for (Reservation r : v.reservations()) {
                sb.append("  ").append(r).append(' ').append(r.attributes()).append(" pages=").append(r.pages())
                        .append('\n');
            }
            for (Association a : v.associations()) {
                sb.append("  ").append(a).append('\n');
            }
        }
        for (PhysicalAllocation a : vcmm.allocations()) {
            sb.append(a.blocks()).append(" backs ").append(a.backingCount()).append('\n');
        }
        for (MemoryTarget t : vcmm.targets()) {
            sb.append(t).append(' ').append(t.stats()).append('\n');
        }
        for (SmmuContext c : contexts) {
            sb.append(c.name()).append(" mappings=").append(c.mappingCount()).append(" active=").append(c.isActive())
                    .append(" split=").append(c.isSplit()).append('\n');
        }
        return sb.toString();
    }
}
