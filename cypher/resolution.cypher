// Entity resolution: party records with their identifiers in, SAME_AS links and review items out.
// __LABEL__ and __KEY__ are filled from graph.schema (Person/person_id or Company/company_id) only.

// name: person_records
MATCH (p:Person)
RETURN p.person_id AS record_id, p.name AS name, p.name_latin AS name_latin,
       p.date_of_birth AS date_of_birth, p.nationality AS nationality, p.source_file AS source_file,
       COLLECT { MATCH (p)-[:HAS_PHONE]->(x:Phone) RETURN x.number } AS phones,
       COLLECT { MATCH (p)-[:HAS_EMAIL]->(x:Email) RETURN x.address } AS emails,
       COLLECT { MATCH (p)-[:HAS_ADDRESS]->(x:Address) RETURN x.address_key } AS addresses,
       COLLECT { MATCH (p)-[:OWNS_ACCOUNT]->(x:Account) RETURN x.account_id } AS accounts,
       COLLECT { MATCH (p)-[:HOLDS_PASSPORT]->(x:Passport) RETURN x.passport_key } AS passports

// name: company_records
MATCH (c:Company)
RETURN c.company_id AS record_id, c.name AS name, c.registration_number AS registration_number,
       c.registered_on AS registered_on, c.country AS country, c.source_file AS source_file,
       COLLECT { MATCH (c)-[:HAS_PHONE]->(x:Phone) RETURN x.number } AS phones,
       COLLECT { MATCH (c)-[:HAS_EMAIL]->(x:Email) RETURN x.address } AS emails,
       COLLECT { MATCH (c)-[:HAS_ADDRESS]->(x:Address) RETURN x.address_key } AS addresses,
       COLLECT { MATCH (c)-[:OWNS_ACCOUNT]->(x:Account) RETURN x.account_id } AS accounts

// name: review_decisions
MATCH (r:MatchReview {label: $label})
WHERE r.status IN ['confirmed', 'rejected']
RETURN r.left AS left, r.right AS right, r.status AS status, r.decided_by AS decided_by

// name: merge_same_as
UNWIND $rows AS row
MATCH (a:__LABEL__ {__KEY__: row.left})
MATCH (b:__LABEL__ {__KEY__: row.right})
MERGE (a)-[s:SAME_AS]->(b)
SET s.score = row.score, s.evidence = row.evidence, s.status = row.status,
    s.matcher_version = $matcher_version, s.run_id = $run_id
RETURN count(s) AS linked

// name: remove_stale_same_as
MATCH (:__LABEL__)-[s:SAME_AS]->(:__LABEL__)
WHERE s.run_id <> $run_id
DELETE s
RETURN count(*) AS removed

// name: merge_reviews
UNWIND $rows AS row
MATCH (a:__LABEL__ {__KEY__: row.left})
MATCH (b:__LABEL__ {__KEY__: row.right})
MERGE (r:MatchReview {pair_id: row.pair_id})
ON CREATE SET r.status = 'open', r.created_at = datetime()
SET r.label = $label, r.left = row.left, r.right = row.right, r.score = row.score,
    r.evidence = row.evidence, r.matcher_version = $matcher_version, r.run_id = $run_id
// A pair that was stale comes back to the queue; a decided one keeps its decision.
SET r.status = CASE r.status WHEN 'stale' THEN 'open' ELSE r.status END
MERGE (r)-[:REVIEWS]->(a)
MERGE (r)-[:REVIEWS]->(b)
RETURN count(r) AS queued

// name: mark_stale_reviews
MATCH (r:MatchReview {label: $label, status: 'open'})
WHERE r.run_id <> $run_id
SET r.status = 'stale'
RETURN count(r) AS stale

// name: list_reviews
MATCH (r:MatchReview)
WHERE ($status IS NULL OR r.status = $status) AND ($label IS NULL OR r.label = $label)
RETURN r.pair_id AS pair_id, r.label AS label, r.left AS left, r.right AS right, r.score AS score,
       r.evidence AS evidence, r.status AS status, r.decided_by AS decided_by,
       toString(r.decided_at) AS decided_at, r.note AS note
ORDER BY r.score DESC, r.pair_id
SKIP $offset LIMIT $limit

// name: decide_review
MATCH (a:__LABEL__ {__KEY__: $left})
MATCH (b:__LABEL__ {__KEY__: $right})
MERGE (r:MatchReview {pair_id: $pair_id})
ON CREATE SET r.created_at = datetime(), r.label = $label, r.left = $left, r.right = $right,
              r.evidence = '[]'
SET r.status = $status, r.decided_by = $decided_by, r.decided_at = datetime(), r.note = $note
MERGE (r)-[:REVIEWS]->(a)
MERGE (r)-[:REVIEWS]->(b)
WITH r, a, b
// The decision takes effect now, not only at the next run.
CALL (r, a, b) {
  WITH r, a, b WHERE r.status = 'confirmed'
  MERGE (a)-[s:SAME_AS]->(b)
  SET s.status = 'confirmed', s.score = coalesce(s.score, r.score, 1.0),
      s.evidence = coalesce(s.evidence, r.evidence), s.matcher_version = coalesce(s.matcher_version, 'review'),
      s.run_id = coalesce(s.run_id, 'review')
}
CALL (r, a, b) {
  WITH r, a, b WHERE r.status = 'rejected'
  OPTIONAL MATCH (a)-[s:SAME_AS]-(b)
  DELETE s
}
RETURN r.pair_id AS pair_id, r.label AS label, r.left AS left, r.right AS right, r.score AS score,
       r.evidence AS evidence, r.status AS status, r.decided_by AS decided_by,
       toString(r.decided_at) AS decided_at, r.note AS note
