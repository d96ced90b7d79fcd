package dev.armature.arch.aarch64;

import dev.armature.memory.SpinBackoff;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link TlbBroadcast} for vCPUs sharing one physical memory: every target gets the invalidation request and the
 * source waits until each target has served it or is not executing ({@link Cpu#executing} false: it serves pending
 * requests when its run loop starts). While waiting the source serves its own requests, so two vCPUs
 * broadcasting at once cannot deadlock.
 */
public final class TlbShootdown implements TlbBroadcast {
    private final List<Cpu> cpus = new CopyOnWriteArrayList<>();

    /** Adds a vCPU to the domain and points its {@link Cpu#tlbBroadcast} here. */
    public void add(Cpu cpu) {
        cpus.add(cpu);
        cpu.tlbBroadcast = this;
    }

    /** Removes a vCPU that no longer runs (e.g. replaced by a fresh Cpu at power-on). */
    public void remove(Cpu cpu) {
        cpus.remove(cpu);
        if (cpu.tlbBroadcast == this) {
            cpu.tlbBroadcast = null;
        }
    }

    @Override
    public void invalidateOthers(Cpu source, TlbInvalidation what) {
        invalidate(source, what);
    }

    /**
     * Invalidates every vCPU's TLB from a thread that is not a vCPU (live migration's dirty log), returning when
     * none can use an entry it had before the call.
     */
    public void invalidateAll() {
        invalidate(null, TlbInvalidation.ALL);
    }

    private void invalidate(Cpu source, TlbInvalidation what) {
        Cpu[] targets = cpus.toArray(new Cpu[0]);
        long[] tickets = new long[targets.length];
        for (int i = 0; i < tickets.length; i++) {
            Cpu c = targets[i];
            if (c != source) {
                tickets[i] = c.memory.requestInvalidation(what);
            }
        }
        for (int i = 0; i < tickets.length; i++) {
            Cpu c = targets[i];
            int spins = 0;
            while (c != source && !c.memory.flushServed(tickets[i]) && c.executing) {
                if (source != null) {
                    source.memory.serviceFlushRequests();
                }
                SpinBackoff.pause(++spins);
            }
        }
    }
}
