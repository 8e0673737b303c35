// Reads of the trade-scheme detectors (analytics/detectors/bypass.py, undervaluation.py,
// split_shipment.py). Each returns one flat table; the detectors decide in Python, where the rules are
// unit-tested. `holders` is how many persons and companies hold a shared identifier: an office
// building's address has dozens, a front's borrowed phone two or three.

// name: bypass_links
// Every company tied to a tax delinquent by a shared phone, address, e-mail or account, or through its
// representative (the same person record, or a representative sharing an identifier with the
// delinquent's). No time filter here: the detector weighs the registration dates.
MATCH (d:Company)-[:LISTED_ON]->(w:WatchlistEntry {kind: 'tax_delinquent'})
WITH d, min(w.listed_on) AS listed_on
CALL (d) {
  MATCH (d)-[r1:HAS_PHONE|HAS_ADDRESS|HAS_EMAIL|OWNS_ACCOUNT]->(x)<-[r2]-(f:Company)
  WHERE f <> d AND type(r1) = type(r2)
  RETURN f, type(r1) AS relationship, labels(x)[0] AS identifier_label, x AS identifier,
         null AS delinquent_rep, null AS front_rep
  UNION ALL
  MATCH (d)<-[:REPRESENTS]-(p:Person)-[:REPRESENTS]->(f:Company)
  WHERE f <> d
  RETURN f, 'REPRESENTS' AS relationship, null AS identifier_label, null AS identifier,
         p AS delinquent_rep, p AS front_rep
  UNION ALL
  MATCH (d)<-[:REPRESENTS]-(p1:Person)-[r1:HAS_PHONE|HAS_ADDRESS|HAS_EMAIL]->(x)<-[r2]-(p2:Person)
        -[:REPRESENTS]->(f:Company)
  WHERE f <> d AND p1 <> p2 AND type(r1) = type(r2)
  RETURN f, type(r1) AS relationship, labels(x)[0] AS identifier_label, x AS identifier,
         p1 AS delinquent_rep, p2 AS front_rep
}
RETURN d.company_id AS delinquent_id,
       d.name AS delinquent_name,
       listed_on,
       f.company_id AS company_id,
       f.name AS company_name,
       f.registered_on AS registered_on,
       relationship,
       identifier_label,
       CASE identifier_label
         WHEN 'Phone' THEN identifier.number
         WHEN 'Address' THEN identifier.address_key
         WHEN 'Email' THEN identifier.address
         WHEN 'Account' THEN identifier.account_id
       END AS identifier_key,
       CASE WHEN identifier IS NULL THEN 0
         ELSE COUNT { (identifier)<-[:HAS_PHONE|HAS_ADDRESS|HAS_EMAIL|OWNS_ACCOUNT]-(:Person|Company) }
       END AS holders,
       delinquent_rep.person_id AS delinquent_rep_id,
       front_rep.person_id AS front_rep_id

// name: suppliers_of_importers
// Whom each of $company_ids bought from: how many declarations, one of them as an example.
UNWIND $company_ids AS company_id
MATCH (c:Company {company_id: company_id})-[:IMPORTED]->(d:Declaration)<-[:SUPPLIED]-(s:Company)
WITH c, s, collect(d.declaration_id) AS declarations
RETURN c.company_id AS company_id, s.company_id AS supplier_id, size(declarations) AS declarations,
       declarations[0] AS example_declaration_id

// name: cargo_unit_prices
// The declared unit price of every cargo declaration with an importer and a supplier of record (parcel
// declarations have no importer; BACUDA ones no supplier).
MATCH (i:Company)-[:IMPORTED]->(d:Declaration)<-[:SUPPLIED]-(s:Company)
WHERE d.declared_unit_price IS NOT NULL
RETURN d.declaration_id AS declaration_id,
       i.company_id AS importer_id,
       s.company_id AS supplier_id,
       d.hs_code AS hs_code,
       d.origin_country AS origin_country,
       d.unit AS unit,
       d.currency AS currency,
       d.declared_unit_price AS declared_unit_price

// name: payments_to_suppliers
// Money reaching the accounts of $supplier_ids: from which account, held by whom, how much and how often;
// and every firm holding the receiving account (a supplier registered twice holds it under both records).
UNWIND $supplier_ids AS supplier_id
MATCH (s:Company {company_id: supplier_id})-[:OWNS_ACCOUNT]->(received:Account)<-[t:TRANSFER]-(paid:Account)
WITH s, received, paid, count(t) AS transfers, sum(t.amount) AS amount
OPTIONAL MATCH (holder:Person|Company)-[:OWNS_ACCOUNT]->(paid)
WITH s, received, paid, transfers, amount, collect(holder) AS holders
RETURN s.company_id AS supplier_id,
       received.account_id AS supplier_account,
       [(received)<-[:OWNS_ACCOUNT]-(co:Company) | co.company_id] AS supplier_account_holder_ids,
       paid.account_id AS payer_account,
       transfers,
       amount,
       [h IN holders WHERE h:Person | h.person_id] AS payer_person_ids,
       [h IN holders WHERE h:Company | h.company_id] AS payer_company_ids

// name: underdeclared_parcels
// E-commerce parcels whose customs value is below the price the ledger recorded for them, with the
// buyer, the name and address on the parcel, and how many parcels that address receives.
MATCH (b:Person)-[:PURCHASED]->(r:PurchaseRecord)-[:SHIPPED_AS]->(p:Parcel)-[:DECLARED_IN]->(d:Declaration)
WHERE d.declared_value < r.price AND d.currency = r.currency
MATCH (p)-[:DELIVERED_TO]->(a:Address)
RETURN b.person_id AS buyer_id,
       r.record_id AS record_id,
       p.tracking_number AS tracking_number,
       p.consignee_name AS consignee_name,
       a.address_key AS address_key,
       COUNT { (a)<-[:DELIVERED_TO]-(:Parcel) } AS address_parcels,
       r.price AS ledger_price,
       d.declared_value AS declared_value,
       d.currency AS currency,
       d.declaration_id AS declaration_id
