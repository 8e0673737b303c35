package org.bigfinder.launcher;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.neo4j.exceptions.KernelException;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.token.api.TokenConstants;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * Read-only procedures that hand bigfinder's projector (graph/projector.py) the graph as packed columns.
 *
 * <p>Cypher answers a projection read with one list element per node or relationship, which the server
 * boxes and the client unboxes one by one. These procedures read the store in-process, as Neo4j GDS
 * does, and return each column as a byte array of little-endian int64 or float64 values (a Bolt byte
 * string), a chunk of at most chunkSize elements per record, so the client maps them into numpy
 * arrays without touching each element. Nodes are named by their internal id, which is only used to join
 * relationships to nodes within one projection.
 *
 * <p>Labels, types and property keys are parameters looked up as tokens of the database, never spliced
 * into a query; a name the database has never seen simply matches nothing.
 */
public final class ProjectionProcedures {

    /** The most elements one record may carry: 2^24 makes 128 MiB per column, far above what a client asks. */
    static final long MAX_CHUNK = 1L << 24;
    /** A relationship's type travels as one byte. */
    static final int MAX_TYPES = 256;

    @Context
    public Transaction tx;

    /**
     * A chunk of nodes: internal ids, identifying keys and, for an event, its time (empty otherwise). Keys
     * that are all strings travel as one UTF-8 text, separated by NUL ({@code keyText}, {@code keys}
     * empty): the client splits it in one call instead of decoding a value per node. Otherwise
     * {@code keys} lists them and {@code keyText} is null. A read without keys leaves both empty.
     */
    public static final class NodeColumns {
        /** The index of the chunk's label in the list asked for. */
        public long label;
        public byte[] ids;
        public List<Object> keys;
        public byte[] keyText;
        public byte[] time;

        NodeColumns(byte[] ids, List<Object> keys, byte[] keyText, byte[] time) {
            this.ids = ids;
            this.keys = keys;
            this.keyText = keyText;
            this.time = time;
        }
    }

    /**
     * A chunk of relationships: the index of each one's type in the list asked for (one byte each), start
     * and end internal ids (int32 when all fit, else int64), weights and times (empty when not asked for).
     */
    public static final class RelationshipColumns {
        public byte[] type;
        public byte[] src;
        public byte[] dst;
        /** Bytes per id in src and dst: 4 (int32) when every id of the chunk fits, else 8. */
        public long idBytes;
        public byte[] weight;
        public byte[] time;

        RelationshipColumns(byte[] type, byte[] src, byte[] dst, int idBytes, byte[] weight, byte[] time) {
            this.type = type;
            this.src = src;
            this.dst = dst;
            this.idBytes = idBytes;
            this.weight = weight;
            this.time = time;
        }
    }

    @Procedure(name = "bigfinder.projection.nodes", mode = Mode.READ)
    @Description("bigfinder.projection.nodes(labels, keys, timeProperties, chunkSize, withKeys) :: (label, ids, keys,"
            + " keyText, time): label by label, every node of the label that has its key (keys[i] for labels[i],"
            + " read from its range index when there is one), chunkSize nodes per record: the label's index in"
            + " labels, packed int64 ids, the keys (as one NUL-separated UTF-8 keyText when all are strings, else as"
            + " the list keys; keyText null and keys empty when withKeys is false) and packed float64 epoch seconds"
            + " of timeProperties[i] (NaN where absent; empty when it is null).")
    public Stream<NodeColumns> nodes(@Name("labels") List<String> labels, @Name("keys") List<String> keys,
                                     @Name("timeProperties") List<String> timeProperties,
                                     @Name("chunkSize") long chunkSize,
                                     @Name("withKeys") boolean withKeys) {
        int chunk = chunk(chunkSize);
        if (keys.size() != labels.size() || timeProperties.size() != labels.size()) {
            throw new IllegalArgumentException("labels, keys and timeProperties must be lists of one length");
        }
        LabelByLabel scans = new LabelByLabel(
                index -> scan(labels.get(index), keys.get(index), timeProperties.get(index), chunk, withKeys),
                labels.size());
        return streamOf(scans);
    }

    /** The scan of one label's nodes, or null when the database has never seen the label or the key. */
    private NodeScan scan(String label, String key, String timeProperty, int chunk, boolean withKeys) {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        int labelToken = tokens.nodeLabel(label);
        int keyToken = tokens.propertyKey(key);
        if (labelToken == TokenConstants.NO_TOKEN || keyToken == TokenConstants.NO_TOKEN) {
            return null;
        }
        Integer timeToken = timeProperty == null ? null : tokens.propertyKey(timeProperty);
        return NodeScan.of(tx, ktx, label, labelToken, keyToken, timeToken, chunk, withKeys);
    }

    private static <T, S extends Iterator<T> & AutoCloseable> Stream<T> streamOf(S scan) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(scan, Spliterator.ORDERED), false)
                .onClose(() -> {
                    try {
                        scan.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("could not close a projection read", e);
                    }
                });
    }

    /**
     * The scans of several labels one after another, each chunk marked with its label's index; a scan is
     * opened when the one before it is done, so at most one is open at a time.
     */
    private static final class LabelByLabel implements Iterator<NodeColumns>, AutoCloseable {
        private final IntFunction<NodeScan> open;
        private final int count;
        private int index = -1;
        private NodeScan current;

        LabelByLabel(IntFunction<NodeScan> open, int count) {
            this.open = open;
            this.count = count;
        }

        @Override
        public boolean hasNext() {
            while (current == null || !current.hasNext()) {
                close();
                if (++index >= count) {
                    return false;
                }
                current = open.apply(index);
            }
            return true;
        }

        @Override
        public NodeColumns next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            NodeColumns columns = current.next();
            columns.label = index;
            return columns;
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    @Procedure(name = "bigfinder.projection.relationships", mode = Mode.READ)
    @Description("bigfinder.projection.relationships(types, startLabels, low, high, weightProperty,"
            + " defaultWeight, timeSides, timeProperties, since, until, chunkSize) :: (type, src, dst, idBytes,"
            + " weight, time): every relationship of the given types leaving a node of startLabels whose internal"
            + " id lies in [low, high), read in one sequential pass over the relationship store (or its type"
            + " index), in store order, as packed columns, chunkSize per record: type (a byte: the index in types),"
            + " src and dst (int32 when idBytes is 4, int64 when 8), weight (float64, empty when weightProperty is"
            + " null) and time (float64 epoch seconds, NaN where absent or not asked for; read per type from the"
            + " relationship, its start or its end node as timeSides says, null for none; empty when no type has"
            + " one). since and until (inclusive, nullable) keep only relationships timed inside the window.")
    public Stream<RelationshipColumns> relationships(
            @Name("types") List<String> types,
            @Name("startLabels") List<String> startLabels,
            @Name("low") long low,
            @Name("high") long high,
            @Name("weightProperty") String weightProperty,
            @Name("defaultWeight") double defaultWeight,
            @Name("timeSides") List<String> timeSides,
            @Name("timeProperties") List<String> timeProperties,
            @Name("since") Double since,
            @Name("until") Double until,
            @Name("chunkSize") long chunkSize) {
        int chunk = chunk(chunkSize);
        if (types.size() > MAX_TYPES || timeSides.size() != types.size() || timeProperties.size() != types.size()) {
            throw new IllegalArgumentException("types (at most " + MAX_TYPES + "), timeSides and timeProperties"
                    + " must be lists of one length");
        }
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        RelationshipScan.Columns columns = new RelationshipScan.Columns(
                weightProperty == null ? null : tokens.propertyKey(weightProperty), defaultWeight,
                since == null ? Double.NEGATIVE_INFINITY : since, until == null ? Double.POSITIVE_INFINITY : until,
                since != null || until != null);
        RelationshipScan.Types read = RelationshipScan.Types.of(ktx, types, timeSides, timeProperties);
        if (read.isEmpty()) {
            return Stream.empty();
        }
        List<Integer> labelTokens = new ArrayList<>();
        for (String label : startLabels) {
            int token = tokens.nodeLabel(label);
            if (token != TokenConstants.NO_TOKEN) {
                labelTokens.add(token);
            }
        }
        NodeSet starts;
        try {
            starts = NodeSet.ofLabels(ktx, labelTokens.stream().mapToInt(Integer::intValue).toArray(), low, high);
        } catch (KernelException e) {
            throw new IllegalStateException("could not scan the start labels " + startLabels, e);
        }
        RelationshipScan scan = new RelationshipScan(
                new StoreReader(ktx), chunk, read, RelationshipSource.of(ktx, read.tokens()), starts, columns);
        return streamOf(scan);
    }

    private static int chunk(long chunkSize) {
        if (chunkSize < 1 || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException("chunkSize must be 1 to " + MAX_CHUNK + ", not " + chunkSize);
        }
        return (int) chunkSize;
    }
}
