// Reads of the case export (api/case_export.py) beyond the case file of cypher/cases.cypher: each
// entity's own properties (provenance included), and the analysis runs that the case's facts name.
// Every value is a parameter; $key_of maps each entity label to its key property.

// name: case_entity_facts
// The case's entities with all their properties. One with no source row of its own (an identifier:
// phone, account, address ...) gets the rows that name it: its relationships' rows, or else the rows of
// the entities it is linked to over $types; the first $named_by_limit of them and how many there are.
MATCH (:Case {case_id: $case_id})-[:INCLUDES]->(n)
WITH n, [l IN labels(n) WHERE l IN keys($key_of)][0] AS label
CALL (n) {
  OPTIONAL MATCH (n)-[r]-(m)
  WHERE n.source_file IS NULL AND type(r) IN $types
  WITH CASE WHEN r.source_file IS NULL THEN m.source_file ELSE r.source_file END AS file,
       CASE WHEN r.source_file IS NULL THEN m.source_line ELSE r.source_line END AS line
  WHERE file IS NOT NULL
  WITH DISTINCT file, line
  ORDER BY file, line
  WITH collect({file: file, line: line}) AS rows
  RETURN rows[0..$named_by_limit] AS named_by, size(rows) AS named_by_total
}
RETURN label, toString(n[$key_of[label]]) AS key, properties(n) AS properties, named_by, named_by_total

// name: analysis_runs
// The AnalysisRun nodes of $run_ids: algorithm or model, version, parameters (JSON text), times.
MATCH (run:AnalysisRun)
WHERE run.run_id IN $run_ids
RETURN run.run_id AS run_id, run.algorithm AS algorithm, run.version AS version,
       run.parameters AS parameters, toString(run.started_at) AS started_at,
       toString(run.finished_at) AS finished_at, run.status AS status
ORDER BY run_id
