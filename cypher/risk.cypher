// Reads and writes of the risk models (risk/): the input tables as columns, and the fused risk score.
// Reads return plain values only; the models join them in Python. Placeholders (__LABEL__, __KEY__)
// of the writes are filled by graph.features from the schema only.

// name: declarations
// Every declaration with its parties, the ledger price of its parcel and what the X-ray saw in it.
// Cargo declarations carry declared_value; BACUDA ones fob_value. Every detection of a hit counts: a
// file hit carries one class, a hit from the scanner service lists them all (with their confidences).
MATCH (d:Declaration)
WITH d, COLLECT {
       MATCH (h:XRayHit)-[:SCANNED]->(d) RETURN h
       UNION
       MATCH (h:XRayHit)-[:SCANNED]->(:Parcel)-[:DECLARED_IN]->(d) RETURN h
     } AS hits
WITH d, [h IN hits | [coalesce(h.detected_classes, [h.detected_class]), coalesce(h.confidences, [h.confidence])]]
       AS detections
RETURN d.declaration_id AS declaration_id,
       toString(d.declared_on) AS declared_on,
       COLLECT { MATCH (c:Company)-[:IMPORTED]->(d) RETURN c.company_id }[0] AS importer_id,
       COLLECT { MATCH (c:Company)-[:SUPPLIED]->(d) RETURN c.company_id }[0] AS supplier_id,
       COLLECT { MATCH (c:Company)-[:BROKERED]->(d) RETURN c.company_id }[0] AS broker_id,
       COLLECT {
         MATCH (p:Person)-[:PURCHASED]->(:PurchaseRecord)-[:SHIPPED_AS]->(:Parcel)-[:DECLARED_IN]->(d)
         RETURN p.person_id
       }[0] AS buyer_id,
       d.hs_code AS hs_code,
       coalesce(d.item_description, '') AS item_description,
       d.quantity AS quantity,
       coalesce(d.unit, '') AS unit,
       d.gross_weight_kg AS gross_weight_kg,
       coalesce(d.declared_value, d.fob_value) AS declared_value,
       coalesce(d.origin_country, '') AS origin_country,
       coalesce(d.office, '') AS office,
       d.tracking_number IS NOT NULL AS is_parcel,
       COLLECT {
         MATCH (r:PurchaseRecord)-[:SHIPPED_AS]->(:Parcel)-[:DECLARED_IN]->(d) RETURN r.price
       }[0] AS ledger_price,
       reduce(flat = [], pair IN detections | flat + pair[0]) AS xray_classes,
       reduce(flat = [], pair IN detections | flat + pair[1]) AS xray_confidences,
       coalesce(d.inspected, false) AS inspected,
       d.inspection_outcome AS inspection_outcome,
       d.revenue AS revenue
ORDER BY declaration_id

// name: companies
// Companies with their trade roles, listings, accounts and the graph analytics written on them.
MATCH (c:Company)
RETURN c.company_id AS company_id,
       toString(c.registered_on) AS registered_on,
       coalesce(c.country, '') AS country,
       c:Importer AS is_importer,
       c:Supplier AS is_supplier,
       coalesce(c.pagerank, 0.0) AS pagerank,
       coalesce(c.wcc_size, 0) AS wcc_size,
       coalesce(c.accomplice_score, 0.0) AS accomplice_score,
       coalesce(c.degree, 0) AS degree,
       COUNT { (c)-[:MEMBER_OF]->(:Ring) } AS ring_memberships,
       [(c)-[:LISTED_ON]->(w:WatchlistEntry) | w.kind] AS listings,
       [(c)-[:OWNS_ACCOUNT]->(a:Account) | a.account_id] AS accounts,
       coalesce(reduce(best = 0.0, a IN [(c)-[:OWNS_ACCOUNT]->(a:Account) | a] |
         CASE WHEN coalesce(a.money_accomplice_score, 0.0) > best THEN a.money_accomplice_score ELSE best END
       ), 0.0) AS money_accomplice_score
ORDER BY company_id

// name: persons
// Persons with their listings, what the X-ray saw in their baggage (every detection of a hit, as for
// declarations) and the graph analytics on them.
MATCH (p:Person)
WITH p, [(p)-[:TOOK_TRIP]->(:Trip)<-[:SCANNED]-(h:XRayHit) |
          [coalesce(h.detected_classes, [h.detected_class]), coalesce(h.confidences, [h.confidence])]]
       AS detections
RETURN p.person_id AS person_id,
       coalesce(p.pagerank, 0.0) AS pagerank,
       coalesce(p.wcc_size, 0) AS wcc_size,
       coalesce(p.accomplice_score, 0.0) AS accomplice_score,
       coalesce(p.degree, 0) AS degree,
       COUNT { (p)-[:MEMBER_OF]->(:Ring) } AS ring_memberships,
       [(p)-[:LISTED_ON]->(w:WatchlistEntry) | w.kind] AS listings,
       COUNT { (p)-[:TOOK_TRIP]->(:Trip) } AS trips,
       reduce(flat = [], pair IN detections | flat + pair[0]) AS baggage_classes,
       reduce(flat = [], pair IN detections | flat + pair[1]) AS baggage_confidences
ORDER BY person_id

// name: transfers
// Every transfer with the first holder of each side's account (a person or company id, or null).
MATCH (s:Account)-[t:TRANSFER]->(r:Account)
RETURN t.transfer_id AS transfer_id,
       s.account_id AS sender_account,
       r.account_id AS receiver_account,
       COLLECT { MATCH (o)-[:OWNS_ACCOUNT]->(s) RETURN coalesce(o.company_id, o.person_id) }[0] AS sender_owner,
       COLLECT { MATCH (o)-[:OWNS_ACCOUNT]->(r) RETURN coalesce(o.company_id, o.person_id) }[0]
         AS receiver_owner,
       t.amount AS amount,
       coalesce(t.currency, '') AS currency,
       toString(t.sent_at) AS sent_at
ORDER BY transfer_id

// name: set_risk_scores
// The fused risk score of one label's nodes, with its explanation, model versions and run.
UNWIND $rows AS row
MATCH (n:__LABEL__ {__KEY__: row.key})
SET n.risk_score = row.score,
    n.risk_explanation = row.explanation,
    n.risk_model_version = $model_version,
    n.risk_score_run = $run_id
RETURN count(n) AS written
