"""Graph neural networks (PyTorch Geometric) for offenders and hidden accomplices.

:mod:`gnn.hetero` turns a projection of the graph into a ``HeteroData`` with node features and
time-respecting splits; :mod:`gnn.models` holds the heterogeneous GraphSAGE models and
:mod:`gnn.multigraph` the Multi-GIN for transfer multigraphs; :mod:`gnn.train` trains them,
:mod:`gnn.explain` explains a score, :mod:`gnn.registry` keeps checkpoints and :mod:`gnn.service`
runs train / score / explain against Neo4j.
"""

__all__: list[str] = []
