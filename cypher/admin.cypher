// Server facts and schema administration. Placeholders (__NAME__, __LABEL__, __KEY__, __TYPE__,
// __PROPERTIES__) are filled by graph.admin from the schema whitelist only.

// name: server_components
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition

// name: procedure_families
SHOW PROCEDURES YIELD name
WHERE split(name, '.')[0] IN $families
RETURN split(name, '.')[0] AS family, count(*) AS procedures
ORDER BY family

// name: apoc_version
RETURN apoc.version() AS version

// name: gds_version
RETURN gds.version() AS version

// name: constraints
SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties
RETURN name, type, entityType, labelsOrTypes, properties
ORDER BY name

// name: indexes
SHOW INDEXES YIELD name, type, state, populationPercent, owningConstraint
RETURN name, type, state, populationPercent, owningConstraint
ORDER BY name

// name: await_indexes
CALL db.awaitIndexes($timeout_s)

// name: node_key_constraint
CREATE CONSTRAINT __NAME__ IF NOT EXISTS
FOR (n:__LABEL__) REQUIRE n.__KEY__ IS UNIQUE

// name: relationship_key_constraint
CREATE CONSTRAINT __NAME__ IF NOT EXISTS
FOR ()-[r:__TYPE__]-() REQUIRE r.__KEY__ IS UNIQUE

// name: node_property_index
CREATE INDEX __NAME__ IF NOT EXISTS
FOR (n:__LABEL__) ON (n.__KEY__)

// name: relationship_property_index
CREATE INDEX __NAME__ IF NOT EXISTS
FOR ()-[r:__TYPE__]-() ON (r.__KEY__)

// name: fulltext_names_index
CREATE FULLTEXT INDEX __NAME__ IF NOT EXISTS
FOR (n:__LABEL__) ON EACH [__PROPERTIES__]

// name: delete_relationships_batched
// Relationships first, in small transactions: a hub node (a logistics address) can hold more
// relationships than one transaction's memory allows to DETACH DELETE at once.
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS

// name: delete_nodes_batched
MATCH (n)
CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS

// name: drop_constraint
DROP CONSTRAINT __NAME__ IF EXISTS

// name: drop_index
DROP INDEX __NAME__ IF EXISTS
