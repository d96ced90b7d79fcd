package dev.armature.machine;

import dev.armature.arch.aarch64.Cpu;
import dev.armature.memory.PhysicalMemory;
import dev.armature.migration.BoardConfig;
import dev.armature.migration.CpuState;
import dev.armature.migration.RamPages;
import dev.armature.migration.RamState;
import dev.armature.migration.SectionId;
import dev.armature.migration.Snapshot;
import dev.armature.migration.SnapshotException;
import dev.armature.migration.SnapshotReader;
import dev.armature.migration.SnapshotWriter;
import dev.armature.migration.Snapshottable;
import dev.armature.vm.MpState;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
        writeState(w, true);
        w.finish();
    }

    BoardConfig config() {
        return parts.config();
    }

    /**
     * Writes the device sections, RAM (unless {@code withRam}: live migration sends RAM itself), every vCPU and
     * the MP states; the vCPU threads must be stopped.
     */
    void writeState(SnapshotWriter w, boolean withRam) throws IOException {
        for (Machine.DeviceSection d : parts.devices()) {
            w.section(d.id(), d.instance(), d.state()::saveState);
        }
        if (withRam) {
            RamState.save(mem, w);
        }
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
    }

    /**
     * Reads and checks the snapshot at {@code path} completely without touching the machine; returns the action
     * that restores it (run with the vCPU threads stopped; it cannot fail).
     */
    Runnable decode(Path path) throws SnapshotException {
        return decode(Snapshot.read(path), false);
    }

    /**
     * Receives a live migration stream from {@code in}: checks the header's configuration, writes each RAM_PAGES
     * section into RAM as it arrives (the machine has not started), and collects the other sections until the
     * trailer has checked out; returns the action restoring them, as {@link #decode(Path)} does.
     */
    Runnable receive(InputStream in) throws SnapshotException {
        SnapshotReader reader = new SnapshotReader(in);
        reader.config().checkMatches(parts.config());
        List<Snapshot.Section> rest = new ArrayList<>();
        for (Snapshot.Section sec = reader.next(); sec != null; sec = reader.next()) {
            if (sec.id() == SectionId.RAM_PAGES) {
                RamPages.apply(mem, sec);
            } else {
                rest.add(sec);
            }
        }
        return decode(Snapshot.of(reader.config(), rest), true);
    }

    /** Decodes a whole snapshot; {@code ramSent}: RAM came as RAM_PAGES sections already applied (live). */
    private Runnable decode(Snapshot s, boolean ramSent) throws SnapshotException {
        s.config().checkMatches(parts.config());
        Set<String> expected = new HashSet<>();
        List<Runnable> devices = new ArrayList<>();
        for (Machine.DeviceSection d : parts.devices()) {
            Snapshot.Section sec = s.require(d.id(), d.instance());
            expected.add(sec.name());
            devices.add(decodeSection(sec, d.state()));
        }
        RamState.Pages ram = ramSent ? null : RamState.load(mem, s);
        if (!ramSent) { // a live stream carries RAM only in the RAM_PAGES sections it has applied
            s.sections(SectionId.RAM).forEach(sec -> expected.add(sec.name()));
        }
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
            if (ram != null) {
                RamState.apply(mem, ram);
            }
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
