"""Case files analysts can hand over: one case rendered as a reproducible, tamper-evident bundle.

The API's :mod:`api.case_export` reads a case from the graph into a :class:`~casefile.document.CaseDocument`;
this package renders it (PDF report, JSON, GraphML, CSV tables, a network picture), writes the files
with a manifest of their SHA-256 digests, and verifies a bundle against its manifest. It knows nothing
of Neo4j or the API, so the CLI and the API share it and it is tested without a database.
"""

__all__: list[str] = []
