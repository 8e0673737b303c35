package org.bigfinder.launcher;

import java.util.Arrays;

import org.eclipse.collections.impl.map.mutable.primitive.LongDoubleHashMap;

/**
 * Times by internal id (NaN where none was put). Ids are dense (Neo4j hands them out in order and reuses
 * freed ones), so the times of the first few million ids sit in a plain array, one read per look-up
 * instead of a hash probe; the rare id beyond goes to a hash map.
 */
final class TimeTable {

    /** Ids below this are held in the array: at most 64 MiB of it. */
    static final long DENSE_IDS = 1L << 23;

    private double[] dense = empty(1024);
    private LongDoubleHashMap sparse;

    private static double[] empty(int length) {
        double[] values = new double[length];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    void put(long id, double seconds) {
        if (id >= DENSE_IDS) {
            if (sparse == null) {
                sparse = new LongDoubleHashMap();
            }
            sparse.put(id, seconds);
            return;
        }
        if (id >= dense.length) {
            int length = (int) Math.min(DENSE_IDS, Math.max(id + 1, 2L * dense.length));
            double[] grown = empty(length);
            System.arraycopy(dense, 0, grown, 0, dense.length);
            dense = grown;
        }
        dense[(int) id] = seconds;
    }

    double get(long id) {
        if (id < dense.length) {
            return dense[(int) id];
        }
        return sparse == null ? Double.NaN : sparse.getIfAbsent(id, Double.NaN);
    }
}
