// Cases (api/cases.py): an investigator's working set of entities, notes and evidence, with the history
// of every change. Every value is a parameter; __BRANCHES__ is filled by api.investigation with one
// lookup per entity label of graph.schema.SCHEMA. $key_of maps each entity label to its key property.
// Each change runs in one write transaction that starts with lock_case, so two changes to one case
// are serialised and the history entry lands with the change it records.

// name: create_case
CREATE (c:Case {case_id: $case_id, title: $title, description: $description, status: 'open',
                created_by: $by, created_at: $at, updated_at: $at, history: [$history_entry],
                pinned_relationships: []})
RETURN c.case_id AS case_id

// name: lock_case
// Takes the case's write lock (by writing to it) and returns its status for the caller's checks.
MATCH (c:Case {case_id: $case_id})
SET c.updated_at = $at
RETURN c.status AS status, c.assignee AS assignee

// name: append_history
MATCH (c:Case {case_id: $case_id})
SET c.history = coalesce(c.history, []) + [$history_entry]

// name: include_entities
// Pins entities to the case; an entity pinned before keeps its first pin (who, when, why).
UNWIND $refs AS ref
CALL (ref) {
  __BRANCHES__
}
MATCH (c:Case {case_id: $case_id})
MERGE (c)-[pin:INCLUDES]->(n)
ON CREATE SET pin.pinned_by = $by, pin.pinned_at = $at, pin.note = $note
RETURN ref.label AS label, ref.key AS key, elementId(n) AS element_id

// name: relationship_count
// How many relationships of $type join the two entities (either direction).
MATCH (a) WHERE elementId(a) = $source_id
MATCH (b) WHERE elementId(b) = $target_id
MATCH (a)-[r]-(b)
WHERE type(r) = $type
RETURN count(r) AS relationships

// name: pin_relationships
MATCH (c:Case {case_id: $case_id})
SET c.pinned_relationships = coalesce(c.pinned_relationships, []) +
    [p IN $pins WHERE NOT p IN coalesce(c.pinned_relationships, [])]

// name: add_note
// A note or an item of evidence; ABOUT links go to entities the case already includes, named as
// label:key in $about.
MATCH (c:Case {case_id: $case_id})
CREATE (c)-[:HAS_NOTE]->(note:CaseNote {note_id: $note_id, kind: $kind, text: $text,
                                        reference: $reference, written_by: $by, written_at: $at})
WITH c, note
CALL (c, note) {
  MATCH (c)-[:INCLUDES]->(n)
  WITH n, [l IN labels(n) WHERE l IN keys($key_of)][0] AS label
  WHERE label + ':' + toString(n[$key_of[label]]) IN $about
  MERGE (note)-[:ABOUT]->(n)
  RETURN count(n) AS about
}
RETURN about

// name: assign_case
MATCH (c:Case {case_id: $case_id})
SET c.assignee = $assignee, c.assigned_at = $at, c.assigned_by = $by

// name: set_case_status
MATCH (c:Case {case_id: $case_id})
SET c.status = $status

// name: list_cases
MATCH (c:Case)
WHERE ($status IS NULL OR c.status = $status)
  AND ($assignee IS NULL OR c.assignee = $assignee)
CALL (c) {
  OPTIONAL MATCH (c)-[pin:INCLUDES]->()
  RETURN count(pin) AS entity_count
}
RETURN properties(c) AS case, entity_count
ORDER BY c.updated_at DESC, c.case_id
SKIP $offset LIMIT $limit

// name: case_detail
// The case with its entities (pins, properties for scores) and its notes and evidence.
MATCH (c:Case {case_id: $case_id})
CALL (c) {
  OPTIONAL MATCH (c)-[pin:INCLUDES]->(n)
  WITH pin, n WHERE n IS NOT NULL
  WITH pin, n, [l IN labels(n) WHERE l IN keys($key_of)][0] AS label
  ORDER BY pin.pinned_at, label, n[$key_of[label]]
  RETURN collect({element_id: elementId(n), label: label, key: n[$key_of[label]],
                  properties: properties(n), pinned_by: pin.pinned_by, pinned_at: toString(pin.pinned_at),
                  note: pin.note}) AS entities
}
CALL (c) {
  OPTIONAL MATCH (c)-[:HAS_NOTE]->(note:CaseNote)
  WITH note WHERE note IS NOT NULL
  CALL (note) {
    OPTIONAL MATCH (note)-[:ABOUT]->(n)
    WITH n WHERE n IS NOT NULL
    WITH [l IN labels(n) WHERE l IN keys($key_of)][0] AS label, n
    RETURN collect(label + ':' + toString(n[$key_of[label]])) AS about
  }
  WITH note, about ORDER BY note.written_at, note.note_id
  RETURN collect({note_id: note.note_id, kind: note.kind, text: note.text, reference: note.reference,
                  written_by: note.written_by, written_at: toString(note.written_at), about: about}) AS notes
}
RETURN properties(c) AS case, entities, notes

// name: case_relationships
// Relationships among the case's entities (over the entity types), each once, up to $limit.
UNWIND $element_ids AS element_id
MATCH (a) WHERE elementId(a) = element_id
MATCH (a)-[r]->(b)
WHERE type(r) IN $types AND elementId(b) IN $element_ids
WITH r, a, b ORDER BY type(r), elementId(r) LIMIT $limit
RETURN type(r) AS type, elementId(a) AS start, elementId(b) AS end, properties(r) AS properties

// name: case_rings
// The rings (alerts) any of the case's entities is a member of, with those members.
UNWIND $element_ids AS element_id
MATCH (n)-[:MEMBER_OF]->(ring:Ring) WHERE elementId(n) = element_id
WITH ring, collect(element_id) AS members
RETURN properties(ring) AS ring, members
ORDER BY ring.score DESC, ring.ring_id

// name: case_timeline
// Dated events around the case's entities: transfers, declarations, trips, purchases, scans, listings,
// documents; each relationship's time is read as $time_of says, with the source row of what it is read
// from. The earliest $limit, and the total.
UNWIND $element_ids AS element_id
MATCH (n) WHERE elementId(n) = element_id
MATCH (n)-[r]-(other)
WHERE type(r) IN keys($time_of)
WITH n, r, other, $time_of[type(r)] AS t
// The event is the relationship or node its time is read from: its source row is the event's.
WITH n, r, other, t, CASE t.side
                       WHEN 'relationship' THEN r
                       WHEN 'start' THEN startNode(r)
                       WHEN 'end' THEN endNode(r)
                     END AS dated
WITH n, r, other, dated, dated[t.property] AS at
WHERE at IS NOT NULL
// ISO text sorts dates and date-times of different kinds together, in time order.
WITH n, r, other, dated, toString(at) AS at,
     [l IN labels(other) WHERE l IN keys($key_of)][0] AS other_label
ORDER BY at, type(r), elementId(r)
WITH collect({at: at, type: type(r), element_id: elementId(n), other_label: other_label,
              other_key: toString(other[$key_of[other_label]]), other_name: other.name,
              outgoing: startNode(r) = n, source_file: dated.source_file,
              source_line: dated.source_line}) AS events
RETURN size(events) AS total, events[0..$limit] AS events
