package org.bigfinder.launcher;

import java.util.Iterator;

import org.neo4j.exceptions.KernelException;
import org.neo4j.internal.kernel.api.IndexQueryConstraints;
import org.neo4j.internal.kernel.api.InternalIndexState;
import org.neo4j.internal.kernel.api.NodeValueIndexCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipValueIndexCursor;
import org.neo4j.internal.kernel.api.SchemaRead;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.IndexType;
import org.neo4j.internal.schema.SchemaDescriptor;
import org.neo4j.internal.schema.SchemaDescriptors;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.token.api.TokenConstants;

/**
 * Times (epoch seconds) of every node of a label or relationship of a type, read from a range index on the
 * time property: one sequential pass over index pages, then a hash look-up per element instead of a walk
 * along its property chain (a microsecond each on a declaration with a dozen properties). The times are
 * held by id in a {@link TimeTable}.
 *
 * <p>Elements without the property are not in the index; the look-up answers NaN for them. Where there is
 * no online range index, or the index is too big to hold its times in memory, there is no map and times
 * are read from the store.
 */
final class IndexedTimes {

    /** At most this many times are held (16 bytes each plus the table): 128 MiB or so. */
    static final long MAX_ENTRIES = 4_000_000L;

    private IndexedTimes() {
    }

    /** The {@code label} nodes' times of property {@code key}, or null without a usable index. */
    static TimeTable ofNodes(KernelTransaction ktx, int label, int key) {
        if (label == TokenConstants.NO_TOKEN || key == TokenConstants.NO_TOKEN
                || ktx.dataRead().estimateCountsForNode(label) > MAX_ENTRIES) {
            return null;
        }
        IndexDescriptor index = rangeIndex(ktx.schemaRead(), SchemaDescriptors.forLabel(label, key));
        if (index == null) {
            return null;
        }
        Read read = ktx.dataRead();
        TimeTable times = new TimeTable();
        try (NodeValueIndexCursor cursor =
                     ktx.cursors().allocateNodeValueIndexCursor(ktx.cursorContext(), ktx.memoryTracker())) {
            read.nodeIndexScan(read.indexReadSession(index), cursor, IndexQueryConstraints.unorderedValues());
            while (cursor.next()) {
                if (!cursor.hasValue()) {
                    return null;
                }
                times.put(cursor.nodeReference(), StoreReader.seconds(cursor.propertyValue(0)));
            }
        } catch (KernelException e) {
            return null; // dropped meanwhile: read from the store
        }
        return times;
    }

    /** The {@code type} relationships' times of property {@code key}, or null without a usable index. */
    static TimeTable ofRelationships(KernelTransaction ktx, int type, int key) {
        if (type == TokenConstants.NO_TOKEN || key == TokenConstants.NO_TOKEN
                || ktx.dataRead().estimateCountsForRelationships(
                        TokenConstants.ANY_LABEL, type, TokenConstants.ANY_LABEL) > MAX_ENTRIES) {
            return null;
        }
        IndexDescriptor index = rangeIndex(ktx.schemaRead(), SchemaDescriptors.forRelType(type, key));
        if (index == null) {
            return null;
        }
        Read read = ktx.dataRead();
        TimeTable times = new TimeTable();
        try (RelationshipValueIndexCursor cursor = ktx.cursors()
                .allocateRelationshipValueIndexCursor(ktx.cursorContext(), ktx.memoryTracker())) {
            read.relationshipIndexScan(
                    read.indexReadSession(index), cursor, IndexQueryConstraints.unorderedValues());
            while (cursor.next()) {
                if (!cursor.hasValue()) {
                    return null;
                }
                times.put(cursor.relationshipReference(), StoreReader.seconds(cursor.propertyValue(0)));
            }
        } catch (KernelException e) {
            return null;
        }
        return times;
    }

    /** An online range index on exactly {@code schema}, or null. */
    static IndexDescriptor rangeIndex(SchemaRead schemaRead, SchemaDescriptor schema) {
        Iterator<IndexDescriptor> indexes = schemaRead.index(schema);
        while (indexes.hasNext()) {
            IndexDescriptor index = indexes.next();
            try {
                if (index.getIndexType() == IndexType.RANGE
                        && schemaRead.indexGetState(index) == InternalIndexState.ONLINE) {
                    return index;
                }
            } catch (KernelException e) {
                // dropped while we looked: try the next one
            }
        }
        return null;
    }
}
