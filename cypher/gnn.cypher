// Reads and writes of gnn.service: stored node features in, GNN scores and explanations out.
// __LABEL__ and __KEY__ are filled by gnn.service from graph.schema only.

// name: stored_features
// What analytics and risk models wrote on the nodes of one label: the named properties and every
// model feature (feature__<model>__<name>), as [name, value] pairs per node.
MATCH (n:__LABEL__)
RETURN collect(n.__KEY__) AS keys,
       collect([k IN keys(n) WHERE k IN $names OR k STARTS WITH 'feature__' | [k, n[k]]]) AS values

// name: set_gnn_scores
// The GNN's score with the model version and run that produced it; re-scoring overwrites both.
UNWIND $rows AS row
MATCH (n:__LABEL__ {__KEY__: row.key})
SET n.gnn_score = row.score, n.gnn_score_run = $run_id, n.gnn_model_version = $model_version
RETURN count(n) AS written

// name: set_gnn_explanation
// Why the node scored as it did (JSON: features, neighbours, relationships), served with the score.
MATCH (n:__LABEL__ {__KEY__: $key})
SET n.gnn_explanation = $explanation
RETURN count(n) AS written

// name: illicit_importers
// The companies an inspection confirmed as offenders: importers of record of a declaration found illicit
// (the GNN's confirmed offenders; the travellers are the courier detector's baggage_hits).
MATCH (c:Company)-[:IMPORTED]->(d:Declaration)
WHERE d.inspection_outcome = 'illicit'
RETURN DISTINCT c.company_id AS key
