package dev.armature.machine;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.CpuState;
import dev.armature.migration.RamState;
import dev.armature.migration.SectionId;
import dev.armature.migration.Snapshot;
import dev.armature.migration.SnapshotException;
import dev.armature.migration.SnapshotWriter;
import dev.armature.migration.Snapshottable;
import dev.armature.vm.MpState;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Saves a {@link Machine}'s state into a snapshot file, and decodes one into an action that restores it. Sections:
 * the board's devices (counter, GIC, UART, virtio), RAM, each vCPU's registers, and every vCPU's MP state.
 * The caller pauses the vCPU threads around {@link #save} and around running the restore action.
 *
 * <p>MP state: RUNNABLE (on) or STOPPED (off), KVM's numbers. A vCPU saved off stays off and one saved on resumes
 * at its saved PC, including one powered on (CPU_ON) that had not run an instruction yet: its Cpu already holds
 * the entry point and context. A vCPU never powered on has no register state in the stream.
 */
final class MachineSnapshot {
    private final Machine.SnapshotParts parts;
    private final List<VcpuThread> vcpus;
    private final PhysicalMemory mem;

    MachineSnapshot(Machine.SnapshotParts parts, List<VcpuThread> vcpus, PhysicalMemory mem) {
        this.parts = parts;
        this.vcpus = vcpus;
        this.mem = mem;
    }

    /** Writes the snapshot; the vCPU threads must be stopped. */
    void save(Path path) throws SnapshotException {
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                write(file);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            throw new SnapshotException("cannot write snapshot " + path + ": no such directory", e);
        } catch (IOException e) {
            throw new SnapshotException("cannot write snapshot " + path + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the save already failed or succeeded; a stray temporary file is not worth a second error
                }
            }
        }
    }

    private void write(OutputStream file) throws IOException {
        SnapshotWriter w = new SnapshotWriter(file, parts.config());
        for (Machine.DeviceSection d : parts.devices()) {
            w.section(d.id(), d.instance(), d.state()::saveState);
        }
        RamState.save(mem, w);
        for (VcpuThread v : vcpus) {
            Cpu c = v.cpu();
            w.section(SectionId.CPU, v.index(), out -> {
                out.writeBoolean(c != null);
                if (c != null) {
                    CpuState.save(c, out);
                }
            });
        }
        w.section(SectionId.MP_STATE, 0, out -> {
            out.writeInt(vcpus.size());
            for (VcpuThread v : vcpus) {
                out.writeInt((v.isOn() ? MpState.RUNNABLE : MpState.STOPPED).number());
            }
        });
        w.finish();
    }

    /**
     * Reads and checks the snapshot at {@code path} completely without touching the machine; returns the action
     * that restores it (run with the vCPU threads stopped; it cannot fail).
     */
    Runnable decode(Path path) throws SnapshotException {
        Snapshot s = Snapshot.read(path);
        s.config().checkMatches(parts.config());
        Set<String> expected = new HashSet<>();
        List<Runnable> devices = new ArrayList<>();
        for (Machine.DeviceSection d : parts.devices()) {
            Snapshot.Section sec = s.require(d.id(), d.instance());
            expected.add(sec.name());
            devices.add(decodeSection(sec, d.state()));
        }
        RamState.Pages ram = RamState.load(mem, s);
        s.sections(SectionId.RAM).forEach(sec -> expected.add(sec.name()));
        boolean[] on = decodeMpStates(s.require(SectionId.MP_STATE, 0));
        expected.add(SectionId.MP_STATE.label() + " 0");
        Cpu[] fresh = new Cpu[vcpus.size()];
        Runnable[] cpuStates = new Runnable[vcpus.size()];
        for (VcpuThread v : vcpus) {
            int i = v.index();
            Snapshot.Section sec = s.require(SectionId.CPU, i);
            expected.add(sec.name());
            fresh[i] = v.newCpu();
            cpuStates[i] = decodeCpu(sec, fresh[i], on[i]);
        }
        for (Snapshot.Section sec : s.sections()) {
            if (!expected.contains(sec.name())) {
                throw new SnapshotException("snapshot has a " + sec.name() + " section, which this VM has nothing for");
            }
        }
        return () -> {
            devices.forEach(Runnable::run); // the counter first: timers restored below read it
            RamState.apply(mem, ram);
            for (VcpuThread v : vcpus) {
                v.restore(fresh[v.index()], cpuStates[v.index()], on[v.index()]);
            }
        };
    }

    private static Runnable decodeSection(Snapshot.Section sec, Snapshottable state) throws SnapshotException {
        try {
            DataInputStream in = sec.input();
            Runnable apply = state.loadState(in);
            checkConsumed(sec, in);
            return apply;
        } catch (IOException e) {
            throw sectionError(sec, e);
        }
    }

    private boolean[] decodeMpStates(Snapshot.Section sec) throws SnapshotException {
        try {
            DataInputStream in = sec.input();
            int n = in.readInt();
            if (n != vcpus.size()) {
                throw new IOException(n + " vCPUs, this VM has " + vcpus.size());
            }
            boolean[] on = new boolean[n];
            for (int i = 0; i < n; i++) {
                int state = in.readInt();
                if (state == MpState.RUNNABLE.number()) {
                    on[i] = true;
                } else if (state != MpState.STOPPED.number()) {
                    throw new IOException("vCPU " + i + " has MP state " + state
                            + "; on arm64 only RUNNABLE (0) and STOPPED (5) are valid");
                }
            }
            checkConsumed(sec, in);
            return on;
        } catch (IOException e) {
            throw sectionError(sec, e);
        }
    }

    private static Runnable decodeCpu(Snapshot.Section sec, Cpu fresh, boolean on) throws SnapshotException {
        try {
            DataInputStream in = sec.input();
            Runnable apply;
            if (in.readBoolean()) {
                apply = CpuState.load(in, fresh);
            } else if (on) {
                throw new IOException("vCPU " + fresh.index + " is RUNNABLE but has no register state");
            } else {
                apply = () -> { }; // never powered on: it stays in the reset state until CPU_ON
            }
            checkConsumed(sec, in);
            return apply;
        } catch (IOException e) {
            throw sectionError(sec, e);
        }
    }

    private static void checkConsumed(Snapshot.Section sec, DataInputStream in) throws IOException {
        if (in.available() != 0) {
            throw new IOException(in.available() + " bytes left over");
        }
    }

    private static SnapshotException sectionError(Snapshot.Section sec, IOException e) {
        String why = e instanceof EOFException ? "payload is shorter than its contents" : e.getMessage();
        return new SnapshotException("snapshot section " + sec.name() + ": " + why, e);
    }
}
