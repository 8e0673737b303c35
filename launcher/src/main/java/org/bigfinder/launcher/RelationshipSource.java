package org.bigfinder.launcher;

import java.util.Iterator;

import org.neo4j.exceptions.KernelException;
import org.neo4j.internal.kernel.api.IndexQueryConstraints;
import org.neo4j.internal.kernel.api.InternalIndexState;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipDataAccessor;
import org.neo4j.internal.kernel.api.RelationshipScanCursor;
import org.neo4j.internal.kernel.api.RelationshipTypeIndexCursor;
import org.neo4j.internal.kernel.api.SchemaRead;
import org.neo4j.internal.kernel.api.TokenPredicate;
import org.neo4j.internal.kernel.api.TokenReadSession;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.SchemaDescriptors;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.token.api.TokenConstants;

/**
 * Where a relationship scan reads relationships from, in store order: the whole relationship store, read
 * sequentially, or, when the types asked for are a small part of it, the relationship type index, type by
 * type (each type's relationships in ascending id, so the store is still read forwards).
 */
interface RelationshipSource extends AutoCloseable {

    /** Below this share of the store the asked-for types are read through the type index. */
    double TYPE_INDEX_SHARE = 0.25;

    /** Moves to the next relationship; false at the end. */
    boolean next();

    /** The relationship under the cursor (its type, ends and properties). */
    RelationshipDataAccessor current();

    @Override
    void close();

    /** The cheaper source for the relationships of {@code typeTokens}. */
    static RelationshipSource of(KernelTransaction ktx, int[] typeTokens) {
        Read read = ktx.dataRead();
        long wanted = 0;
        for (int token : typeTokens) {
            wanted += read.estimateCountsForRelationships(TokenConstants.ANY_LABEL, token, TokenConstants.ANY_LABEL);
        }
        long all = read.estimateCountsForRelationships(
                TokenConstants.ANY_LABEL, TokenConstants.ANY_RELATIONSHIP_TYPE, TokenConstants.ANY_LABEL);
        if (wanted < TYPE_INDEX_SHARE * all) {
            IndexDescriptor index = typeIndex(ktx.schemaRead());
            if (index != null) {
                try {
                    return new TypeIndexSource(ktx, read.tokenReadSession(index), typeTokens);
                } catch (KernelException e) {
                    // dropped meanwhile: read the whole store instead
                }
            }
        }
        return new StoreSource(ktx);
    }

    /** The online relationship type index, or null (it can be dropped; then the store is read). */
    private static IndexDescriptor typeIndex(SchemaRead schemaRead) {
        Iterator<IndexDescriptor> indexes = schemaRead.index(SchemaDescriptors.ANY_TOKEN_RELATIONSHIP_SCHEMA_DESCRIPTOR);
        while (indexes.hasNext()) {
            IndexDescriptor index = indexes.next();
            try {
                if (schemaRead.indexGetState(index) == InternalIndexState.ONLINE) {
                    return index;
                }
            } catch (KernelException e) {
                // dropped while we looked
            }
        }
        return null;
    }

    /** Every relationship of the store, in id order. */
    final class StoreSource implements RelationshipSource {
        private final RelationshipScanCursor cursor;

        StoreSource(KernelTransaction ktx) {
            cursor = ktx.cursors().allocateRelationshipScanCursor(ktx.cursorContext(), ktx.memoryTracker());
            ktx.dataRead().allRelationshipsScan(cursor);
        }

        @Override
        public boolean next() {
            return cursor.next();
        }

        @Override
        public RelationshipDataAccessor current() {
            return cursor;
        }

        @Override
        public void close() {
            cursor.close();
        }
    }

    /** The relationships of each type in turn, from the type index. */
    final class TypeIndexSource implements RelationshipSource {
        private final KernelTransaction ktx;
        private final TokenReadSession session;
        private final int[] typeTokens;
        private final RelationshipTypeIndexCursor cursor;
        private int typeAt = -1;

        TypeIndexSource(KernelTransaction ktx, TokenReadSession session, int[] typeTokens) {
            this.ktx = ktx;
            this.session = session;
            this.typeTokens = typeTokens;
            cursor = ktx.cursors().allocateRelationshipTypeIndexCursor(ktx.cursorContext(), ktx.memoryTracker());
        }

        @Override
        public boolean next() {
            while (true) {
                if (typeAt >= 0) {
                    while (cursor.next()) {
                        if (cursor.readFromStore()) { // false: deleted since the index entry was read
                            return true;
                        }
                    }
                }
                if (++typeAt >= typeTokens.length) {
                    return false;
                }
                try {
                    ktx.dataRead().relationshipTypeScan(session, cursor, IndexQueryConstraints.unconstrained(),
                            new TokenPredicate(typeTokens[typeAt]), ktx.cursorContext());
                } catch (KernelException e) {
                    throw new IllegalStateException("the relationship type index went away during the read", e);
                }
            }
        }

        @Override
        public RelationshipDataAccessor current() {
            return cursor;
        }

        @Override
        public void close() {
            cursor.close();
        }
    }
}
