"""Heterogeneous GraphSAGE models: a homogeneous stack made heterogeneous with PyG's ``to_hetero``.

:func:`hetero_sage` gives one SAGE stack per edge type (summed per receiving node type); with
``out_channels`` it ends in a per-type linear head (node classification logits), without it returns
embeddings (link prediction, scored by :func:`link_logits`).

Example
-------
>>> import torch
>>> from torch_geometric.data import HeteroData
>>> data = HeteroData()
>>> data["Person"].x, data["Phone"].x = torch.ones(2, 3), torch.ones(1, 3)
>>> data["Person", "HAS_PHONE", "Phone"].edge_index = torch.tensor([[0, 1], [0, 0]])
>>> data["Phone", "rev_HAS_PHONE", "Person"].edge_index = torch.tensor([[0, 0], [0, 1]])
>>> model = hetero_sage(data.metadata(), hidden=8, layers=2, dropout=0.0, out_channels=1)
>>> out = initialise(model, data)
>>> out["Person"].shape, out["Phone"].shape
(torch.Size([2, 1]), torch.Size([1, 1]))
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch_geometric.data import HeteroData
from torch_geometric.nn import Linear, SAGEConv, to_hetero

__all__ = ["SageStack", "hetero_sage", "initialise", "link_logits"]

Metadata = tuple[list[str], list[tuple[str, str, str]]]


class SageStack(torch.nn.Module):
    """``layers`` SAGE convolutions with ReLU and dropout, then an optional linear head."""

    def __init__(self, hidden: int, layers: int, dropout: float, out_channels: int | None) -> None:
        super().__init__()
        self.convs = torch.nn.ModuleList(SAGEConv((-1, -1), hidden) for _ in range(layers))
        # A module, not functional dropout: to_hetero traces the forward once, and a training flag
        # passed as an argument would be frozen at its value during tracing.
        self.dropout = torch.nn.Dropout(dropout)
        self.head = Linear(-1, out_channels) if out_channels else None

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        for conv in self.convs:
            x = conv(x, edge_index).relu()
            x = self.dropout(x)
        return self.head(x) if self.head is not None else x


def hetero_sage(
    metadata: Metadata, *, hidden: int, layers: int, dropout: float, out_channels: int | None
) -> torch.nn.Module:
    """A heterogeneous GraphSAGE for ``metadata`` (node and edge types of a ``HeteroData``)."""
    model: torch.nn.Module = to_hetero(SageStack(hidden, layers, dropout, out_channels), metadata, aggr="sum")
    return model


def initialise(model: torch.nn.Module, data: HeteroData) -> dict[str, Tensor]:
    """Run ``model`` once on ``data`` so its lazily sized layers get their shapes; returns the output."""
    with torch.no_grad():
        out: dict[str, Tensor] = model(data.x_dict, data.edge_index_dict)
    return out


def link_logits(embeddings: dict[str, Tensor], edge_type: tuple[str, str, str], pairs: Tensor) -> Tensor:
    """Logit that each ``pairs`` column (start, end) of ``edge_type`` is a link: dot product of embeddings."""
    start, _, end = edge_type
    return (embeddings[start][pairs[0]] * embeddings[end][pairs[1]]).sum(dim=-1)
