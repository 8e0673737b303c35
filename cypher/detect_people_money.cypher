// Reads of the people-and-money detectors (courier rings, round-tripping) and of the accomplice
// ranking. Each returns a flat table that a pure function in analytics/ decides on.

// name: traveller_payments
// Transfers from one account to travellers: an account that paid at least $min_payees distinct people
// who travel is a possible organiser paying couriers (honest employers pay many people too; the
// detector tells them apart by who travels together). One row per transfer.
MATCH (payer:Account)-[:TRANSFER]->(:Account)<-[:OWNS_ACCOUNT]-(payee:Person)
WHERE EXISTS { (payee)-[:TOOK_TRIP]->(:Trip) }
WITH payer, count(DISTINCT payee) AS payees
WHERE payees >= $min_payees
MATCH (payer)-[t:TRANSFER]->(received:Account)<-[:OWNS_ACCOUNT]-(payee:Person)
WHERE EXISTS { (payee)-[:TOOK_TRIP]->(:Trip) }
RETURN payer.account_id AS payer_account,
       COLLECT {
         MATCH (owner)-[:OWNS_ACCOUNT]->(payer)
         RETURN CASE WHEN owner:Person THEN 'Person:' + owner.person_id
                     ELSE 'Company:' + owner.company_id END
       } AS payer_owners,
       payee.person_id AS payee,
       received.account_id AS payee_account,
       t.transfer_id AS transfer_id,
       t.amount AS amount,
       t.currency AS currency,
       toString(t.sent_at) AS sent_at

// name: co_travel_occasions
// Voyages on which two or more of $persons travelled on the same day: one row per occasion, with the
// travellers and their trips in the same order.
MATCH (p:Person)-[:TOOK_TRIP]->(trip:Trip)
WHERE p.person_id IN $persons
WITH trip.carrier AS carrier, trip.voyage AS voyage, trip.departs_on AS departs_on,
     collect(p.person_id) AS travellers, collect(trip.trip_id) AS trips
WHERE size(travellers) >= 2
RETURN carrier, voyage, toString(departs_on) AS departs_on, travellers, trips
ORDER BY departs_on, voyage

// name: shared_phones
// Pairs of $persons that gave the same phone number.
MATCH (a:Person)-[:HAS_PHONE]->(phone:Phone)<-[:HAS_PHONE]-(b:Person)
WHERE a.person_id IN $persons AND b.person_id IN $persons AND a.person_id < b.person_id
RETURN a.person_id AS person_a, b.person_id AS person_b, phone.number AS phone

// name: baggage_hits
// X-ray hits on the baggage of $persons' trips that show one of $classes with at least $min_confidence,
// in any of their detections: a file hit carries one class, a service hit lists every detection,
// strongest first, so the first that qualifies stands for the hit.
MATCH (p:Person)-[:TOOK_TRIP]->(trip:Trip)<-[:SCANNED]-(hit:XRayHit)
WHERE p.person_id IN $persons
WITH p, trip, hit,
     coalesce(hit.detected_classes, [hit.detected_class]) AS classes,
     coalesce(hit.confidences, [hit.confidence]) AS confidences
WITH p, trip, hit, classes, confidences,
     [i IN range(0, size(classes) - 1) WHERE classes[i] IN $classes AND confidences[i] >= $min_confidence] AS found
WHERE found <> []
RETURN p.person_id AS person, trip.trip_id AS trip, hit.scan_id AS scan_id,
       classes[found[0]] AS detected_class, confidences[found[0]] AS confidence

// name: account_owners
// The parties holding each of $accounts, as 'Label:key'.
MATCH (owner)-[:OWNS_ACCOUNT]->(account:Account)
WHERE account.account_id IN $accounts
RETURN account.account_id AS account,
       CASE WHEN owner:Person THEN 'Person:' + owner.person_id ELSE 'Company:' + owner.company_id END AS owner

// name: account_fraud_labels
// Evaluation only: the truth labels an AMLSim data set puts on its accounts (never a feature).
MATCH (account:Account)
WHERE account.dataset = $dataset AND account.truth_is_fraud IS NOT NULL
RETURN account.account_id AS account, account.truth_is_fraud AS is_fraud
