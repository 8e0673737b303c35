// The X-ray service's reads and writes besides merge_xray_hit and link_xray_hits (cypher/ingest.cypher):
// the backlog of hits to link or assess, the declared goods a hit is compared with, and the signal.

// name: pending_xray_hits
// Hits whose object was not in the graph when they arrived, a page at a time by scan id.
MATCH (h:XRayHit {link_pending: true})
WHERE h.scan_id > $after
RETURN h.scan_id AS scan_id
ORDER BY scan_id
LIMIT $limit

// name: linked_xray_hits
MATCH (h:XRayHit)
WHERE h.scan_id > $after AND h.link_pending = false
RETURN h.scan_id AS scan_id
ORDER BY scan_id
LIMIT $limit

// name: hit_declared_goods
// What was declared for the scanned object: a container's declarations; a parcel's declarations and the
// HS code its seller gave in the ledger; baggage has none. File hits carry one class, service hits a list.
UNWIND $scan_ids AS scan_id
MATCH (h:XRayHit {scan_id: scan_id})-[:SCANNED]->(o)
OPTIONAL MATCH (o)-[:DECLARED_IN]->(covering:Declaration)
OPTIONAL MATCH (sale:PurchaseRecord)-[:SHIPPED_AS]->(o)
WITH h, collect(DISTINCT o.hs_code) + collect(DISTINCT covering.hs_code) + collect(DISTINCT sale.hs_code) AS codes
RETURN h.scan_id AS scan_id,
       h.object_type AS object_type,
       coalesce(h.detected_classes, [h.detected_class]) AS classes,
       coalesce(h.confidences, [h.confidence]) AS confidences,
       [code IN codes WHERE code IS NOT NULL] AS declared_hs_codes

// name: write_hit_assessments
// The signal on each hit, then on each object it scanned: flagged when any of its hits is, scored by
// the strongest (what the risk score reads: xray_discrepancy, xray_discrepancy_score).
UNWIND $rows AS row
MATCH (h:XRayHit {scan_id: row.scan_id})
SET h.discrepancy = row.discrepancy,
    h.discrepancy_score = row.score,
    h.discrepancy_reason = row.reason,
    h.class_map_version = row.version
WITH collect(h) AS assessed
UNWIND assessed AS h
MATCH (h)-[:SCANNED]->(o)
WITH DISTINCT o
MATCH (o)<-[:SCANNED]-(scan:XRayHit)
WITH o, collect(scan.discrepancy) AS flags, max(coalesce(scan.discrepancy_score, 0.0)) AS score
SET o.xray_discrepancy = true IN flags, o.xray_discrepancy_score = score

// name: count_xray_hits
MATCH (h:XRayHit)
RETURN count(h) AS hits
