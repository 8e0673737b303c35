package org.bigfinder.launcher;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.values.storable.Value;
import org.neo4j.values.storable.Values;

/**
 * The nodes of one label, a chunk per record: internal ids, keys and (when a time token is given) times.
 * A node without its key cannot be written back to, so it is left out, as the Cypher read does.
 */
final class NodeScan implements Iterator<ProjectionProcedures.NodeColumns>, AutoCloseable {

    private final StoreReader reader;
    private final ResourceIterator<Node> nodes;
    private final int chunk;
    private final int keyToken;
    private final Integer timeToken;
    private ProjectionProcedures.NodeColumns pending;

    /** {@code timeToken} null: times are not read (the column stays empty). */
    NodeScan(StoreReader reader, ResourceIterator<Node> nodes, int chunk, int keyToken, Integer timeToken) {
        this.reader = reader;
        this.nodes = nodes;
        this.chunk = chunk;
        this.keyToken = keyToken;
        this.timeToken = timeToken;
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
        ProjectionProcedures.NodeColumns chunk = pending;
        pending = null;
        return chunk;
    }

    private ProjectionProcedures.NodeColumns fill() {
        PackedColumn.Longs ids = new PackedColumn.Longs(Math.min(chunk, 1 << 16));
        List<Object> keys = new ArrayList<>();
        PackedColumn.Doubles times = new PackedColumn.Doubles(timeToken == null ? 0 : Math.min(chunk, 1 << 16));
        while (ids.size() < chunk && nodes.hasNext()) {
            @SuppressWarnings("deprecation") // internal ids are what the projection joins on
            long id = nodes.next().getId();
            if (!reader.position(reader.node, id)) {
                continue;
            }
            Value key = reader.nodeProperty(reader.node, keyToken);
            if (key == Values.NO_VALUE) {
                continue;
            }
            ids.add(id);
            keys.add(key.asObjectCopy());
            if (timeToken != null) {
                times.add(StoreReader.seconds(reader.nodeProperty(reader.node, timeToken)));
            }
        }
        return ids.size() == 0 ? null : new ProjectionProcedures.NodeColumns(ids.pack(), keys, times.pack());
    }

    @Override
    public void close() {
        nodes.close();
        reader.close();
    }
}
