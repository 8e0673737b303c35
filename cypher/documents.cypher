// Document intelligence: reports in, MENTIONS out. __LABEL__ and __PROPERTY__ come from the whitelist
// in documents.store (a schema label and the property its mentions are looked up by).

// name: documents
MATCH (d:Document)
RETURN d.document_id AS document_id, d.text AS text
ORDER BY d.document_id

// name: clear_mentions
UNWIND $document_ids AS document_id
MATCH (:Document {document_id: document_id})-[m:MENTIONS]->()
DELETE m
RETURN count(*) AS removed

// name: merge_mentions
UNWIND $rows AS row
MATCH (d:Document {document_id: row.document_id})
MATCH (e:__LABEL__ {__PROPERTY__: row.key})
MERGE (d)-[m:MENTIONS {start: row.start, end: row.end}]->(e)
SET m.text = row.text, m.method = row.method, m.score = row.score
RETURN count(m) AS linked
