"""Scheme detectors: bypass imports, undervaluation rings, split shipments, courier rings, round-tripping."""
