// Reads of graph.projector: the graph as a few large lists per query, never one record per element.
// Placeholders are filled by graph.projector only: __LABEL__, __KEY__, __TYPE__ and
// __MOMENT__ (a property access such as r.sent_at) from the graph.schema whitelist; __TIMED__,
// __SECONDS__, __WEIGHT__ and __TIME__ with the blocks below, or left empty ('' or collect(null))
// when that column is not wanted, so the server spends nothing on it. Internal ids (id()) join
// relationships to their nodes within one projection: they are never stored or shown, since Neo4j may
// reuse the id of a deleted node. collect() skips nulls, so every column keeps a value for each row
// ($default_weight, $no_time = NaN) and the lists stay parallel.

// name: nodes_of_label
// Every node of one label: internal ids, identifying keys and, for an event whose time is asked for,
// when it happened. A node without its key could not be written back to, so it is left out (and so
// are its relationships).
MATCH (n:__LABEL__)
WHERE n.__KEY__ IS NOT NULL
__TIMED__
RETURN collect(id(n)) AS ids, collect(n.__KEY__) AS keys, __TIME__ AS time

// name: relationships_from
// The __TYPE__ relationships leaving nodes whose internal ids lie in [$low, $high), as parallel lists:
// a chunk is two numbers, not a list of ids to send. No label on (a): the planner then scans the type
// itself, a quarter cheaper than expanding from a label; the projector drops what leaves a node it does
// not project.
MATCH (a)-[r:__TYPE__]->(b)
WHERE $low <= id(a) < $high
__TIMED__
RETURN collect(id(a)) AS src, collect(id(b)) AS dst, __WEIGHT__ AS weight, __TIME__ AS time

// name: node_time
WITH n, __MOMENT__ AS moment
WITH n, __SECONDS__ AS seconds

// name: relationship_time
// A relationship's time, and the window on it: a bound drops timeless relationships, as
// Projection.select does.
WITH a, r, b, __MOMENT__ AS moment
WITH a, r, b, __SECONDS__ AS seconds
WHERE ($since IS NULL OR seconds >= $since) AND ($until IS NULL OR seconds <= $until)

// name: epoch_seconds
// A date or date-time as seconds since the Unix epoch (a date counts from midnight UTC, a local
// date-time as UTC); else null. Days since 1970 cost the server half of what datetime({date: ...}) does.
CASE
  WHEN moment IS :: ZONED DATETIME NOT NULL THEN moment.epochMillis / 1000.0
  WHEN moment IS :: DATE NOT NULL THEN duration.inDays(date('1970-01-01'), moment).days * 86400.0
  WHEN moment IS :: LOCAL DATETIME NOT NULL THEN datetime({datetime: moment}).epochMillis / 1000.0
END

// name: time_column
collect(coalesce(seconds, $no_time))

// name: weight_column
collect(coalesce(toFloatOrNull(r[$weight_property]), $default_weight))

// name: packed_reads_available
// Whether the server is bigfinder's own Neo4j, whose launcher registers the packed projection reads
// (launcher/.../ProjectionProcedures.java); another Neo4j is read with the Cypher above.
// A server still running an older launcher (a node read per label, int64 ids only) is read with Cypher
// until it is restarted: the signatures say which build it runs.
SHOW PROCEDURES YIELD name, signature
WHERE (name = 'bigfinder.projection.nodes' AND signature STARTS WITH 'bigfinder.projection.nodes(labels :: LIST')
   OR (name = 'bigfinder.projection.relationships' AND signature CONTAINS 'idBytes :: INTEGER')
RETURN count(*) = 2 AS available

// name: packed_nodes
// Label by label, every $labels[i] node that has its $keys[i]: the label's index in $labels, internal ids
// (packed int64), keys (NUL-separated UTF-8 keyText when all are strings, else the list keys; neither when
// $with_keys is false) and, when $time_properties[i] is not null, the event's time (packed float64 epoch
// seconds, NaN where absent), a chunk per record.
CALL bigfinder.projection.nodes($labels, $keys, $time_properties, $chunk_size, $with_keys)
  YIELD label, ids, keys, keyText, time
RETURN label, ids, keys, keyText, time

// name: packed_relationships
// In one pass over the nodes of $start_labels with internal ids in [$low, $high): their relationships of
// $types, in store order, as packed columns a chunk per record. type is each one's index in $types (a
// byte); src and dst are int32 when id_bytes is 4, int64 when 8; time is read per type where
// $time_sides/$time_properties say (null: not read, NaN; empty bytes when no type has one); weight is
// empty bytes when not asked for.
CALL bigfinder.projection.relationships(
  $types, $start_labels, $low, $high, $weight_property, $default_weight, $time_sides, $time_properties,
  $since, $until, $chunk_size
) YIELD type, src, dst, idBytes, weight, time
RETURN type, src, dst, idBytes AS id_bytes, weight, time
