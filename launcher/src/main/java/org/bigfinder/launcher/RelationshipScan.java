package org.bigfinder.launcher;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.neo4j.graphdb.Direction;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.RelationshipTraversalCursor;
import org.neo4j.token.api.TokenConstants;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.RelationshipSelection;

/**
 * The relationships of one type leaving the given start nodes, a chunk per record, grouped by start node:
 * label by label, each label's nodes in ascending internal id, each node's relationships together. That
 * order lets the projector build the out-adjacency (CSR) without sorting.
 *
 * <p>The scan is lazy: a chunk is read from the store when the client asks for the next record, and a
 * node whose relationships straddle two chunks is picked up where the first one stopped.
 */
final class RelationshipScan implements Iterator<ProjectionProcedures.RelationshipColumns>, AutoCloseable {

    /** What to read per relationship: weight and time tokens (or none), the time window. */
    record Columns(Integer weightToken, double defaultWeight, TimeSide side, int timeToken,
                   double since, double until, boolean windowed) {
    }

    private final StoreReader reader;
    private final int chunk;
    private final RelationshipSelection selection;
    private final int[] labelTokens;
    private final List<long[]> starts;
    private final Columns columns;
    private final PropertySelection relationshipProperties;
    private int labelAt;
    private int nodeAt;
    private boolean inNode;
    private double startTime = Double.NaN;
    private double ownWeight;
    private double ownTime = Double.NaN;
    private ProjectionProcedures.RelationshipColumns pending;

    RelationshipScan(StoreReader reader, int chunk, int typeToken, List<Integer> labelTokens,
                     List<long[]> starts, Columns columns) {
        this.reader = reader;
        this.chunk = chunk;
        this.selection = RelationshipSelection.selection(typeToken, Direction.OUTGOING);
        this.labelTokens = labelTokens.stream().mapToInt(Integer::intValue).toArray();
        this.starts = starts;
        this.columns = columns;
        this.relationshipProperties = relationshipProperties(columns);
    }

    private static PropertySelection relationshipProperties(Columns columns) {
        boolean weight = columns.weightToken() != null && columns.weightToken() != TokenConstants.NO_TOKEN;
        boolean time = columns.side() == TimeSide.RELATIONSHIP && columns.timeToken() != TokenConstants.NO_TOKEN;
        if (weight && time) {
            return PropertySelection.selection(columns.weightToken(), columns.timeToken());
        }
        if (weight) {
            return PropertySelection.selection(columns.weightToken());
        }
        return time ? PropertySelection.selection(columns.timeToken()) : null;
    }

    @Override
    public boolean hasNext() {
        if (pending == null) {
            pending = fill();
        }
        return pending != null;
    }

    @Override
    public ProjectionProcedures.RelationshipColumns next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ProjectionProcedures.RelationshipColumns chunk = pending;
        pending = null;
        return chunk;
    }

    private ProjectionProcedures.RelationshipColumns fill() {
        int capacity = Math.min(chunk, 1 << 16);
        PackedColumn.Longs src = new PackedColumn.Longs(capacity);
        PackedColumn.Longs dst = new PackedColumn.Longs(capacity);
        PackedColumn.Doubles weight = new PackedColumn.Doubles(columns.weightToken() == null ? 0 : capacity);
        PackedColumn.Doubles time = new PackedColumn.Doubles(columns.side() == TimeSide.NONE ? 0 : capacity);
        RelationshipTraversalCursor relationship = reader.relationships;
        while (src.size() < chunk) {
            if (!inNode || !relationship.next()) {
                if (!nextStartNode()) {
                    break;
                }
                continue;
            }
            readProperties(relationship);
            double seconds = timeOf(relationship);
            if (columns.windowed() && !(seconds >= columns.since() && seconds <= columns.until())) {
                continue;
            }
            src.add(relationship.sourceNodeReference());
            dst.add(relationship.targetNodeReference());
            if (columns.weightToken() != null) {
                weight.add(ownWeight);
            }
            if (columns.side() != TimeSide.NONE) {
                time.add(seconds);
            }
        }
        if (src.size() == 0) {
            return null;
        }
        return new ProjectionProcedures.RelationshipColumns(src.pack(), dst.pack(), weight.pack(), time.pack());
    }

    /** Moves to the next start node with relationships to walk; false when every start node is done. */
    private boolean nextStartNode() {
        inNode = false;
        while (labelAt < starts.size()) {
            long[] ids = starts.get(labelAt);
            while (nodeAt < ids.length) {
                long id = ids[nodeAt++];
                if (!reader.position(reader.node, id) || readBefore(labelAt)) {
                    continue;
                }
                if (columns.side() == TimeSide.START) {
                    startTime = StoreReader.seconds(reader.nodeProperty(reader.node, columns.timeToken()));
                }
                reader.node.relationships(reader.relationships, selection);
                inNode = true;
                return true;
            }
            labelAt++;
            nodeAt = 0;
        }
        return false;
    }

    /** Whether the node under the cursor also carries a start label scanned before: its edges are read. */
    private boolean readBefore(int label) {
        for (int earlier = 0; earlier < label; earlier++) {
            if (reader.node.hasLabel(labelTokens[earlier])) {
                return true;
            }
        }
        return false;
    }

    /** Reads the weight and own time of the relationship under the cursor into the fields below. */
    private void readProperties(RelationshipTraversalCursor relationship) {
        ownWeight = columns.defaultWeight();
        ownTime = Double.NaN;
        if (relationshipProperties == null) {
            return;
        }
        PropertyCursor property = reader.properties;
        relationship.properties(property, relationshipProperties);
        while (property.next()) {
            int key = property.propertyKey();
            if (columns.weightToken() != null && key == columns.weightToken()) {
                ownWeight = StoreReader.number(property.propertyValue(), columns.defaultWeight());
            } else if (key == columns.timeToken()) {
                ownTime = StoreReader.seconds(property.propertyValue());
            }
        }
    }

    private double timeOf(RelationshipTraversalCursor relationship) {
        return switch (columns.side()) {
            case NONE -> Double.NaN;
            case RELATIONSHIP -> ownTime;
            case START -> startTime;
            case END -> reader.position(reader.otherNode, relationship.targetNodeReference())
                    ? StoreReader.seconds(reader.nodeProperty(reader.otherNode, columns.timeToken()))
                    : Double.NaN;
        };
    }

    @Override
    public void close() {
        reader.close();
    }
}
