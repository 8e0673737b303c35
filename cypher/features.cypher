// Model features on entities, shared by the API's feature-write route and the risk models (risk/).
// Placeholders (__LABEL__, __KEY__) are filled by graph.features from the schema only; the map's keys
// are built and checked by graph.features.feature_properties.

// name: write_features
UNWIND $rows AS row
MATCH (n:__LABEL__ {__KEY__: row.key})
SET n += row.properties
RETURN row.key AS key
