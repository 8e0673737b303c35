// Reads of graph.projector: the graph as a few large lists per query, never one record per element.
// Placeholders (__LABEL__, __KEY__, __TYPE__, __TIME__, __SECONDS__) are filled by graph.projector from
// the graph.schema whitelist and the epoch_seconds block only. Internal ids (id()) join relationships
// to their nodes within one projection: they are never stored or shown, since Neo4j may reuse the id
// of a deleted node.
//
// collect() skips nulls, which the reads use twice: a column that is not asked for ($timed, $weighted
// false) comes back as an empty list instead of a list of placeholders, and every column that is asked
// for is kept free of nulls ($default_weight, $no_time = NaN) so the lists stay parallel.

// name: epoch_seconds
// A date or date-time as seconds since the Unix epoch (a date counts from midnight UTC); else null.
CASE
  WHEN moment IS :: ZONED DATETIME NOT NULL THEN moment.epochMillis / 1000.0
  WHEN moment IS :: LOCAL DATETIME NOT NULL THEN datetime({datetime: moment}).epochMillis / 1000.0
  WHEN moment IS :: DATE NOT NULL THEN datetime({date: moment}).epochMillis / 1000.0
END

// name: nodes_of_label
// Every node of one label: internal ids, identifying keys and, for an event asked for its time, when
// it happened (__TIME__ is n.<time property> or null). A node without its key could not be written
// back to, so it is left out (and so are its relationships).
MATCH (n:__LABEL__)
WHERE n.__KEY__ IS NOT NULL
WITH n, CASE WHEN $timed THEN __TIME__ END AS moment
RETURN collect(id(n)) AS ids,
       collect(n.__KEY__) AS keys,
       collect(CASE WHEN $timed THEN coalesce(__SECONDS__, $no_time) END) AS time

// name: relationships_from
// The __TYPE__ relationships leaving one chunk of start nodes (internal ids), as parallel lists.
// __TIME__ is where the schema says the relationship's time lives (r.sent_at, b.declared_on, ...) or
// null. The projector asks for times here ($timed) when they are the relationship's own or a window
// must be applied; an event's time is otherwise read once per event node, not once per relationship.
// A window drops timeless relationships, as Projection.select does.
MATCH (a) WHERE id(a) IN $start_ids
MATCH (a)-[r:__TYPE__]->(b)
WITH a, r, b, CASE WHEN $timed THEN __TIME__ END AS moment
WITH a, r, b, __SECONDS__ AS seconds
WHERE ($since IS NULL OR seconds >= $since) AND ($until IS NULL OR seconds <= $until)
RETURN collect(id(a)) AS src,
       collect(id(b)) AS dst,
       collect(CASE WHEN $weighted THEN coalesce(toFloatOrNull(r[$weight_property]), $default_weight) END)
         AS weight,
       collect(CASE WHEN $timed THEN coalesce(seconds, $no_time) END) AS time
