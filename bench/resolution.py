"""Entity-resolution benchmark: the matching core on a generated world's persons and companies files.

No Neo4j: records are read from ``travelers.csv``, ``persons.csv`` and ``companies.csv`` and normalised
as the ingest would, then blocked, scored and decided; merges are checked against ``identity_truth.csv``.

    .venv/bin/python -m bench.resolution var/world-1m            # generate a world first, or:
    .venv/bin/python -m bench.resolution var/world-1m --scale 1000000 --seed 11   # generates if missing

Prints per kind: records, candidate pairs (comparisons), blocks skipped as too large, blocking and
scoring seconds, scoring CPU seconds, comparisons per second of scoring and of the whole run, and
pairwise precision and recall of the merged clusters; and the load average before and after, since the
machine is shared.

A comparison is one candidate pair (two records sharing a blocking key) weighed by every evidence
function: name similarity, date of birth, nationality, each identifier kind, register. Comparisons per
second of scoring = pairs / the seconds from the first name compared to the last decision; the
seconds before (name readings, codes, blocking keys and pairs) are the blocking seconds, and the
whole-run rate divides by both. Reading and normalising the CSV files is timed apart: the graph path
(``bigfinder resolve``) reads records already normalised by the ingest.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from pathlib import Path

import numpy as np

from ingest.generate import generate_world
from resolution.matcher import resolve
from resolution.quality import pairwise_quality
from resolution.records import records_from_world


def _print_load() -> None:
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if not (args.world / "identity_truth.csv").exists():
        started = time.perf_counter()
        generate_world(args.world, scale=args.scale, seed=args.seed)
        print(f"generated {args.world} in {time.perf_counter() - started:.0f} s")
    with (args.world / "identity_truth.csv").open(encoding="utf-8", newline="") as handle:
        truth = {row["record_id"]: row["identity_id"] for row in csv.DictReader(handle)}
    _print_load()
    started = time.perf_counter()
    loaded = records_from_world(args.world)
    print(f"read and normalised records in {time.perf_counter() - started:.1f} s")
    for kind, records in loaded.items():
        began = time.perf_counter()
        result = resolve(records)
        total = time.perf_counter() - began
        identities = [truth.get(record_id, record_id) for record_id in records.record_id]
        quality = pairwise_quality(result.clusters(), np.unique(identities, return_inverse=True)[1])
        print(
            f"{kind}: {len(records):,} records, {result.comparisons:,} comparisons, "
            f"{result.blocks_skipped:,} blocks skipped; blocking {result.blocking_seconds:.1f} s, "
            f"scoring {result.scoring_seconds:.1f} s "
            f"({result.comparisons / max(result.scoring_seconds, 1e-9) / 1e6:.2f} M comparisons/s), "
            f"scoring CPU {result.scoring_cpu_seconds:.2f} s "
            f"({result.comparisons / max(result.scoring_cpu_seconds, 1e-9) / 1e6:.2f} M comparisons/CPU-s), "
            f"resolve total {total:.1f} s ({result.comparisons / total / 1e6:.2f} M comparisons/s); "
            f"matches {len(result.match_index()):,}, review {len(result.review_index()):,}; "
            f"pairwise precision {quality.precision:.4f}, recall {quality.recall:.4f} "
            f"({quality.true_pairs:,} true pairs)"
        )
    _print_load()


if __name__ == "__main__":
    main()
