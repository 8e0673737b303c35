"""How a GNN is trained: one frozen config object, the device chosen once from it, seeds fixed.

>>> config = GnnConfig(epochs=5, device="cpu")
>>> choose_device(config).type
'cpu'
>>> GnnConfig(hidden=0)
Traceback (most recent call last):
...
ValueError: hidden must be at least 1, not 0
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch

__all__ = ["GnnConfig", "choose_device", "seed_everything"]


@dataclass(frozen=True)
class GnnConfig:
    """Hyper-parameters and data choices of a GNN run (defaults in brackets).

    ``hidden`` (64) units per layer; ``layers`` (2) message-passing rounds; ``epochs`` (150) full passes;
    ``learning_rate`` (0.01) and ``weight_decay`` (1e-4) of Adam; ``dropout`` (0.2).
    ``train_share`` / ``val_share`` (0.6 / 0.2): the earliest share of nodes (or links) by first activity
    trains, the next validates, the rest tests. ``seed`` (0) fixes weights, splits and negatives.
    ``device`` ("auto"): "cuda" when a CUDA device is visible, "cpu" otherwise; or name one.
    ``threads`` (2): CPU threads torch may use (the machines are shared). ``patience`` (30): epochs
    without a better validation figure before training stops. ``drop_features``: feature names never
    used (those derived from the labels being learned). ``watchlist_proximity`` (True): the label
    trick; every node reads, as an input feature, how close it lies to the watchlisted parties *other
    than itself* (:func:`gnn.hetero.watchlist_proximity`), so a listed node never reads its own label.
    ``motifs`` (False): the accounts' money-flow motif counts join the features
    (:func:`gnn.hetero.motif_features`, the analytics' default windows). ``confirmed_cases`` (True):
    the offenders learned are the watchlisted parties and those an inspection confirmed
    (:func:`gnn.service.confirmed_offenders`); the label trick reads them too.
    """

    hidden: int = 64
    layers: int = 2
    epochs: int = 150
    learning_rate: float = 0.01
    weight_decay: float = 1e-4
    dropout: float = 0.2
    train_share: float = 0.6
    val_share: float = 0.2
    seed: int = 0
    device: str = "auto"
    threads: int = 2
    patience: int = 30
    drop_features: tuple[str, ...] = field(default=())
    watchlist_proximity: bool = True
    motifs: bool = False
    confirmed_cases: bool = True

    def __post_init__(self) -> None:
        for name in ("hidden", "layers", "epochs", "threads", "patience"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if not (
            0 < self.train_share < 1 and 0 <= self.val_share < 1 and self.train_share + self.val_share < 1
        ):
            raise ValueError("train_share and val_share must be shares that leave some nodes for testing")
        if not 0 <= self.dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), not {self.dropout}")
        if self.device not in ("auto", "cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ValueError(f"device must be auto, cpu or cuda[:n], not {self.device!r}")

    def as_dict(self) -> dict[str, Any]:
        """The config as JSON-ready data (what a checkpoint stores)."""
        data = asdict(self)
        data["drop_features"] = list(self.drop_features)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GnnConfig:
        """The config stored by :meth:`as_dict`; a flag a checkpoint predates keeps its old meaning (off)."""
        return cls(
            **{
                "watchlist_proximity": False,
                "motifs": False,
                "confirmed_cases": False,
                **data,
                "drop_features": tuple(data.get("drop_features", ())),
            }
        )


def choose_device(config: GnnConfig) -> torch.device:
    """The one device of a run: CUDA when asked for or (``auto``) visible, the CPU otherwise."""
    if config.device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if config.device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {config.device!r} was asked for but no CUDA device is visible")
    return torch.device(config.device)


def seed_everything(config: GnnConfig) -> None:
    """Fix every random source a run draws from, and bound torch's CPU threads."""
    random.seed(config.seed)
    np.random.seed(config.seed)  # PyG's samplers draw from the global generators
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
