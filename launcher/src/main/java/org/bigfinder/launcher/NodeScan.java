package org.bigfinder.launcher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.neo4j.exceptions.KernelException;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.IndexQueryConstraints;
import org.neo4j.internal.kernel.api.NodeValueIndexCursor;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.SchemaDescriptors;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;
import org.neo4j.values.storable.ValueWriter;
import org.neo4j.values.storable.Values;

/**
 * The nodes of one label that have their key, a chunk per record: internal ids, keys (unless asked not
 * to) and (when a time token is given) times. A node without its key cannot be written back to, so it is
 * left out, as the Cypher read does.
 *
 * <p>Keys come from the label's range index on the key (the uniqueness constraint's) when it is online:
 * a sequential read of index pages, in key order, instead of a property-chain look-up per node. Without
 * one the label is scanned and each node's key read from the store. Read without keys, the index is
 * scanned for its node ids alone: no key is decoded or copied, which is most of a node read's cost. Times
 * likewise come from an index on the time property where there is one ({@link IndexedTimes}).
 */
final class NodeScan implements Iterator<ProjectionProcedures.NodeColumns>, AutoCloseable {

    /** Where the nodes and their keys come from. */
    private interface Source extends AutoCloseable {
        /** Moves to the next node; false at the end. */
        boolean next();

        long id();

        /** The node's key, or NO_VALUE when it has none. */
        Value key();

        /** Whether every node it yields has its key, so the key need not be read to know that. */
        boolean allKeyed();

        @Override
        void close();
    }

    private final StoreReader reader;
    private final Source nodes;
    private final int chunk;
    private final Integer timeToken;
    private final boolean withKeys;
    /** Whether each node's key is read: to send it, or to know the node has one (a label scan). */
    private final boolean readKeys;
    /** The times from the time property's index, or null: read from the store. */
    private final TimeTable indexedTimes;
    private ProjectionProcedures.NodeColumns pending;

    private NodeScan(StoreReader reader, Source nodes, int chunk, Integer timeToken, boolean withKeys,
                     TimeTable indexedTimes) {
        this.reader = reader;
        this.nodes = nodes;
        this.chunk = chunk;
        this.timeToken = timeToken;
        this.withKeys = withKeys;
        this.readKeys = withKeys || !nodes.allKeyed();
        this.indexedTimes = indexedTimes;
    }

    /** {@code timeToken} null: times are not read (the column stays empty); {@code withKeys} false: nor keys. */
    static NodeScan of(Transaction tx, KernelTransaction ktx, String label, int labelToken, int keyToken,
                       Integer timeToken, int chunk, boolean withKeys) {
        StoreReader reader = new StoreReader(ktx);
        IndexDescriptor index =
                IndexedTimes.rangeIndex(ktx.schemaRead(), SchemaDescriptors.forLabel(labelToken, keyToken));
        Source source = null;
        if (index != null) {
            try {
                source = new IndexSource(ktx, index, withKeys);
            } catch (KernelException e) {
                source = null; // dropped meanwhile: scan the label instead
            }
        }
        if (source == null) {
            source = new LabelSource(reader, tx.findNodes(Label.label(label)), keyToken);
        }
        TimeTable indexedTimes = timeToken == null ? null : IndexedTimes.ofNodes(ktx, labelToken, timeToken);
        return new NodeScan(reader, source, chunk, timeToken, withKeys, indexedTimes);
    }

    @Override
    public boolean hasNext() {
        if (pending == null) {
            pending = fill();
        }
        return pending != null;
    }

    @Override
    public ProjectionProcedures.NodeColumns next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ProjectionProcedures.NodeColumns chunkRead = pending;
        pending = null;
        return chunkRead;
    }

    private ProjectionProcedures.NodeColumns fill() {
        int capacity = Math.min(chunk, 1 << 16);
        PackedColumn.Longs ids = new PackedColumn.Longs(capacity);
        KeyColumn keys = withKeys ? new KeyColumn(capacity) : null;
        PackedColumn.Doubles times = new PackedColumn.Doubles(timeToken == null ? 0 : capacity);
        while (ids.size() < chunk && nodes.next()) {
            Value key = readKeys ? nodes.key() : null;
            if (key == Values.NO_VALUE) {
                continue;
            }
            ids.add(nodes.id());
            if (withKeys) {
                keys.add(key);
            }
            if (indexedTimes != null) {
                times.add(indexedTimes.get(nodes.id()));
            } else if (timeToken != null) {
                times.add(reader.position(reader.node, nodes.id())
                        ? StoreReader.seconds(reader.nodeProperty(reader.node, timeToken))
                        : Double.NaN);
            }
        }
        if (ids.size() == 0) {
            return null;
        }
        byte[] keyText = withKeys ? keys.text() : null;
        return new ProjectionProcedures.NodeColumns(
                ids.pack(), keyText == null && withKeys ? keys.values() : List.of(), keyText, times.pack());
    }

    /**
     * A chunk's keys: as one NUL-separated UTF-8 text while every key is a string without a NUL, else as
     * values. A key read from an index is UTF-8 already: it hands its bytes over ({@code writeUTF8}), never
     * decoded to a Java string and encoded again.
     */
    private static final class KeyColumn extends ValueWriter.Adapter<RuntimeException> {
        private static final byte[] SEPARATOR = {0};
        private byte[] text;
        private int length;
        private int written;
        private boolean textual = true;
        /** The keys as values, once one is not a string without a NUL (null while they are text). */
        private List<Object> values;

        KeyColumn(int capacity) {
            text = new byte[capacity * 16];
        }

        void add(Value key) {
            if (values != null) {
                values.add(key.asObjectCopy());
                return;
            }
            int before = length;
            if (key instanceof TextValue) {
                if (written > 0) {
                    append(SEPARATOR, 0, 1);
                }
                key.writeTo(this);
                if (textual) {
                    written++;
                    return;
                }
            }
            // The keys so far are the text written before this one: no value is kept while all are text.
            values = new ArrayList<>();
            if (written > 0) {
                values.addAll(Arrays.asList(new String(text, 0, before, StandardCharsets.UTF_8).split("\0", -1)));
            }
            values.add(key.asObjectCopy());
        }

        @Override
        public void writeUTF8(byte[] bytes, int offset, int count) {
            for (int at = offset; at < offset + count; at++) {
                if (bytes[at] == 0) {
                    textual = false;
                    return;
                }
            }
            append(bytes, offset, count);
        }

        @Override
        public void writeString(String value) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            writeUTF8(bytes, 0, bytes.length);
        }

        @Override
        public void writeString(char value) {
            writeString(String.valueOf(value));
        }

        private void append(byte[] bytes, int offset, int count) {
            if (length + count > text.length) {
                text = Arrays.copyOf(text, Math.max(length + count, 2 * text.length));
            }
            System.arraycopy(bytes, offset, text, length, count);
            length += count;
        }

        /** The NUL-separated text, or null when a key is not a string or holds a NUL. */
        byte[] text() {
            return values == null ? Arrays.copyOf(text, length) : null;
        }

        List<Object> values() {
            return values;
        }
    }

    @Override
    public void close() {
        nodes.close();
        reader.close();
    }

    /**
     * Nodes and keys from a range index on the key: only nodes that have the key are in it. Without
     * {@code withValues} the cursor yields node ids alone and {@link #key} answers NO_VALUE.
     */
    private static final class IndexSource implements Source {
        private final NodeValueIndexCursor cursor;

        IndexSource(KernelTransaction ktx, IndexDescriptor index, boolean withValues) throws KernelException {
            cursor = ktx.cursors().allocateNodeValueIndexCursor(ktx.cursorContext(), ktx.memoryTracker());
            try {
                ktx.dataRead().nodeIndexScan(ktx.dataRead().indexReadSession(index), cursor,
                        withValues ? IndexQueryConstraints.unorderedValues() : IndexQueryConstraints.unconstrained());
            } catch (KernelException | RuntimeException e) {
                cursor.close();
                throw e;
            }
        }

        @Override
        public boolean next() {
            return cursor.next();
        }

        @Override
        public long id() {
            return cursor.nodeReference();
        }

        @Override
        public Value key() {
            return cursor.hasValue() ? cursor.propertyValue(0) : Values.NO_VALUE;
        }

        @Override
        public boolean allKeyed() {
            return true;
        }

        @Override
        public void close() {
            cursor.close();
        }
    }

    /** Nodes from the label, each key read from the store. */
    private static final class LabelSource implements Source {
        private final StoreReader reader;
        private final ResourceIterator<Node> nodes;
        private final int keyToken;
        private long id;

        LabelSource(StoreReader reader, ResourceIterator<Node> nodes, int keyToken) {
            this.reader = reader;
            this.nodes = nodes;
            this.keyToken = keyToken;
        }

        @Override
        @SuppressWarnings("deprecation") // internal ids are what the projection joins on
        public boolean next() {
            while (nodes.hasNext()) {
                id = nodes.next().getId();
                if (reader.position(reader.node, id)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public Value key() {
            return reader.nodeProperty(reader.node, keyToken);
        }

        @Override
        public boolean allKeyed() {
            return false;
        }

        @Override
        public void close() {
            nodes.close();
        }
    }
}
