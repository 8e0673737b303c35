package org.bigfinder.launcher;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** Growable primitive columns that pack into little-endian bytes: what numpy reads with frombuffer. */
final class PackedColumn {

    private PackedColumn() {
    }

    /** Single bytes (small codes such as a type's index). */
    static final class Bytes {
        private byte[] values;
        private int size;

        Bytes(int capacity) {
            values = new byte[Math.max(capacity, 16)];
        }

        void add(byte value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        byte[] pack() {
            return Arrays.copyOf(values, size);
        }
    }

    /** int64 values. */
    static final class Longs {
        private long[] values;
        private int size;

        Longs(int capacity) {
            values = new long[Math.max(capacity, 16)];
        }

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }

        byte[] pack() {
            ByteBuffer bytes = ByteBuffer.allocate(size * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asLongBuffer().put(values, 0, size);
            return bytes.array();
        }

        /** Whether every value fits an int32, so {@link #packInts} loses nothing. */
        boolean fitInts() {
            for (int at = 0; at < size; at++) {
                if (values[at] != (int) values[at]) {
                    return false;
                }
            }
            return true;
        }

        /** The values as little-endian int32: half the bytes to send and to unpack (see {@link #fitInts}). */
        byte[] packInts() {
            ByteBuffer bytes = ByteBuffer.allocate(size * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = 0; at < size; at++) {
                bytes.putInt((int) values[at]);
            }
            return bytes.array();
        }
    }

    /** float64 values. */
    static final class Doubles {
        private double[] values;
        private int size;

        Doubles(int capacity) {
            values = new double[Math.max(capacity, 16)];
        }

        void add(double value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = value;
        }

        byte[] pack() {
            ByteBuffer bytes = ByteBuffer.allocate(size * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asDoubleBuffer().put(values, 0, size);
            return bytes.array();
        }
    }
}
