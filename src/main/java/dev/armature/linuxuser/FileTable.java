package dev.armature.linuxuser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The guest's file descriptors: 0, 1, 2 are host streams (so a test can capture them), others are host files
 * and directories opened by path. Operations return a byte count or -errno like the system calls.
 */
public final class FileTable {
    // open(2) flags as arm64 Linux defines them.
    static final int O_ACCMODE = 3;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int O_DIRECTORY = 0x4000;
    static final int O_NOFOLLOW = 0x8000;

    /** One open file description. */
    abstract static class OpenFile {
        final int flags;

        OpenFile(int flags) {
            this.flags = flags;
        }

        abstract int read(byte[] b, int len) throws IOException;

        abstract int write(byte[] b, int len) throws IOException;

        /** @return the new offset or -errno */
        long seek(long offset, int whence) throws IOException {
            return -Errno.ESPIPE;
        }

        int pread(byte[] b, int len, long offset) throws IOException {
            return -Errno.ESPIPE;
        }

        /** The host path to stat, or null if it has none (then it is a pipe-like stream). */
        abstract Path path();
    }

    /** A host stream (stdin/stdout/stderr). {@code hostFd} names the host descriptor to stat, or -1. */
    static final class Stream extends OpenFile {
        final InputStream in;
        final OutputStream out;
        final int hostFd;

        Stream(InputStream in, OutputStream out, int hostFd) {
            super(in != null ? 0 : O_WRONLY);
            this.in = in;
            this.out = out;
            this.hostFd = hostFd;
        }

        @Override
        int read(byte[] b, int len) throws IOException {
            if (in == null) {
                return -Errno.EBADF;
            }
            int n = in.read(b, 0, len);
            return Math.max(n, 0);
        }

        @Override
        int write(byte[] b, int len) throws IOException {
            if (out == null) {
                return -Errno.EBADF;
            }
            out.write(b, 0, len);
            out.flush();
            return len;
        }

        @Override
        Path path() {
            Path p = Path.of("/proc/self/fd/" + hostFd);
            return hostFd >= 0 && Files.exists(p) ? p : null;
        }
    }

    /** A host regular file. */
    static final class HostFile extends OpenFile {
        final FileChannel ch;
        final Path path;

        HostFile(FileChannel ch, Path path, int flags) {
            super(flags);
            this.ch = ch;
            this.path = path;
        }

        @Override
        int read(byte[] b, int len) throws IOException {
            if ((flags & O_ACCMODE) == O_WRONLY) {
                return -Errno.EBADF;
            }
            return Math.max(ch.read(ByteBuffer.wrap(b, 0, len)), 0);
        }

        @Override
        int write(byte[] b, int len) throws IOException {
            if ((flags & O_ACCMODE) == 0) {
                return -Errno.EBADF;
            }
            if ((flags & O_APPEND) != 0) {
                ch.position(ch.size());
            }
            return ch.write(ByteBuffer.wrap(b, 0, len));
        }

        @Override
        long seek(long offset, int whence) throws IOException {
            long base = switch (whence) {
                case 0 -> 0;
                case 1 -> ch.position();
                case 2 -> ch.size();
                default -> Long.MIN_VALUE;
            };
            if (base == Long.MIN_VALUE || base + offset < 0) {
                return -Errno.EINVAL;
            }
            ch.position(base + offset);
            return base + offset;
        }

        @Override
        int pread(byte[] b, int len, long offset) throws IOException {
            if (offset < 0) {
                return -Errno.EINVAL;
            }
            return Math.max(ch.read(ByteBuffer.wrap(b, 0, len), offset), 0);
        }

        @Override
        Path path() {
            return path;
        }
    }

    /** A directory opened for its path (a dirfd for *at calls, fstat, or getdents64). */
    static final class Directory extends OpenFile {
        final Path path;
        /** The listing ("." and ".." first, then sorted names), read at the first getdents64. */
        List<String> entries;
        /** Index of the next entry getdents64 returns. */
        int position;

        Directory(Path path, int flags) {
            super(flags);
            this.path = path;
        }

        @Override
        int read(byte[] b, int len) {
            return -Errno.EISDIR;
        }

        /** Offsets are entry indexes (getdents64's d_off); seeking to 0 (rewinddir) lists afresh. */
        @Override
        long seek(long offset, int whence) {
            if (whence != 0 || offset < 0) {
                return -Errno.EINVAL;
            }
            if (offset == 0) {
                entries = null;
            }
            position = (int) Math.min(offset, Integer.MAX_VALUE);
            return offset;
        }

        @Override
        int write(byte[] b, int len) {
            return -Errno.EBADF;
        }

        @Override
        Path path() {
            return path;
        }
    }

    static final int AT_FDCWD = -100;
    private static final int MAX_FDS = 1024;

    private final Map<Integer, OpenFile> fds = new TreeMap<>();
    private final Set<Integer> closeOnExec = new HashSet<>();

    public FileTable(InputStream stdin, OutputStream stdout, OutputStream stderr, boolean hostStdio) {
        fds.put(0, new Stream(stdin, null, hostStdio ? 0 : -1));
        fds.put(1, new Stream(null, stdout, hostStdio ? 1 : -1));
        fds.put(2, new Stream(null, stderr, hostStdio ? 2 : -1));
    }

    OpenFile get(int fd) {
        return fds.get(fd);
    }

    private int lowestFree(int from) {
        int fd = Math.max(from, 0);
        while (fds.containsKey(fd)) {
            fd++;
        }
        return fd < MAX_FDS ? fd : -Errno.EMFILE;
    }

    /** Resolves a guest path relative to {@code dirfd}; null if dirfd is not a directory or not open. */
    Path resolve(int dirfd, String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() || dirfd == AT_FDCWD) {
            return p.toAbsolutePath();
        }
        OpenFile dir = fds.get(dirfd);
        return dir instanceof Directory d ? d.path.resolve(p) : null;
    }

    /** openat(2) on the host. */
    int open(int dirfd, String name, int flags, int mode) {
        if (name.isEmpty()) {
            return -Errno.ENOENT;
        }
        Path path = resolve(dirfd, name);
        if (path == null) {
            return fds.containsKey(dirfd) ? -Errno.ENOTDIR : -Errno.EBADF;
        }
        int fd = lowestFree(0);
        if (fd < 0) {
            return fd;
        }
        LinkOption[] follow = (flags & O_NOFOLLOW) != 0 ? new LinkOption[] {LinkOption.NOFOLLOW_LINKS}
                : new LinkOption[0];
        try {
            if (Files.isDirectory(path, follow)) {
                if ((flags & O_ACCMODE) != 0 || (flags & O_CREAT) != 0 && (flags & O_EXCL) != 0) {
                    return (flags & O_EXCL) != 0 ? -Errno.EEXIST : -Errno.EISDIR;
                }
                fds.put(fd, new Directory(path, flags));
                return fd;
            }
            if ((flags & O_DIRECTORY) != 0) {
                return Files.exists(path) ? -Errno.ENOTDIR : -Errno.ENOENT;
            }
            Set<OpenOption> opts = new HashSet<>();
            switch (flags & O_ACCMODE) {
                case 0 -> opts.add(StandardOpenOption.READ);
                case O_WRONLY -> opts.add(StandardOpenOption.WRITE);
                case O_RDWR -> {
                    opts.add(StandardOpenOption.READ);
                    opts.add(StandardOpenOption.WRITE);
                }
                default -> {
                    return -Errno.EINVAL;
                }
            }
            if ((flags & O_CREAT) != 0) {
                opts.add((flags & O_EXCL) != 0 ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
            }
            if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != 0) {
                opts.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
            if ((flags & O_NOFOLLOW) != 0) {
                opts.add(LinkOption.NOFOLLOW_LINKS);
            }
            // A created file gets the guest's mode; the host's open(2) applies the umask, as Linux would.
            fds.put(fd, new HostFile(FileChannel.open(path, opts, PosixFilePermissions.asFileAttribute(
                    permissions(mode))), path, flags));
            return fd;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return -errnoOf(e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & 1 << i) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    /** Maps a host I/O failure to the errno Linux would give. */
    static int errnoOf(Exception e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        } else if (e instanceof AccessDeniedException || e instanceof SecurityException) {
            return Errno.EACCES;
        } else if (e instanceof FileAlreadyExistsException) {
            return Errno.EEXIST;
        } else if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        // Other host errors carry the C library's strerror text as their reason or message.
        String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        if (why == null) {
            return Errno.EIO;
        } else if (why.contains("symbolic links")) {
            return Errno.ELOOP;
        } else if (why.contains("Is a directory")) {
            return Errno.EISDIR;
        } else if (why.contains("Not a directory")) {
            return Errno.ENOTDIR;
        } else if (why.contains("File name too long")) {
            return Errno.ENAMETOOLONG;
        } else if (why.contains("No space left")) {
            return Errno.ENOSPC;
        } else if (why.contains("Operation not permitted")) {
            return Errno.EPERM;
        }
        return Errno.EIO;
    }

    int close(int fd) {
        OpenFile f = fds.remove(fd);
        closeOnExec.remove(fd);
        if (f == null) {
            return -Errno.EBADF;
        }
        if (f instanceof HostFile h && !fds.containsValue(h)) {
            try {
                h.ch.close();
            } catch (IOException e) {
                return -Errno.EIO;
            }
        }
        return 0;
    }

    /** dup/dup3/F_DUPFD: {@code newfd} < 0 picks the lowest free descriptor at or above {@code -newfd - 1}. */
    int dup(int oldfd, int newfd, boolean cloexec) {
        OpenFile f = fds.get(oldfd);
        if (f == null) {
            return -Errno.EBADF;
        }
        int fd = newfd >= 0 ? newfd : lowestFree(-newfd - 1);
        if (fd < 0 || fd >= MAX_FDS) {
            return fd < 0 ? fd : -Errno.EBADF;
        }
        if (fds.containsKey(fd)) {
            close(fd);
        }
        fds.put(fd, f);
        if (cloexec) {
            closeOnExec.add(fd);
        } else {
            closeOnExec.remove(fd);
        }
        return fd;
    }

    boolean isCloseOnExec(int fd) {
        return closeOnExec.contains(fd);
    }

    void setCloseOnExec(int fd, boolean on) {
        if (on) {
            closeOnExec.add(fd);
        } else {
            closeOnExec.remove(fd);
        }
    }

    /** Closes every host file (process exit). */
    void closeAll() {
        for (Integer fd : Set.copyOf(fds.keySet())) {
            if (fd > 2) {
                close(fd);
            }
        }
    }
}
