// The ingest benchmark (bench/ingest.py): export the graph our ingest built to plain CSV files, then
// load those files server-side with LOAD CSV as the peer to compare with. Placeholders (__LABEL__,
// __KEY__, __TYPE__, __START__, __END__, __COLUMN__, __PROPERTIES__, ...) are filled by bench/ingest.py
// from the graph.schema whitelist; property names are checked to be plain identifiers first.

// name: node_property_types
// Every property of the label's nodes with the Cypher types its values have.
MATCH (n:__LABEL__)
UNWIND keys(n) AS property
RETURN property, collect(DISTINCT valueType(n[property])) AS types

// name: export_nodes
MATCH (n:__LABEL__)
RETURN properties(n) AS properties, labels(n) AS labels

// name: relationship_property_types
MATCH (:__START__)-[r:__TYPE__]->(:__END__)
UNWIND keys(r) AS property
RETURN property, collect(DISTINCT valueType(r[property])) AS types

// name: export_relationships
MATCH (s:__START__)-[r:__TYPE__]->(e:__END__)
RETURN s.__START_KEY__ AS start_key, e.__END_KEY__ AS end_key, properties(r) AS properties

// name: load_csv_nodes
// MERGE on the identifying key, as the ingest does; secondary labels (Company roles) as it sets them.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (n:__LABEL__ {__KEY__: __KEY_VALUE__})
  SET n += {__PROPERTIES__}
  __SECONDARY_LABELS__
} IN TRANSACTIONS OF 5000 ROWS

// name: load_csv_secondary_label
FOREACH (_ IN CASE WHEN '__LABEL__' IN split(row.__COLUMN__, ';') THEN [1] ELSE [] END | SET n:__LABEL__)

// name: load_csv_relationships
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (s:__START__ {__START_KEY__: __START_VALUE__})
  MATCH (e:__END__ {__END_KEY__: __END_VALUE__})
  MERGE (s)-[r:__TYPE__]->(e)
  SET r += {__PROPERTIES__}
} IN TRANSACTIONS OF 5000 ROWS

// name: load_csv_keyed_relationships
// A relationship that is an event of its own (a transfer) MERGEs on its key, as the ingest does.
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MATCH (s:__START__ {__START_KEY__: __START_VALUE__})
  MATCH (e:__END__ {__END_KEY__: __END_VALUE__})
  MERGE (s)-[r:__TYPE__ {__KEY__: __KEY_VALUE__}]->(e)
  SET r += {__PROPERTIES__}
} IN TRANSACTIONS OF 5000 ROWS

// name: csv_string
row.__COLUMN__

// name: csv_integer
toInteger(row.__COLUMN__)

// name: csv_float
toFloat(row.__COLUMN__)

// name: csv_boolean
toBoolean(row.__COLUMN__)

// name: csv_date
date(row.__COLUMN__)

// name: csv_datetime
datetime(row.__COLUMN__)

// name: csv_local_datetime
localdatetime(row.__COLUMN__)

// name: csv_string_list
// Lists are joined with ';'; an empty list is written as $empty_list, since an empty field reads as null.
CASE row.__COLUMN__ WHEN $empty_list THEN [] ELSE split(row.__COLUMN__, ';') END

// name: csv_integer_list
CASE row.__COLUMN__ WHEN $empty_list THEN [] ELSE [item IN split(row.__COLUMN__, ';') | toInteger(item)] END

// name: csv_float_list
CASE row.__COLUMN__ WHEN $empty_list THEN [] ELSE [item IN split(row.__COLUMN__, ';') | toFloat(item)] END

// name: property_totals
// Properties over the whole graph: a cheap check that the LOAD CSV graph carries what ours does.
CALL () { MATCH (n) RETURN count(n) AS nodes, sum(size(keys(n))) AS node_properties }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships, sum(size(keys(r))) AS relationship_properties }
RETURN nodes, node_properties, relationships, relationship_properties

// -- bench/algorithms.py: Neo4j GDS on the same graph as our projection ------------------------------

// name: gds_project
// $relationships maps each type to its projection ({orientation: 'NATURAL' | 'UNDIRECTED'}).
CALL gds.graph.project($graph, $labels, $relationships)
YIELD nodeCount, relationshipCount, projectMillis
RETURN nodeCount, relationshipCount, projectMillis

// name: gds_drop
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName

// name: gds_wcc
CALL gds.wcc.stats($graph) YIELD componentCount, computeMillis
RETURN componentCount AS found, computeMillis

// name: gds_louvain
CALL gds.louvain.stats($graph) YIELD communityCount, modularity, computeMillis
RETURN communityCount AS found, modularity, computeMillis

// name: gds_pagerank
// GDS stops when every score moved less than $tolerance (its own, unnormalised scale) or after
// $max_iterations steps: the bench gives it the step count our stop rule took and a tolerance that does
// not cut in first, so both do the same work.
CALL gds.pageRank.stats($graph, {dampingFactor: 0.85, maxIterations: $max_iterations, tolerance: $tolerance})
YIELD ranIterations, didConverge, computeMillis
RETURN ranIterations AS found, didConverge, computeMillis

// name: party_scores
// The GNN benchmark on a world (bench/gnn.py world): every person's and company's GNN score and
// analytics accomplice score, null where a run wrote none.
MATCH (n)
WHERE n:Person OR n:Company
RETURN labels(n) AS labels, coalesce(n.person_id, n.company_id) AS key, n.gnn_score AS gnn,
       n.accomplice_score AS ppr
