// Batched writes of the ingest: every statement takes $rows (built by ingest.rows, one map per source
// row with its `line`) and MERGEs on the identifying keys of graph.schema, so loading a file twice
// leaves the graph unchanged. Provenance (source file and line) is kept on every node and event.

// name: merge_person
UNWIND $rows AS row
MERGE (p:Person {person_id: row.person_id})
SET p += row.props
WITH p, row
CALL (p, row) {
  UNWIND row.phones AS phone
  MERGE (ph:Phone {number: phone.key})
  MERGE (p)-[r:HAS_PHONE]->(ph)
  SET r.as_written = phone.as_written
}
CALL (p, row) {
  UNWIND row.emails AS email
  MERGE (e:Email {address: email.key})
  MERGE (p)-[r:HAS_EMAIL]->(e)
  SET r.as_written = email.as_written
}
CALL (p, row) {
  UNWIND row.addresses AS address
  MERGE (a:Address {address_key: address.key})
  ON CREATE SET a.text = address.as_written
  MERGE (p)-[r:HAS_ADDRESS]->(a)
  SET r.as_written = address.as_written
}
CALL (p, row) {
  UNWIND row.passports AS passport
  MERGE (pp:Passport {passport_key: passport.key})
  SET pp.number = passport.number, pp.country = passport.country
  MERGE (p)-[:HOLDS_PASSPORT]->(pp)
}

// name: merge_company
UNWIND $rows AS row
MERGE (c:Company {company_id: row.company_id})
SET c += row.props
FOREACH (_ IN CASE WHEN 'importer' IN row.roles THEN [1] ELSE [] END | SET c:Importer)
FOREACH (_ IN CASE WHEN 'supplier' IN row.roles THEN [1] ELSE [] END | SET c:Supplier)
FOREACH (_ IN CASE WHEN 'customs_broker' IN row.roles THEN [1] ELSE [] END | SET c:CustomsBroker)
WITH c, row
CALL (c, row) {
  UNWIND row.phones AS phone
  MERGE (ph:Phone {number: phone.key})
  MERGE (c)-[r:HAS_PHONE]->(ph)
  SET r.as_written = phone.as_written
}
CALL (c, row) {
  UNWIND row.emails AS email
  MERGE (e:Email {address: email.key})
  MERGE (c)-[r:HAS_EMAIL]->(e)
  SET r.as_written = email.as_written
}
CALL (c, row) {
  UNWIND row.addresses AS address
  MERGE (a:Address {address_key: address.key})
  ON CREATE SET a.text = address.as_written
  MERGE (c)-[r:HAS_ADDRESS]->(a)
  SET r.as_written = address.as_written
}
CALL (c, row) {
  UNWIND row.accounts AS account
  MERGE (acc:Account {account_id: account.key})
  MERGE (c)-[r:OWNS_ACCOUNT]->(acc)
  SET r.as_written = account.as_written
}
CALL (c, row) {
  UNWIND row.representatives AS person_id
  MATCH (rep:Person {person_id: person_id})
  MERGE (rep)-[:REPRESENTS]->(c)
}

// name: merge_trip
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
MERGE (t:Trip {trip_id: row.trip_id})
SET t += row.props
MERGE (p)-[:TOOK_TRIP]->(t)

// name: merge_declaration
UNWIND $rows AS row
MERGE (d:Declaration {declaration_id: row.declaration_id})
SET d += row.props
WITH d, row
CALL (d, row) {
  UNWIND row.importers AS company_id
  MATCH (c:Company {company_id: company_id})
  SET c:Importer
  MERGE (c)-[:IMPORTED]->(d)
}
CALL (d, row) {
  UNWIND row.suppliers AS company_id
  MATCH (c:Company {company_id: company_id})
  SET c:Supplier
  MERGE (c)-[:SUPPLIED]->(d)
}
CALL (d, row) {
  UNWIND row.brokers AS company_id
  MATCH (c:Company {company_id: company_id})
  SET c:CustomsBroker
  MERGE (c)-[:BROKERED]->(d)
}
CALL (d, row) {
  UNWIND row.parcels AS tracking_number
  MERGE (parcel:Parcel {tracking_number: tracking_number})
  MERGE (parcel)-[:DECLARED_IN]->(d)
}

// name: merge_accounts
// The distinct accounts of a batch of transfers, so that merge_transfer can MATCH them: MERGE of both
// ends in the same statement makes the planner materialise the batch between the steps.
UNWIND $rows AS row
MERGE (:Account {account_id: row.account_id})

// name: merge_transfer
UNWIND $rows AS row
MATCH (sender:Account {account_id: row.sender_account})
MATCH (receiver:Account {account_id: row.receiver_account})
MERGE (sender)-[t:TRANSFER {transfer_id: row.transfer_id}]->(receiver)
SET t += row.props

// name: merge_account_owners
// Runs after merge_transfer on the batch's distinct {account, owner} pairs: an account's owner is
// linked once per batch, not once per transfer.
UNWIND $rows AS pair
MATCH (account:Account {account_id: pair.account})
OPTIONAL MATCH (person:Person {person_id: pair.owner})
OPTIONAL MATCH (company:Company {company_id: pair.owner})
WITH account, coalesce(person, company) AS owner
WHERE owner IS NOT NULL
MERGE (owner)-[:OWNS_ACCOUNT]->(account)

// name: merge_purchase_record
UNWIND $rows AS row
MERGE (rec:PurchaseRecord {record_id: row.record_id})
SET rec += row.props
WITH rec, row
MATCH (seller:Company {company_id: row.seller_id})
MATCH (buyer:Person {person_id: row.buyer_id})
MERGE (seller)-[:SOLD]->(rec)
MERGE (buyer)-[:PURCHASED]->(rec)
WITH rec, row
CALL (rec, row) {
  UNWIND row.parcels AS parcel
  MERGE (p:Parcel {tracking_number: parcel.tracking_number})
  SET p.consignee_name = parcel.consignee_name
  MERGE (rec)-[:SHIPPED_AS]->(p)
  MERGE (a:Address {address_key: parcel.address_key})
  ON CREATE SET a.text = parcel.address_as_written
  MERGE (p)-[r:DELIVERED_TO]->(a)
  SET r.as_written = parcel.address_as_written
}

// name: merge_xray_hit
// A hit from a file or from the X-ray service (xray_service/); link_xray_hits links it to its object.
// Until then it waits with link_pending = true: a hit on an object not loaded yet is kept, not refused.
UNWIND $rows AS row
MERGE (h:XRayHit {scan_id: row.scan_id})
ON CREATE SET h.link_pending = true
SET h += row.props

// name: link_xray_hits
// The scanned object by object_type: a parcel by tracking number, baggage by its owner's trip id, a
// container by the declaration id or by the container number of the declarations it travels under.
// Runs after merge_xray_hit, after every ingest and periodically in the X-ray service; hits whose object
// is still unknown keep link_pending = true. Returns the hits now linked.
UNWIND $rows AS row
MATCH (h:XRayHit {scan_id: row.scan_id})
CALL (h) {
  CALL (h) {
    MATCH (o:Parcel {tracking_number: h.object_ref})
    WHERE h.object_type = 'parcel'
    RETURN o
    UNION
    MATCH (o:Trip {trip_id: h.object_ref})
    WHERE h.object_type = 'baggage'
    RETURN o
    UNION
    MATCH (o:Declaration {declaration_id: h.object_ref})
    WHERE h.object_type = 'container'
    RETURN o
    UNION
    MATCH (o:Declaration {container_number: h.object_ref})
    WHERE h.object_type = 'container'
    RETURN o
  }
  MERGE (h)-[:SCANNED]->(o)
  RETURN count(o) AS objects
}
SET h.link_pending = NOT EXISTS { (h)-[:SCANNED]->() }
WITH h
WHERE NOT h.link_pending
RETURN h.scan_id AS scan_id

// name: merge_watchlist_entry
UNWIND $rows AS row
MERGE (w:WatchlistEntry {entry_id: row.entry_id})
SET w += row.props
WITH w, row
OPTIONAL MATCH (person:Person {person_id: row.entity_id})
WHERE row.entity_kind = 'person'
OPTIONAL MATCH (company:Company {company_id: row.entity_id})
WHERE row.entity_kind = 'company'
WITH w, coalesce(person, company) AS listed
WHERE listed IS NOT NULL
MERGE (listed)-[:LISTED_ON]->(w)

// name: merge_document
UNWIND $rows AS row
MERGE (d:Document {document_id: row.document_id})
SET d += row.props

// name: merge_account
UNWIND $rows AS row
MERGE (a:Account {account_id: row.account_id})
SET a += row.props

// name: merge_bacuda_declaration
// BACUDA parties are bare ids: they become companies of their own `bacuda:` namespace.
UNWIND $rows AS row
MERGE (d:Declaration {declaration_id: row.declaration_id})
SET d += row.props
MERGE (importer:Company {company_id: row.importer_id})
SET importer:Importer
MERGE (broker:Company {company_id: row.broker_id})
SET broker:CustomsBroker
MERGE (importer)-[:IMPORTED]->(d)
MERGE (broker)-[:BROKERED]->(d)

// name: merge_account_labels
// Truth labels (AMLSim alerts) on accounts loaded before.
UNWIND $rows AS row
MATCH (a:Account {account_id: row.account_id})
SET a += row.props

// name: missing_account
UNWIND $refs AS row
WITH row.line AS line, row.ref AS ref
WHERE NOT EXISTS { MATCH (:Account {account_id: ref}) }
RETURN line, ref

// name: missing_person
// Reference checks before a write: $refs holds {line, ref} of the rows that name an entity; the lines
// whose reference the graph does not hold come back.
UNWIND $refs AS row
WITH row.line AS line, row.ref AS ref
WHERE NOT EXISTS { MATCH (:Person {person_id: ref}) }
RETURN line, ref

// name: missing_company
UNWIND $refs AS row
WITH row.line AS line, row.ref AS ref
WHERE NOT EXISTS { MATCH (:Company {company_id: ref}) }
RETURN line, ref

// name: missing_party
UNWIND $refs AS row
WITH row.line AS line, row.ref AS ref
WHERE NOT EXISTS { MATCH (:Person {person_id: ref}) }
  AND NOT EXISTS { MATCH (:Company {company_id: ref}) }
RETURN line, ref

// name: missing_watchlisted
UNWIND $refs AS row
WITH row.line AS line, row.ref AS ref
WHERE (ref.kind = 'person' AND NOT EXISTS { MATCH (:Person {person_id: ref.id}) })
   OR (ref.kind = 'company' AND NOT EXISTS { MATCH (:Company {company_id: ref.id}) })
RETURN line, ref.id AS ref

// name: count_nodes_by_label
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY label

// name: count_relationships_by_type
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS relationships
ORDER BY type
