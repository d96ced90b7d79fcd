package dev.armature.devices.virtio;

import dev.armature.devices.block.BlockImage;
import dev.armature.memory.BusError;
import dev.armature.memory.PhysicalMemory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A virtio block device (device ID 2, virtio 1.2 section 5.2) on a raw {@link BlockImage}, with one request
 * queue. A request is a chain whose device-readable part starts with the 16-byte header (type, reserved,
 * sector) followed by the data of a write, and whose device-writable part holds the data of a read followed
 * by the status byte; the split into descriptors does not matter. Requests complete synchronously, in the
 * notifying vCPU's thread.
 *
 * <p>Offered: SEG_MAX (so that Linux puts many segments in one request), BLK_SIZE, FLUSH, and RO for a
 * {@code readonly=on} drive; on a writable drive also DISCARD and WRITE_ZEROES with QEMU 7.2's limits (one
 * segment of up to 4194303 sectors, any sector alignment). DISCARD leaves the data as it is, as QEMU's
 * {@code -drive} default {@code discard=ignore} does (the contents of discarded sectors are unspecified);
 * WRITE_ZEROES writes zeroes, whether or not the driver allows unmapping. A bad request (unknown type, length not whole sectors, beyond the disk, a write
 * to a read-only disk, a host I/O error) completes with VIRTIO_BLK_S_IOERR or VIRTIO_BLK_S_UNSUPP; only a
 * chain with no byte for the status breaks the queue.
 */
public final class VirtioBlock implements VirtioDevice {
    public static final int DEVICE_ID = 2;

    public static final long VIRTIO_BLK_F_SEG_MAX = 1L << 2;
    public static final long VIRTIO_BLK_F_RO = 1L << 5;
    public static final long VIRTIO_BLK_F_BLK_SIZE = 1L << 6;
    public static final long VIRTIO_BLK_F_FLUSH = 1L << 9;
    public static final long VIRTIO_BLK_F_DISCARD = 1L << 13;
    public static final long VIRTIO_BLK_F_WRITE_ZEROES = 1L << 14;

    public static final int VIRTIO_BLK_T_IN = 0;
    public static final int VIRTIO_BLK_T_OUT = 1;
    public static final int VIRTIO_BLK_T_FLUSH = 4;
    public static final int VIRTIO_BLK_T_GET_ID = 8;
    public static final int VIRTIO_BLK_T_DISCARD = 11;
    public static final int VIRTIO_BLK_T_WRITE_ZEROES = 13;
    /** In a WRITE_ZEROES segment's flags: the device may deallocate the sectors (ours never does). */
    public static final int VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP = 1;

    public static final int VIRTIO_BLK_S_OK = 0;
    public static final int VIRTIO_BLK_S_IOERR = 1;
    public static final int VIRTIO_BLK_S_UNSUPP = 2;

    /** Bytes of the GET_ID answer (the serial, zero-padded, not necessarily terminated). */
    public static final int ID_BYTES = 20;
    private static final int HEADER_BYTES = 16;
    /** QEMU's virtio-blk queue size; SEG_MAX leaves room for the header and status descriptors. */
    private static final int QUEUE_SIZE = 256;
    private static final int SEG_MAX = QUEUE_SIZE - 2;
    /** QEMU's default max-discard-sectors and max-write-zeroes-sectors (BDRV_REQUEST_MAX_SECTORS). */
    private static final int MAX_RANGE_SECTORS = 4194303;
    /** struct virtio_blk_discard_write_zeroes: sector (le64), num_sectors (le32), flags (le32). */
    private static final int RANGE_BYTES = 16;
    private static final int ZERO_CHUNK = 64 * 1024;

    private final PhysicalMemory mem;
    private final BlockImage image;
    private final byte[] serial;

    /** @param serial the {@code serial=} property, returned by GET_ID (at most 20 bytes are used), or null */
    public VirtioBlock(PhysicalMemory mem, BlockImage image, String serial) {
        this.mem = mem;
        this.image = image;
        this.serial = serial == null ? new byte[0] : serial.getBytes(StandardCharsets.US_ASCII);
    }

    public BlockImage image() {
        return image;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH
                | (image.readOnly() ? VIRTIO_BLK_F_RO : VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES);
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize() {
        return QUEUE_SIZE;
    }

    /**
     * struct virtio_blk_config: capacity (le64) at 0, size_max at 8 (not offered: 0), seg_max at 12, geometry
     * at 16 (not offered: 0), blk_size at 20, max_discard_sectors at 36, max_discard_seg at 40,
     * discard_sector_alignment at 44, max_write_zeroes_sectors at 48, max_write_zeroes_seg at 52 (values as
     * QEMU 7.2's, read by Linux as discard_max_bytes 2147483136 and discard_granularity 512); write_zeroes_may_unmap
     * at 56 stays 0. Topology, multiqueue and zoned fields are not offered.
     */
    @Override
    public long readConfig(int offset, int size) {
        ByteBuffer config = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        config.putLong(0, image.sectors());
        config.putInt(12, SEG_MAX);
        config.putInt(20, BlockImage.SECTOR_SIZE);
        config.putInt(36, MAX_RANGE_SECTORS);
        config.putInt(40, 1);
        config.putInt(44, 1);
        config.putInt(48, MAX_RANGE_SECTORS);
        config.putInt(52, 1);
        long value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            long b = at >= 0 && at < config.capacity() ? config.get(at) & 0xff : 0;
            value |= b << (8 * i);
        }
        return value;
    }

    @Override
    public void notify(int index, VirtQueue queue) {
        for (VirtQueue.Chain c = queue.pop(); c != null; c = queue.pop()) {
            queue.push(c.head(), serve(c));
        }
    }

    /** Performs one request and writes its status; returns the bytes written into the chain. */
    private int serve(VirtQueue.Chain chain) {
        Request r = new Request(chain);
        if (r.writable == 0) {
            throw new VirtQueueException("virtio-blk request without a writable status byte");
        }
        int dataIn = 0;
        int status;
        if (r.readable < HEADER_BYTES) {
            status = VIRTIO_BLK_S_IOERR;
        } else {
            byte[] header = r.readHeader();
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            int type = h.getInt(0);
            long sector = h.getLong(8);
            long inBytes = r.writable - 1;
            long outBytes = r.readable - HEADER_BYTES;
            status = switch (type) {
                case VIRTIO_BLK_T_IN -> transfer(r, sector, inBytes, false);
                case VIRTIO_BLK_T_OUT -> transfer(r, sector, outBytes, true);
                case VIRTIO_BLK_T_FLUSH -> flush();
                case VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_WRITE_ZEROES -> ranges(r, type, outBytes);
                case VIRTIO_BLK_T_GET_ID -> {
                    r.copyIn(ByteBuffer.wrap(idBytes(), 0, (int) Math.min(ID_BYTES, inBytes)));
                    yield VIRTIO_BLK_S_OK;
                }
                default -> VIRTIO_BLK_S_UNSUPP;
            };
            if (status == VIRTIO_BLK_S_OK) {
                dataIn = switch (type) {
                    case VIRTIO_BLK_T_IN -> (int) inBytes;
                    case VIRTIO_BLK_T_GET_ID -> (int) Math.min(ID_BYTES, inBytes);
                    default -> 0;
                };
            }
        }
        r.writeStatus(status);
        return dataIn + 1;
    }

    private int transfer(Request r, long sector, long bytes, boolean write) {
        if (bytes % BlockImage.SECTOR_SIZE != 0 || sector < 0 || sector > Long.MAX_VALUE / BlockImage.SECTOR_SIZE
                || !image.inRange(sector * BlockImage.SECTOR_SIZE, bytes) || (write && image.readOnly())) {
            return VIRTIO_BLK_S_IOERR;
        }
        try {
            long offset = sector * BlockImage.SECTOR_SIZE;
            if (write) {
                r.copyOut(offset);
            } else {
                r.copyInFromDisk(offset);
            }
            return VIRTIO_BLK_S_OK;
        } catch (IOException e) {
            return VIRTIO_BLK_S_IOERR;
        }
    }

    /**
     * DISCARD or WRITE_ZEROES: the payload is a list of ranges; more ranges than max_*_seg or a range beyond
     * max_*_sectors is UNSUPP, a range outside the disk (or a read-only disk) IOERR, as QEMU answers them. A
     * DISCARD with flags is UNSUPP (only WRITE_ZEROES defines one).
     */
    private int ranges(Request r, int type, long payload) {
        if (image.readOnly()) {
            return VIRTIO_BLK_S_IOERR;
        }
        if (payload % RANGE_BYTES != 0 || payload / RANGE_BYTES != 1) {
            return VIRTIO_BLK_S_UNSUPP;
        }
        ByteBuffer range = ByteBuffer.wrap(r.readReadable(HEADER_BYTES, RANGE_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long sector = range.getLong(0);
        long count = Integer.toUnsignedLong(range.getInt(8));
        int flags = range.getInt(12);
        int allowedFlags = type == VIRTIO_BLK_T_WRITE_ZEROES ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0;
        if (count > MAX_RANGE_SECTORS || (flags & ~allowedFlags) != 0) {
            return VIRTIO_BLK_S_UNSUPP;
        }
        if (sector < 0 || sector > Long.MAX_VALUE / BlockImage.SECTOR_SIZE
                || !image.inRange(sector * BlockImage.SECTOR_SIZE, count * BlockImage.SECTOR_SIZE)) {
            return VIRTIO_BLK_S_IOERR;
        }
        if (type == VIRTIO_BLK_T_DISCARD) {
            return VIRTIO_BLK_S_OK;
        }
        try {
            long offset = sector * BlockImage.SECTOR_SIZE;
            long left = count * BlockImage.SECTOR_SIZE;
            ByteBuffer zeroes = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, left));
            while (left > 0) {
                zeroes.clear().limit((int) Math.min(zeroes.capacity(), left));
                image.write(offset, zeroes);
                offset += zeroes.limit();
                left -= zeroes.limit();
            }
            return VIRTIO_BLK_S_OK;
        } catch (IOException e) {
            return VIRTIO_BLK_S_IOERR;
        }
    }

    private int flush() {
        try {
            image.flush();
            return VIRTIO_BLK_S_OK;
        } catch (IOException e) {
            return VIRTIO_BLK_S_IOERR;
        }
    }

    private byte[] idBytes() {
        byte[] id = new byte[ID_BYTES];
        System.arraycopy(serial, 0, id, 0, Math.min(ID_BYTES, serial.length));
        return id;
    }

    @Override
    public void reset() {
        // requests complete before notify returns: nothing is in flight
    }

    /** One chain seen as a byte stream: the readable bytes in order, then the writable ones. */
    private final class Request {
        final VirtQueue.Chain chain;
        final long readable;
        final long writable;

        Request(VirtQueue.Chain chain) {
            this.chain = chain;
            long rd = 0;
            long wr = 0;
            for (VirtQueue.Buffer b : chain.buffers()) {
                if (b.deviceWritable()) {
                    wr += Integer.toUnsignedLong(b.length());
                } else {
                    rd += Integer.toUnsignedLong(b.length());
                }
            }
            readable = rd;
            writable = wr;
        }

        byte[] readHeader() {
            return readReadable(0, HEADER_BYTES);
        }

        /** {@code n} readable bytes starting {@code skip} bytes into the readable part (the caller checked both). */
        byte[] readReadable(long skip, int n) {
            byte[] out = new byte[n];
            int got = 0;
            for (VirtQueue.Buffer b : chain.buffers()) {
                if (b.deviceWritable() || got == n) {
                    continue;
                }
                long len = Integer.toUnsignedLong(b.length());
                long from = Math.min(skip, len);
                skip -= from;
                int take = (int) Math.min(n - got, len - from);
                if (take > 0) {
                    mem.ramSlice(b.address() + from, take).asByteBuffer().get(out, got, take);
                    got += take;
                }
            }
            return out;
        }

        /** Writes the readable bytes after the header to the disk at {@code offset}. */
        void copyOut(long offset) throws IOException {
            long skip = HEADER_BYTES;
            for (VirtQueue.Buffer b : chain.buffers()) {
                if (b.deviceWritable()) {
                    continue;
                }
                long len = Integer.toUnsignedLong(b.length());
                long from = Math.min(skip, len);
                skip -= from;
                if (len > from) {
                    image.write(offset, mem.ramSlice(b.address() + from, len - from).asByteBuffer());
                    offset += len - from;
                }
            }
        }

        /** Fills the writable bytes before the status byte from the disk at {@code offset}. */
        void copyInFromDisk(long offset) throws IOException {
            long left = writable - 1;
            for (VirtQueue.Buffer b : chain.buffers()) {
                if (!b.deviceWritable() || left == 0) {
                    continue;
                }
                long n = Math.min(left, Integer.toUnsignedLong(b.length()));
                image.read(offset, mem.ramSlice(b.address(), n).asByteBuffer());
                mem.codePages().written(b.address(), n, false);
                offset += n;
                left -= n;
            }
        }

        /** Copies {@code src} into the writable bytes from their start. */
        void copyIn(ByteBuffer src) {
            for (VirtQueue.Buffer b : chain.buffers()) {
                if (!b.deviceWritable() || !src.hasRemaining()) {
                    continue;
                }
                int n = (int) Math.min(src.remaining(), Integer.toUnsignedLong(b.length()));
                byte[] part = new byte[n];
                src.get(part);
                mem.writeBytes(b.address(), part);
            }
        }

        /** The status is the last writable byte of the chain. */
        void writeStatus(int status) {
            for (int i = chain.buffers().size() - 1; i >= 0; i--) {
                VirtQueue.Buffer b = chain.buffers().get(i);
                if (b.deviceWritable() && b.length() != 0) {
                    try {
                        mem.write(b.address() + Integer.toUnsignedLong(b.length()) - 1, 1, status);
                    } catch (BusError e) {
                        throw new VirtQueueException("virtio-blk status byte outside RAM: " + e.getMessage());
                    }
                    return;
                }
            }
        }
    }
}
