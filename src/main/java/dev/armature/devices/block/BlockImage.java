package dev.armature.devices.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A raw disk image file ({@code -drive file=F,format=raw}): the bytes of the file are the bytes of the disk.
 * The disk has {@code size / 512} sectors; a trailing partial sector is not addressable, as in QEMU.
 *
 * <p>Thread safety: positional reads and writes on one {@link FileChannel}, safe from any thread; the device
 * model serialises requests anyway.
 */
public final class BlockImage implements AutoCloseable {
    public static final int SECTOR_SIZE = 512;

    private final Path path;
    private final FileChannel file;
    private final boolean readOnly;
    private final long sectors;

    private BlockImage(Path path, FileChannel file, boolean readOnly, long sectors) {
        this.path = path;
        this.file = file;
        this.readOnly = readOnly;
        this.sectors = sectors;
    }

    /**
     * Opens {@code path} as a raw image.
     *
     * @throws BlockImageException naming the file and what is wrong with it (missing, unreadable, not raw)
     */
    public static BlockImage open(Path path, boolean readOnly) {
        FileChannel ch;
        try {
            ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new BlockImageException(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new BlockImageException(path + ": permission denied" + (readOnly ? "" : " (readonly=on opens "
                    + "it for reading only)"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new BlockImageException(path + ": cannot open: " + e.getMessage());
        }
        try {
            long size = ch.size();
            if (isQcow2(ch)) {
                throw new BlockImageException(path + ": a qcow2 image; only raw images are supported "
                        + "(qemu-img convert -O raw)");
            }
            if (size < SECTOR_SIZE) {
                throw new BlockImageException(path + ": " + size + " bytes, smaller than one 512-byte sector");
            }
            return new BlockImage(path, ch, readOnly, size / SECTOR_SIZE);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new BlockImageException(path + ": cannot read: " + e.getMessage());
        } catch (BlockImageException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static boolean isQcow2(FileChannel ch) throws IOException {
        ByteBuffer magic = ByteBuffer.allocate(4);
        ch.read(magic, 0);
        return Arrays.equals(magic.array(), "QFI\u00fb".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing with a clearer error
        }
    }

    public Path path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** The capacity in 512-byte sectors. */
    public long sectors() {
        return sectors;
    }

    /** True if {@code length} bytes from byte {@code offset} lie inside the disk. */
    public boolean inRange(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= sectors * SECTOR_SIZE - length;
    }

    /** Fills {@code dst} from byte {@code offset} of the disk (inside the disk: see {@link #inRange}). */
    public void read(long offset, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = file.read(dst, offset);
            if (n < 0) {
                throw new IOException(path + " shrank while in use");
            }
            offset += n;
        }
    }

    /** Writes {@code src} at byte {@code offset} of the disk. */
    public void write(long offset, ByteBuffer src) throws IOException {
        if (readOnly) {
            throw new IOException(path + " is read-only");
        }
        while (src.hasRemaining()) {
            offset += file.write(src, offset);
        }
    }

    /** Makes every completed write durable (the guest's cache flush). */
    public void flush() throws IOException {
        if (!readOnly) {
            file.force(false);
        }
    }

    @Override
    public void close() {
        closeQuietly(file);
    }
}
