package dev.armature.examples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Turns instruction words into the little-endian bytes guest memory holds. */
final class Guest {
    private Guest() {
    }

    static byte[] code(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    static long u64(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }
}
