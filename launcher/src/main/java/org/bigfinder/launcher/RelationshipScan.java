package org.bigfinder.launcher;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.RelationshipDataAccessor;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.token.api.TokenConstants;

/**
 * The relationships of several types leaving the given start nodes, a chunk per record, read as Neo4j GDS
 * reads them: a sequential pass over the relationship store (or over the type index, when the types asked
 * for are a small part of the store) instead of a walk from each start node along its relationship chain,
 * which reads the store at random. Relationships come in store order; the projector groups them by start
 * node with a counting pass.
 *
 * <p>The scan is lazy: a chunk is read from the store when the client asks for the next record.
 */
final class RelationshipScan implements Iterator<ProjectionProcedures.RelationshipColumns>, AutoCloseable {

    /** Weight token (null: no weight column; NO_TOKEN: every weight is the default) and the window. */
    record Columns(Integer weightToken, double defaultWeight, double since, double until, boolean windowed) {
    }

    /**
     * The types read: their tokens, each token's index in the caller's list, and per index where the time
     * is read, its property token and, for a relationship's own time, the times from an index on it (null:
     * read from the store). Types the database has never seen are left out.
     */
    record Types(int[] tokens, int[] indexOfToken, TimeSide[] sides, int[] timeTokens,
                 TimeTable[] indexedTimes) {

        /** The types; a relationship's own time comes from an index on it where there is one. */
        static Types of(KernelTransaction ktx, List<String> names, List<String> sides, List<String> properties) {
            TokenRead read = ktx.tokenRead();
            int[] tokens = new int[names.size()];
            TimeSide[] timeSides = new TimeSide[names.size()];
            int[] timeTokens = new int[names.size()];
            int known = 0;
            int highest = -1;
            for (int index = 0; index < names.size(); index++) {
                timeSides[index] = TimeSide.parse(sides.get(index), properties.get(index));
                timeTokens[index] = timeSides[index] == TimeSide.NONE
                        ? TokenConstants.NO_TOKEN : read.propertyKey(properties.get(index));
                int token = read.relationshipType(names.get(index));
                if (token != TokenConstants.NO_TOKEN) {
                    tokens[known++] = token;
                    highest = Math.max(highest, token);
                }
            }
            int[] indexOfToken = new int[highest + 1];
            Arrays.fill(indexOfToken, -1);
            TimeTable[] indexedTimes = new TimeTable[names.size()];
            for (int index = 0; index < names.size(); index++) {
                int token = read.relationshipType(names.get(index));
                if (token != TokenConstants.NO_TOKEN) {
                    indexOfToken[token] = index;
                    if (timeSides[index] == TimeSide.RELATIONSHIP) {
                        indexedTimes[index] = IndexedTimes.ofRelationships(ktx, token, timeTokens[index]);
                    }
                }
            }
            return new Types(Arrays.copyOf(tokens, known), indexOfToken, timeSides, timeTokens, indexedTimes);
        }

        boolean isEmpty() {
            return tokens.length == 0;
        }

        /** Whether any type has a time to read. */
        boolean timed() {
            return Arrays.stream(sides).anyMatch(side -> side != TimeSide.NONE);
        }
    }

    private final StoreReader reader;
    private final int chunk;
    private final Types types;
    private final RelationshipSource relationships;
    private final NodeSet starts;
    private final Columns columns;
    /** Whether any type has a time to read: when none has, no time column is sent at all. */
    private final boolean timed;
    /** Per type index: the relationship properties to read (weight, own time), or null for none. */
    private final PropertySelection[] ownProperties;
    private double ownWeight;
    private double ownTime = Double.NaN;
    private ProjectionProcedures.RelationshipColumns pending;

    /** {@code starts}: the start nodes whose relationships are read (their internal ids). */
    RelationshipScan(StoreReader reader, int chunk, Types types, RelationshipSource relationships, NodeSet starts,
                     Columns columns) {
        this.reader = reader;
        this.chunk = chunk;
        this.types = types;
        this.relationships = relationships;
        this.starts = starts;
        this.columns = columns;
        this.timed = types.timed();
        this.ownProperties = new PropertySelection[types.sides().length];
        for (int index = 0; index < ownProperties.length; index++) {
            boolean timeFromStore = types.indexedTimes()[index] == null;
            ownProperties[index] = ownProperties(
                    columns, types.sides()[index], timeFromStore ? types.timeTokens()[index] : TokenConstants.NO_TOKEN);
        }
    }

    private static PropertySelection ownProperties(Columns columns, TimeSide side, int timeToken) {
        boolean weight = columns.weightToken() != null && columns.weightToken() != TokenConstants.NO_TOKEN;
        boolean time = side == TimeSide.RELATIONSHIP && timeToken != TokenConstants.NO_TOKEN;
        if (weight && time) {
            return PropertySelection.selection(columns.weightToken(), timeToken);
        }
        if (weight) {
            return PropertySelection.selection(columns.weightToken());
        }
        return time ? PropertySelection.selection(timeToken) : null;
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
        PackedColumn.Bytes type = new PackedColumn.Bytes(capacity);
        PackedColumn.Longs src = new PackedColumn.Longs(capacity);
        PackedColumn.Longs dst = new PackedColumn.Longs(capacity);
        PackedColumn.Doubles weight = new PackedColumn.Doubles(columns.weightToken() == null ? 0 : capacity);
        PackedColumn.Doubles time = new PackedColumn.Doubles(timed ? capacity : 0);
        int[] indexOfToken = types.indexOfToken();
        while (src.size() < chunk && relationships.next()) {
            RelationshipDataAccessor relationship = relationships.current();
            int token = relationship.type();
            int index = token < indexOfToken.length ? indexOfToken[token] : -1;
            if (index < 0 || !starts.contains(relationship.sourceNodeReference())) {
                continue;
            }
            readOwnProperties(relationship, index);
            double seconds = timeOf(relationship, index);
            if (columns.windowed() && !(seconds >= columns.since() && seconds <= columns.until())) {
                continue;
            }
            type.add((byte) index);
            src.add(relationship.sourceNodeReference());
            dst.add(relationship.targetNodeReference());
            if (columns.weightToken() != null) {
                weight.add(ownWeight);
            }
            if (timed) {
                time.add(seconds);
            }
        }
        if (src.size() == 0) {
            return null;
        }
        // Internal ids stay below 2^31 in all but the largest stores: then they travel as int32.
        boolean narrow = src.fitInts() && dst.fitInts();
        return new ProjectionProcedures.RelationshipColumns(type.pack(),
                narrow ? src.packInts() : src.pack(), narrow ? dst.packInts() : dst.pack(), narrow ? 4 : 8,
                weight.pack(), time.pack());
    }

    /** Reads the weight and own time of the relationship under the cursor into the fields below. */
    private void readOwnProperties(RelationshipDataAccessor relationship, int index) {
        ownWeight = columns.defaultWeight();
        ownTime = Double.NaN;
        PropertySelection wanted = ownProperties[index];
        if (wanted == null) {
            return;
        }
        PropertyCursor property = reader.properties;
        relationship.properties(property, wanted);
        while (property.next()) {
            int key = property.propertyKey();
            if (columns.weightToken() != null && key == columns.weightToken()) {
                ownWeight = StoreReader.number(property.propertyValue(), columns.defaultWeight());
            } else if (key == types.timeTokens()[index]) {
                ownTime = StoreReader.seconds(property.propertyValue());
            }
        }
    }

    private double timeOf(RelationshipDataAccessor relationship, int index) {
        int token = types.timeTokens()[index];
        return switch (types.sides()[index]) {
            case NONE -> Double.NaN;
            case RELATIONSHIP -> types.indexedTimes()[index] != null
                    ? types.indexedTimes()[index].get(relationship.relationshipReference())
                    : ownTime;
            case START -> reader.position(reader.node, relationship.sourceNodeReference())
                    ? StoreReader.seconds(reader.nodeProperty(reader.node, token))
                    : Double.NaN;
            case END -> reader.position(reader.otherNode, relationship.targetNodeReference())
                    ? StoreReader.seconds(reader.nodeProperty(reader.otherNode, token))
                    : Double.NaN;
        };
    }

    @Override
    public void close() {
        relationships.close();
        reader.close();
    }
}
