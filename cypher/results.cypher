// Writes of graph.results: analysis runs, per-node results and detected rings, in batches. Placeholders
// (__LABEL__, __KEY__, __PROPERTY__, __RUN_PROPERTY__) are filled by graph.results from the schema and
// its table of result properties only. Every write MERGEs on a key, so writing the same results twice
// changes nothing but the run stamps.

// name: start_run
MERGE (run:AnalysisRun {run_id: $run_id})
SET run.algorithm = $algorithm,
    run.version = $version,
    run.parameters = $parameters,
    run.started_at = $started_at,
    run.status = 'running'

// name: finish_run
// The summary's names are checked by graph.results (plain identifiers, none of the run's own fields).
MATCH (run:AnalysisRun {run_id: $run_id})
SET run += $summary,
    run.finished_at = $finished_at,
    run.duration_s = $duration_s,
    run.status = 'finished'
RETURN count(run) AS runs

// name: set_node_values
// One result per node, stamped with the run that computed it so a reader can tell a stale value.
UNWIND $rows AS row
MATCH (n:__LABEL__ {__KEY__: row.key})
SET n.__PROPERTY__ = row.value, n.__RUN_PROPERTY__ = $run_id
RETURN count(n) AS written

// name: merge_rings
// ON CREATE only: an investigator's status (new -> in_review -> escalated / dismissed) survives re-runs.
UNWIND $rows AS row
MATCH (run:AnalysisRun {run_id: $run_id})
MERGE (ring:Ring {ring_id: row.ring_id})
  ON CREATE SET ring.status = 'new', ring.first_run_id = $run_id, ring.first_found_at = run.started_at
SET ring.scheme = row.scheme,
    ring.score = row.score,
    ring.rank = row.rank,
    ring.member_count = row.member_count,
    ring.evidence = row.evidence,
    ring.last_run_id = $run_id,
    ring.last_found_at = run.started_at,
    ring.stale = false,
    ring.stale_since_run_id = null
MERGE (ring)-[:FOUND_BY]->(run)
RETURN count(ring) AS rings

// name: merge_ring_members
// Members of one label; a member the graph does not hold is skipped and counted by the caller.
UNWIND $rows AS row
MATCH (ring:Ring {ring_id: row.ring_id})
MATCH (member:__LABEL__ {__KEY__: row.key})
MERGE (member)-[link:MEMBER_OF]->(ring)
SET link.role = row.role, link.score = row.score
RETURN count(link) AS linked

// name: mark_stale_rings
// Rings of the run's schemes that it no longer finds: kept (alerts were raised on them), marked stale.
MATCH (ring:Ring)
WHERE ring.scheme IN $schemes AND ring.last_run_id <> $run_id AND NOT coalesce(ring.stale, false)
SET ring.stale = true, ring.stale_since_run_id = $run_id
RETURN count(ring) AS stale
