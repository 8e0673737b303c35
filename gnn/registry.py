"""The model registry: each trained model as ``<root>/<name>/<version>/`` with everything to reuse it.

A version folder holds ``model.pt`` (the weights), ``model.json`` (the config, the data snapshot hash,
the metrics, the feature standardiser, the graph's node and edge types, when it was trained) and is
never overwritten: a new training is a new version (``v1``, ``v2``, ...). ``latest`` is the highest.

>>> import tempfile, torch
>>> from pathlib import Path
>>> root = Path(tempfile.mkdtemp())
>>> saved = save_model(root, "offender", torch.nn.Linear(2, 1), {"config": {}, "metrics": {"pr_auc": 0.9}})
>>> saved.version, latest_version(root, "offender")
('v1', 'v1')
>>> load_model(root, "offender", "v1").card["metrics"]
{'pr_auc': 0.9}
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graph.projection import Projection

__all__ = ["SavedModel", "latest_version", "load_model", "save_model", "snapshot_hash"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^v(\d+)$")


@dataclass(frozen=True, eq=False)
class SavedModel:
    """A model version: its folder, name, version, the card (``model.json``) and the weights."""

    path: Path
    name: str
    version: str
    card: dict[str, Any]
    state: dict[str, torch.Tensor]


def snapshot_hash(projection: Projection) -> str:
    """A fingerprint of the graph a model saw: node keys, relationship ends, types, weights and times."""
    digest = hashlib.sha256()
    for part in (
        np.asarray(projection.node_key.tolist(), dtype=str).tobytes(),
        projection.node_label.tobytes(),
        projection.src.tobytes(),
        projection.dst.tobytes(),
        projection.rel_type.tobytes(),
        np.nan_to_num(projection.weight).tobytes(),
        np.nan_to_num(projection.time).tobytes(),
    ):
        digest.update(part)
    return digest.hexdigest()


def _versions(root: Path, name: str) -> list[int]:
    folder = root / name
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _VERSION.match(p.name)) and p.is_dir())


def latest_version(root: Path, name: str) -> str:
    """The newest version of model ``name``."""
    versions = _versions(root, _checked(name))
    if not versions:
        raise FileNotFoundError(f"no trained model {name!r} under {root}: run `bigfinder gnn train` first")
    return f"v{versions[-1]}"


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a model name (lower case letters, digits, underscores)")
    return name


def save_model(root: Path, name: str, model: torch.nn.Module, card: dict[str, Any]) -> SavedModel:
    """Save ``model`` and its card as the next version of ``name``."""
    versions = _versions(root, _checked(name))
    version = f"v{(versions[-1] if versions else 0) + 1}"
    path = root / name / version
    path.mkdir(parents=True, exist_ok=False)
    full = {**card, "name": name, "version": version, "saved_at": datetime.now(UTC).isoformat()}
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    torch.save(state, path / "model.pt")
    (path / "model.json").write_text(json.dumps(full, indent=2, sort_keys=True, default=str))
    return SavedModel(path, name, version, full, state)


def load_model(root: Path, name: str, version: str | None = None) -> SavedModel:
    """Model ``name`` at ``version`` (default: the latest)."""
    version = version or latest_version(root, name)
    if not _VERSION.match(version):
        raise ValueError(f"{version!r} is not a model version (v1, v2, ...)")
    path = root / _checked(name) / version
    if not (path / "model.json").exists():
        raise FileNotFoundError(f"no model {name} {version} under {root}")
    card = json.loads((path / "model.json").read_text())
    state = torch.load(path / "model.pt", map_location="cpu", weights_only=True)
    return SavedModel(path, name, version, card, state)
