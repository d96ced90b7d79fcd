package dev.armature.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Guest RAM as a private anonymous mapping on Linux: the kernel supplies zero pages on first touch, so a large
 * {@code -m} costs host memory only for what the guest uses (as in QEMU), where {@link Arena#allocate} would zero
 * — and so commit — every byte up front. Elsewhere it falls back to the arena.
 */
final class AnonymousMemory {
    // Linux values, the same on x86-64 and arm64.
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_NORESERVE = 0x4000;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            Linker linker = Linker.nativeLinker();
            Optional<MemorySegment> m = linker.defaultLookup().find("mmap");
            Optional<MemorySegment> u = linker.defaultLookup().find("munmap");
            if (m.isPresent() && u.isPresent()) {
                mmap = linker.downcallHandle(m.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(u.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private AnonymousMemory() {
    }

    /** {@code size} bytes of zeroed, page-aligned memory, released when {@code arena} closes. */
    static MemorySegment allocate(Arena arena, long size) {
        if (MMAP == null) {
            return arena.allocate(size, 4096);
        }
        MemorySegment p;
        try {
            p = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
        if (p.address() == -1L) { // MAP_FAILED
            throw new OutOfMemoryError("cannot map " + size + " bytes of guest RAM");
        }
        return p.reinterpret(size, arena, AnonymousMemory::unmap);
    }

    private static void unmap(MemorySegment segment) {
        try {
            int rc = (int) MUNMAP.invokeExact(segment, segment.byteSize());
            assert rc == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
