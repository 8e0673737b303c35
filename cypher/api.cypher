// Reads and the few writes of the API (api/investigation.py). Every value is a parameter. Placeholders
// (__LABEL__, __KEY__, __BRANCHES__) are filled by api.investigation from graph.schema.SCHEMA only.
// $key_of maps each entity label to its key property (from the schema), so a node found by traversal
// is named as label + key without a label in the text. Nodes are referred to between calls by
// elementId, which Neo4j looks up directly.

// name: ping
RETURN 1 AS ok

// name: entity_by_key
// One entity by label and key, with its identifiers, analytics results, model features and rings.
MATCH (n:__LABEL__ {__KEY__: $key})
CALL (n) {
  OPTIONAL MATCH (n)-[r]-(i)
  WHERE type(r) IN $identifier_types
  WITH r, i, [l IN labels(i) WHERE l IN keys($key_of)][0] AS label
  WHERE i IS NOT NULL
  WITH r, i, label ORDER BY type(r), elementId(i) LIMIT $identifier_limit
  RETURN collect({relationship: type(r), label: label, key: i[$key_of[label]], name: i.name}) AS identifiers
}
CALL (n) {
  OPTIONAL MATCH (n)-[link:MEMBER_OF]->(ring:Ring)
  WITH link, ring WHERE ring IS NOT NULL
  WITH link, ring ORDER BY ring.score DESC, ring.ring_id
  RETURN collect({ring_id: ring.ring_id, scheme: ring.scheme, ring_score: ring.score, rank: ring.rank,
                  status: ring.status, stale: coalesce(ring.stale, false), role: link.role,
                  member_score: link.score}) AS rings
}
RETURN elementId(n) AS element_id, labels(n) AS labels, properties(n) AS properties, identifiers, rings

// name: entity_ids
// The elementId of one entity, for the traversals that follow.
MATCH (n:__LABEL__ {__KEY__: $key})
RETURN elementId(n) AS element_id, n.name AS name

// name: search_names
// Fuzzy search over people's and companies' names; $query is a Lucene query built by the API from
// plain words only. The best $max_hits hits are sorted with ties broken by label and key, then paged:
// the index's own skip and limit break ties differently from call to call and would move hits
// between pages.
CALL db.index.fulltext.queryNodes($index, $query, {limit: $max_hits}) YIELD node, score
WITH node, score, [l IN labels(node) WHERE l IN keys($key_of)][0] AS label
WITH node, score, label, node[$key_of[label]] AS key
RETURN label, key, node.name AS name, 'name' AS matched_by, score
ORDER BY score DESC, label, key
SKIP $offset LIMIT $limit

// name: search_identifiers
// Entities whose key equals a normalised form of the search text, with the parties holding them.
UNWIND $refs AS ref
CALL (ref) {
  __BRANCHES__
}
WITH DISTINCT n
CALL (n) {
  RETURN n AS hit, 'key' AS matched_by
  UNION
  MATCH (n)-[r]-(hit)
  WHERE type(r) IN $identifier_types
  RETURN hit, type(r) AS matched_by
}
WITH hit, min(matched_by) AS matched_by
WITH hit, matched_by, [l IN labels(hit) WHERE l IN keys($key_of)][0] AS label
RETURN label, hit[$key_of[label]] AS key, hit.name AS name, matched_by, 1.0 AS score
ORDER BY matched_by = 'key' DESC, label, key
SKIP $offset LIMIT $limit

// name: ref_branch
// One branch of a lookup by {label, key}: the label and key property are the schema's.
WITH ref WHERE ref.label = '__LABEL__'
MATCH (n:__LABEL__ {__KEY__: ref.key})
RETURN n

// name: ego_expand
// One hop out from each frontier node: up to $cap neighbours each (by type, then id) and how many there
// are in all. A relationship's time (its own property or its event node's, per $time_of) must lie in
// the window; relationships without a time always pass.
UNWIND $frontier AS element_id
MATCH (n) WHERE elementId(n) = element_id
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE type(r) IN $types
  WITH r, $time_of[type(r)] AS t
  WITH r, CASE t.side
            WHEN 'relationship' THEN r[t.property]
            WHEN 'start' THEN startNode(r)[t.property]
            WHEN 'end' THEN endNode(r)[t.property]
          END AS at
  WHERE at IS NULL OR (($since IS NULL OR date(at) >= $since) AND ($until IS NULL OR date(at) <= $until))
  RETURN count(r) AS total
}
CALL (n) {
  MATCH (n)-[r]-(m)
  WHERE type(r) IN $types
  WITH r, m, $time_of[type(r)] AS t
  WITH r, m, CASE t.side
               WHEN 'relationship' THEN r[t.property]
               WHEN 'start' THEN startNode(r)[t.property]
               WHEN 'end' THEN endNode(r)[t.property]
             END AS at
  WHERE at IS NULL OR (($since IS NULL OR date(at) >= $since) AND ($until IS NULL OR date(at) <= $until))
  WITH r, m, at ORDER BY type(r), elementId(m) LIMIT $cap
  WITH r, m, at, [l IN labels(m) WHERE l IN keys($key_of)][0] AS label
  RETURN collect({
    relationship_id: elementId(r), type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r)),
    at: toString(at), element_id: elementId(m), label: label, key: m[$key_of[label]], name: m.name
  }) AS links
}
RETURN element_id, total, links

// name: shortest_paths
// The shortest paths (all of the shortest length) between two entities over the allowed types. The
// search bound of 6 hops is fixed here; the caller's smaller maximum is the WHERE.
MATCH (a) WHERE elementId(a) = $from_id
MATCH (b) WHERE elementId(b) = $to_id
MATCH p = allShortestPaths((a)-[*..6]-(b))
WHERE length(p) <= $max_length AND all(r IN relationships(p) WHERE type(r) IN $types)
WITH p LIMIT $limit
RETURN [m IN nodes(p) | {
          element_id: elementId(m),
          label: [l IN labels(m) WHERE l IN keys($key_of)][0],
          key: m[$key_of[[l IN labels(m) WHERE l IN keys($key_of)][0]]],
          name: m.name
        }] AS nodes,
       [r IN relationships(p) | {type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r))}]
         AS relationships

// name: rings
// Rings ranked within their scheme (1 = the detector's strongest), optionally of one scheme or status.
MATCH (ring:Ring)
WHERE ($scheme IS NULL OR ring.scheme = $scheme)
  AND ($status IS NULL OR ring.status = $status)
  AND ($include_stale OR NOT coalesce(ring.stale, false))
RETURN properties(ring) AS ring
ORDER BY ring.scheme, ring.rank, ring.ring_id
SKIP $offset LIMIT $limit

// name: alerts
// Rings as alerts, strongest first: the current ones, and stale ones an investigator already took up.
MATCH (ring:Ring)
WHERE ($scheme IS NULL OR ring.scheme = $scheme)
  AND ($status IS NULL OR ring.status = $status)
  AND (NOT coalesce(ring.stale, false) OR ring.status <> 'new')
RETURN properties(ring) AS ring
ORDER BY ring.score DESC, ring.ring_id
SKIP $offset LIMIT $limit

// name: ring_detail
MATCH (ring:Ring {ring_id: $ring_id})
CALL (ring) {
  OPTIONAL MATCH (m)-[link:MEMBER_OF]->(ring)
  WITH m, link WHERE m IS NOT NULL
  WITH m, link, [l IN labels(m) WHERE l IN keys($key_of)][0] AS label
  ORDER BY link.score DESC, label, m[$key_of[label]]
  RETURN collect({label: label, key: m[$key_of[label]], name: m.name, role: link.role, score: link.score})
    AS members
}
CALL (ring) {
  OPTIONAL MATCH (ring)-[:FOUND_BY]->(run:AnalysisRun)
  WITH run WHERE run IS NOT NULL
  WITH run ORDER BY run.started_at DESC
  RETURN collect({run_id: run.run_id, algorithm: run.algorithm, version: run.version,
                  started_at: toString(run.started_at)}) AS runs
}
RETURN properties(ring) AS ring, members, runs

// name: change_ring_status
// Compare-and-set: changes the status only if it is still the one the caller validated against.
MATCH (ring:Ring {ring_id: $ring_id})
WHERE ring.status = $from_status
SET ring.status = $to_status,
    ring.status_changed_by = $changed_by,
    ring.status_changed_at = $changed_at,
    ring.status_note = $note,
    ring.status_history = coalesce(ring.status_history, []) + [$history_entry]
RETURN properties(ring) AS ring

// name: scores_by_keys
// Analytics results (the $score_names, with the runs that wrote them) of entities of one label: the
// single score lookups that arrived together, one index seek each. Keys the graph lacks are left out.
UNWIND $keys AS key
MATCH (n:__LABEL__ {__KEY__: key})
RETURN key,
       [name IN $score_names | n[name]] AS scores,
       [name IN $score_names | n[name + '_run']] AS runs
