package org.bigfinder.launcher;

import org.neo4j.exceptions.KernelException;
import org.neo4j.internal.kernel.api.IndexQueryConstraints;
import org.neo4j.internal.kernel.api.NodeLabelIndexCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.TokenPredicate;
import org.neo4j.internal.kernel.api.TokenReadSession;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.SchemaDescriptors;
import org.neo4j.kernel.api.KernelTransaction;

/**
 * A set of internal node ids, one bit each: the start nodes a relationship scan keeps. Node ids are dense
 * (Neo4j hands them out in order and reuses freed ones), so a bit per id up to the highest is a few hundred
 * kilobytes for a million nodes, and a membership test is one array read.
 */
final class NodeSet {

    private long[] words = new long[1024];

    /** The nodes of the labels {@code labelTokens} whose internal ids lie in {@code [low, high)}. */
    static NodeSet ofLabels(KernelTransaction ktx, int[] labelTokens, long low, long high) throws KernelException {
        NodeSet set = new NodeSet();
        Read read = ktx.dataRead();
        TokenReadSession session = read.tokenReadSession(labelIndex(ktx));
        try (NodeLabelIndexCursor cursor =
                     ktx.cursors().allocateNodeLabelIndexCursor(ktx.cursorContext(), ktx.memoryTracker())) {
            for (int label : labelTokens) {
                read.nodeLabelScan(session, cursor, IndexQueryConstraints.unconstrained(), new TokenPredicate(label),
                        ktx.cursorContext());
                while (cursor.next()) {
                    long id = cursor.nodeReference();
                    if (low <= id && id < high) {
                        set.add(id);
                    }
                }
            }
        }
        return set;
    }

    /** The node label index every Neo4j 5 database has (its label scans read nothing else). */
    private static IndexDescriptor labelIndex(KernelTransaction ktx) throws KernelException {
        var indexes = ktx.schemaRead().index(SchemaDescriptors.ANY_TOKEN_NODE_SCHEMA_DESCRIPTOR);
        if (!indexes.hasNext()) {
            throw new IllegalStateException("this database has no node label index to find start nodes with");
        }
        return indexes.next();
    }

    void add(long id) {
        int word = (int) (id >>> 6);
        if (word >= words.length) {
            words = java.util.Arrays.copyOf(words, Math.max(word + 1, words.length * 2));
        }
        words[word] |= 1L << id;
    }

    boolean contains(long id) {
        long word = id >>> 6;
        return word < words.length && (words[(int) word] & (1L << id)) != 0;
    }
}
