package org.bigfinder.launcher;

import java.time.ZoneOffset;

import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.token.api.TokenConstants;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.values.storable.DateTimeValue;
import org.neo4j.values.storable.DateValue;
import org.neo4j.values.storable.LocalDateTimeValue;
import org.neo4j.values.storable.NumberValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;
import org.neo4j.values.storable.Values;

/**
 * The kernel cursors one projection read walks the store with, and the conversions of stored values to the
 * numbers the projection holds. Cursors are reused for every element: nothing is allocated per element.
 */
final class StoreReader implements AutoCloseable {

    private final Read read;
    final NodeCursor node;
    final NodeCursor otherNode;
    final PropertyCursor properties;

    StoreReader(KernelTransaction ktx) {
        CursorFactory cursors = ktx.cursors();
        CursorContext context = ktx.cursorContext();
        MemoryTracker memory = ktx.memoryTracker();
        read = ktx.dataRead();
        node = cursors.allocateNodeCursor(context, memory);
        otherNode = cursors.allocateNodeCursor(context, memory);
        properties = cursors.allocatePropertyCursor(context, memory);
    }

    /** Moves {@code cursor} to node {@code id}; false when the node is gone. */
    boolean position(NodeCursor cursor, long id) {
        read.singleNode(id, cursor);
        return cursor.next();
    }

    /** The value of property {@code token} of the node under {@code cursor}, or NO_VALUE. */
    Value nodeProperty(NodeCursor cursor, int token) {
        if (token == TokenConstants.NO_TOKEN) {
            return Values.NO_VALUE;
        }
        cursor.properties(properties, PropertySelection.selection(token));
        return properties.next() ? properties.propertyValue() : Values.NO_VALUE;
    }

    /**
     * A date or date-time as seconds since the Unix epoch, as cypher/projection.cypher's epoch_seconds
     * computes it (whole milliseconds; a date from midnight UTC; a local date-time read as UTC); NaN for
     * anything else.
     */
    static double seconds(Value value) {
        if (value instanceof DateTimeValue moment) {
            return moment.asObjectCopy().toInstant().toEpochMilli() / 1000.0;
        }
        if (value instanceof DateValue day) {
            return day.asObjectCopy().toEpochDay() * 86400.0;
        }
        if (value instanceof LocalDateTimeValue local) {
            return local.asObjectCopy().toInstant(ZoneOffset.UTC).toEpochMilli() / 1000.0;
        }
        return Double.NaN;
    }

    /** A number, or a string holding one, as a float (Cypher's toFloatOrNull); else {@code fallback}. */
    static double number(Value value, double fallback) {
        if (value instanceof NumberValue number) {
            return number.doubleValue();
        }
        if (value instanceof TextValue text) {
            try {
                return Double.parseDouble(text.stringValue().strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    @Override
    public void close() {
        properties.close();
        otherNode.close();
        node.close();
    }
}
