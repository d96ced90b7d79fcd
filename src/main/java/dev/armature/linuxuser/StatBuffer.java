package dev.armature.linuxuser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/** Builds arm64 Linux's {@code struct stat} (asm-generic layout, 128 bytes) from host file attributes. */
final class StatBuffer {
    static final int SIZE = 128;
    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;

    private StatBuffer() {
    }

    /** The stat of a host path; throws the I/O error a failed stat gives. */
    static byte[] of(Path path, boolean follow) throws IOException {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a = Files.readAttributes(path, "unix:*", opts);
        long size = ((Number) a.get("size")).longValue();
        return encode(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue(),
                ((Number) a.get("mode")).intValue(), ((Number) a.get("nlink")).intValue(),
                ((Number) a.get("uid")).intValue(), ((Number) a.get("gid")).intValue(),
                ((Number) a.get("rdev")).longValue(), size, time(a.get("lastAccessTime")),
                time(a.get("lastModifiedTime")), time(a.get("ctime")));
    }

    /** The stat of a stream that has no host file behind it (captured output): an anonymous pipe. */
    static byte[] pipe() {
        long now = System.currentTimeMillis() * 1_000_000L;
        return encode(0xc, 1, S_IFIFO | 0600, 1, 0, 0, 0, 0, now, now, now);
    }

    private static long time(Object t) {
        if (t instanceof FileTime ft) {
            java.time.Instant i = ft.toInstant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }
        return 0;
    }

    private static byte[] encode(long dev, long ino, int mode, int nlink, int uid, int gid, long rdev, long size,
                                 long atimeNs, long mtimeNs, long ctimeNs) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, dev).putLong(8, ino).putInt(16, mode).putInt(20, nlink).putInt(24, uid).putInt(28, gid)
                .putLong(32, rdev).putLong(48, size).putInt(56, 4096).putLong(64, (size + 511) / 512)
                .putLong(72, atimeNs / 1_000_000_000L).putLong(80, atimeNs % 1_000_000_000L)
                .putLong(88, mtimeNs / 1_000_000_000L).putLong(96, mtimeNs % 1_000_000_000L)
                .putLong(104, ctimeNs / 1_000_000_000L).putLong(112, ctimeNs % 1_000_000_000L);
        return b.array();
    }
}
