"""Known labels as inputs ("label trick"): what an investigator already knows about the counterparties.

In a transductive setting (the whole transfer graph visible, some accounts already labelled) the known
offenders are evidence about their counterparties: an account paid by three known mules is suspect.
This module turns a set of *visible* labels into model inputs, keeping every node's own label out of
its own score:

* :func:`label_inputs`: per node ``[known_offender, label_known]`` (both 0 where the label is hidden);
  a GNN spreads them to the neighbours (UniMP, Shi et al. 2021; "label as input", Wang & Leskovec);
* :func:`counterparty_label_shares`: per node, how many distinct payers / payees are known offenders
  and which share of its known counterparties and of its money in / out they make; one hop only, and
  self-transfers are left out, so a node's own label never enters its own row;
* :meth:`CounterpartyGraph.proximity` (:data:`PROXIMITY_COLUMNS`): how close a node stands to a set of
  nodes over one and two hops of distinct counterparties, each neighbour's weight divided by its
  number of counterparties (a hub that deals with everyone says little about any one of them); every
  path that comes back to the node itself is left out;
* :meth:`CounterpartyGraph.evidence`: the shares above plus the proximity to the known offenders, to
  the known offenders outside any amount group (:mod:`analytics.amount_groups`: the scheme members
  who never moved an atypical amount themselves) and to the amount groups' members (no label);
* :meth:`CounterpartyGraph.suspicion` (:data:`SUSPICION_COLUMNS`): the same over *all* counterparties
  of a per-node suspicion in [0, 1], e.g. the known label where visible and a first model's score
  elsewhere (stacking), with its proximity; the node's own value never in its own row;
* :func:`visible_split`: each training epoch hides a random part of the training labels; the loss is
  taken on that hidden part only, so the model never learns to echo a node's own label back (a label
  that went out to a neighbour comes back to its owner after two GNN layers);
* :func:`train_multigin_with_labels`: a full-batch Multi-GIN trained that way. Validation and test
  nodes are never visible; at inference every training label is.

Example
-------
>>> import numpy as np
>>> src, dst = np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3])
>>> offender = np.array([True, False, True, False])
>>> visible = np.array([True, True, False, False])
>>> label_inputs(offender, visible).tolist()
[[1.0, 1.0], [0.0, 1.0], [0.0, 0.0], [0.0, 0.0]]
>>> shares, names = counterparty_label_shares(src, dst, np.ones(4), offender, visible)
>>> dict(zip(names, shares[2].round(3).tolist()))["known_offender_payers"]  # 2 is paid by 1 (known clean)
0.0
>>> dict(zip(names, shares[1].tolist()))["share_money_in_known_offender"]  # 1 is paid by 0 only
1.0
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import torch
from torch import Tensor
from torch.nn import functional

from analytics.amount_groups import amount_groups, atypical_amounts
from gnn.config import GnnConfig, choose_device, seed_everything
from gnn.multigraph import MultiGIN, MultiGinOptions, TransferGraph
from gnn.train import TrainedModel, fit_early_stopping, pr_auc

__all__ = [
    "COUNTERPARTY_COLUMNS",
    "EVIDENCE_SETS",
    "LABEL_COLUMNS",
    "PROXIMITY_COLUMNS",
    "SUSPICION_COLUMNS",
    "CounterpartyGraph",
    "LabelTrickOptions",
    "counterparty_label_shares",
    "evidence_columns",
    "label_inputs",
    "train_multigin_with_labels",
    "visible_split",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
LABEL_COLUMNS = ("label_known_offender", "label_known")
COUNTERPARTY_COLUMNS = (
    "known_offender_payers",
    "known_offender_payees",
    "share_payers_known_offender",
    "share_payees_known_offender",
    "share_money_in_known_offender",
    "share_money_out_known_offender",
)
PROXIMITY_COLUMNS = (
    "sum",
    "resource",
    "walk_2",
    "resource_2",
    "common_2",
    "resource_2_max",
    "common_2_max",
)
SUSPICION_COLUMNS = (
    "suspicion_payers_sum",
    "suspicion_payees_sum",
    "suspicion_payers_mean",
    "suspicion_payees_mean",
    "suspicion_money_in_mean",
    "suspicion_money_out_mean",
    "suspicion_payers_max",
    "suspicion_payees_max",
    *(f"suspicion_near_{column}" for column in PROXIMITY_COLUMNS),
)
EVIDENCE_SETS = ("known_offender", "known_quiet_offender", "group_member")


def label_inputs(offender: Bools, visible: Bools) -> F64:
    """Per node ``[known offender, label known]``: the label where ``visible``, ``[0, 0]`` elsewhere."""
    known = np.asarray(visible, dtype=bool)
    return np.column_stack([(known & np.asarray(offender, dtype=bool)), known]).astype(np.float64)


@dataclass(frozen=True, eq=False)
class CounterpartyGraph:
    """Who paid whom, without self-transfers: distinct pairs (0/1) and money per pair, payer x payee;
    ``grouped``: the nodes in an amount group (:func:`analytics.amount_groups.amount_groups`)."""

    pairs: sp.csr_matrix
    money: sp.csr_matrix
    grouped: Bools

    @classmethod
    def build(cls, src: I64, dst: I64, amount: F64, num_nodes: int) -> CounterpartyGraph:
        other = src != dst
        shape = (num_nodes, num_nodes)
        amount = np.asarray(amount, dtype=np.float64)
        money = sp.csr_matrix((amount[other], (src[other], dst[other])), shape)
        money.sum_duplicates()
        pairs = money.copy()
        pairs.data[:] = 1.0
        grouped = amount_groups(src, dst, atypical_amounts(amount), num_nodes) >= 0
        return cls(pairs, money, grouped)

    @cached_property
    def _adjacent(self) -> sp.csr_matrix:
        """Distinct counterparties in either direction (0/1, symmetric, empty diagonal)."""
        return sp.csr_matrix((self.pairs + self.pairs.T) > 0, dtype=np.float64)

    @cached_property
    def _inverse_degree(self) -> F64:
        degree = np.asarray(self._adjacent.sum(axis=1)).ravel()
        return _share(np.ones_like(degree), degree)

    @cached_property
    def _two_hop(self) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix]:
        """Common counterparties, the same with each middle node weighted by 1 / its degree, and the
        two-step random-walk probabilities; the diagonal (paths back to the node itself) removed."""
        adjacent, inverse = self._adjacent, sp.diags(self._inverse_degree)
        step = inverse @ adjacent
        products = (adjacent @ adjacent, adjacent @ inverse @ adjacent, step @ step)
        common, resource, walk = (_without_diagonal(product) for product in products)
        return common, resource, walk

    def proximity(self, values: F64 | Bools) -> F64:
        """The :data:`PROXIMITY_COLUMNS` of every node towards per-node ``values`` (e.g. 0/1 membership).

        ``sum`` over its counterparties; ``resource`` the same with each counterparty's value divided by
        the counterparty's degree; over two hops (never back to itself): ``walk_2`` the two-step
        random-walk mass, ``resource_2`` / ``common_2`` the degree-weighted / plain common-counterparty
        links to valued nodes, and their strongest single link (``_max``).
        """
        value = np.asarray(values, dtype=np.float64)
        common, resource, walk = self._two_hop
        spread = value * self._inverse_degree
        maxima = [np.asarray((m @ sp.diags(value)).max(axis=1).todense()).ravel() for m in (resource, common)]
        return np.column_stack(
            [
                np.log1p(self._adjacent @ value),
                self._adjacent @ spread,
                walk @ value,
                resource @ spread,
                np.log1p(common @ value),
                *maxima,
            ]
        )

    def evidence(self, offender: Bools, visible: Bools) -> F64:
        """:meth:`shares` plus the :meth:`proximity` to each of :data:`EVIDENCE_SETS`: the visible
        offenders, the visible offenders outside any amount group, the amount groups' members."""
        bad = np.asarray(visible, dtype=bool) & np.asarray(offender, dtype=bool)
        sets = (bad, bad & ~self.grouped, self.grouped)
        return np.column_stack([self.shares(offender, visible), *(self.proximity(s) for s in sets)])

    def shares(self, offender: Bools, visible: Bools) -> F64:
        """The :data:`COUNTERPARTY_COLUMNS` of every node, from the ``visible`` labels only."""
        known = np.asarray(visible, dtype=np.float64)
        bad = known * np.asarray(offender, dtype=np.float64)
        columns: list[F64] = []
        sums: list[tuple[F64, F64]] = []
        for matrix in (self.pairs, self.money):
            # Payers of v are the rows of column v (matrix.T @ .), payees the columns of row v (matrix @ .).
            sums.append((matrix.T @ bad, matrix.T @ known))
            sums.append((matrix @ bad, matrix @ known))
        columns += [np.log1p(sums[0][0]), np.log1p(sums[1][0])]
        columns += [_share(part, whole) for part, whole in sums]
        return np.column_stack(columns)

    def suspicion(self, suspicion: F64) -> F64:
        """The :data:`SUSPICION_COLUMNS` of every node: sums, (money-weighted) means and maxima over its
        distinct payers and payees of ``suspicion`` (one value in [0, 1] per node)."""
        value = np.asarray(suspicion, dtype=np.float64)
        sums, means = [], []
        for matrix in (self.pairs, self.money):
            for side in (matrix.T, matrix):
                part = side @ value
                sums.append(part)
                means.append(_share(part, np.asarray(side.sum(axis=1)).ravel()))
        maxima = [
            np.asarray((side @ sp.diags(value)).max(axis=1).todense()).ravel()
            for side in (self.pairs.T.tocsr(), self.pairs)
        ]
        return np.column_stack([np.log1p(sums[0]), np.log1p(sums[1]), *means, *maxima, self.proximity(value)])


def _share(part: F64, whole: F64) -> F64:
    """``part / whole``, 0 where nothing is known (the "label known" counts tell that case apart)."""
    return np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)


def _without_diagonal(matrix: sp.spmatrix) -> sp.csr_matrix:
    result = sp.csr_matrix(matrix)
    result.setdiag(0.0)
    result.eliminate_zeros()
    return result


def evidence_columns() -> tuple[str, ...]:
    """The names of :meth:`CounterpartyGraph.evidence`'s columns, in order."""
    near = tuple(f"near_{group}_{column}" for group in EVIDENCE_SETS for column in PROXIMITY_COLUMNS)
    return COUNTERPARTY_COLUMNS + near


def counterparty_label_shares(
    src: I64, dst: I64, amount: F64, offender: Bools, visible: Bools
) -> tuple[F64, tuple[str, ...]]:
    """Per node, the :data:`COUNTERPARTY_COLUMNS` (log counts and shares) from the visible labels.

    A node's own label never enters its own row: one hop only, self-transfers left out.
    """
    graph = CounterpartyGraph.build(src, dst, amount, len(offender))
    return graph.shares(offender, visible), COUNTERPARTY_COLUMNS


def visible_split(train_nodes: I64, visible_share: float, rng: np.random.Generator) -> tuple[I64, I64]:
    """A random ``visible_share`` of ``train_nodes`` whose labels are shown, and the rest (to predict)."""
    if not 0 < visible_share < 1:
        raise ValueError(f"visible_share must be in (0, 1), not {visible_share}")
    shuffled = rng.permutation(train_nodes)
    cut = round(visible_share * len(shuffled))
    return np.sort(shuffled[:cut]), np.sort(shuffled[cut:])


@dataclass(frozen=True)
class LabelTrickOptions:
    """``visible_share`` (0.5) of the training labels shown each epoch; ``counterparties`` (True): feed
    :meth:`CounterpartyGraph.evidence` too, beside the raw :func:`label_inputs`.

    ``inference_draws`` (0): at 0 every training label is shown when scoring; at ``k`` > 0 the score is
    the mean over ``k`` fixed draws that each show a ``visible_share`` of them, as in training, so the
    label inputs the model reads when scoring are distributed as those it learned from.

    ``residual`` (False; needs a ``prior``): the GNN's output is added to the prior's logit, its last
    layer starting at zero, so it learns a correction to the first model (as in "Boost then Convolve",
    Ivanov & Prokhorenkova 2021) rather than the whole score.
    """

    visible_share: float = 0.5
    counterparties: bool = True
    inference_draws: int = 0
    residual: bool = False


def _inputs(
    base: Tensor, offender: Bools, visible: Bools, graph: CounterpartyGraph | None, prior: F64 | None
) -> Tensor:
    parts = [label_inputs(offender, visible)]
    if graph is not None:
        parts.append(graph.evidence(offender, visible))
    if graph is not None and prior is not None:
        # Stacking: a node's own prior is a first model's out-of-fold score, never its label; its
        # counterparties' suspicion is their label where shown and their prior elsewhere.
        parts.append(prior[:, None])
        parts.append(graph.suspicion(np.where(visible, offender, prior)))
    extra = torch.tensor(np.column_stack(parts), dtype=base.dtype, device=base.device)
    return torch.cat([base, extra], dim=1)


def train_multigin_with_labels(
    graph: TransferGraph,
    offender: Bools,
    masks: tuple[Bools, Bools, Bools],
    config: GnnConfig,
    options: LabelTrickOptions,
    counterparties: CounterpartyGraph | None = None,
    prior: F64 | None = None,
) -> tuple[TrainedModel, F64]:
    """A full-batch Multi-GIN (reverse MP, ports, no ego IDs) learning ``offender`` with the label trick.

    ``masks`` are the train / validation / test nodes. Each epoch a random ``visible_share`` of the
    training nodes shows its label; the loss is on the other training nodes. Validation (early stopping
    on its PR-AUC) and test scores are computed with every training label visible and no other.
    ``counterparties`` (needed when ``options.counterparties``) gives the label shares. ``prior`` (with
    ``counterparties``): every node's score from a first model that never saw that node's label (out of
    fold for the training nodes), read as the node's own input and, where a label is not shown, as its
    counterparties' suspicion (:meth:`CounterpartyGraph.suspicion`).
    Returns the model with its figures (``val_pr_auc``, ``pr_auc_0`` on the test nodes, ``epochs``,
    ``seconds``) and every node's probability.
    """
    if options.counterparties and counterparties is None:
        raise ValueError("options.counterparties needs the CounterpartyGraph")
    shares_of = counterparties if options.counterparties else None
    seed_everything(config)
    device = choose_device(config)
    graph = graph.to(device)
    offender = np.asarray(offender, dtype=bool)
    train_nodes, val_nodes, test_nodes = (np.flatnonzero(m).astype(np.int64) for m in masks)
    if prior is not None and shares_of is None:
        raise ValueError("a prior needs the counterparty evidence (options.counterparties)")
    if options.residual and prior is None:
        raise ValueError("a residual GNN needs a prior")
    width = len(LABEL_COLUMNS) + (len(evidence_columns()) if shares_of is not None else 0)
    width += 0 if prior is None else 1 + len(SUSPICION_COLUMNS)
    model = MultiGIN(
        graph.x.size(1) + width,
        graph.edge_attr.size(1),
        1,
        hidden=config.hidden,
        layers=config.layers,
        options=MultiGinOptions(ego=False),
        dropout=config.dropout,
    ).to(device)
    target = torch.tensor(offender, dtype=torch.float32, device=device)[:, None]
    offset = torch.zeros_like(target)
    if prior is not None and options.residual:
        offset = torch.logit(torch.tensor(prior, dtype=torch.float32, device=device), eps=1e-4)[:, None]
        model.zero_output()
    share = float(offender[train_nodes].mean()) if len(train_nodes) else 0.5
    pos_weight = torch.tensor(np.sqrt((1 - share) / max(share, 1e-4)), device=device)
    rng = np.random.default_rng(config.seed)
    shown_sets = (
        [train_nodes]
        if options.inference_draws < 1
        else [
            visible_split(train_nodes, options.visible_share, np.random.default_rng([config.seed, draw]))[0]
            for draw in range(options.inference_draws)
        ]
    )
    at_inference = [
        _inputs(graph.x, offender, np.isin(np.arange(graph.num_nodes), shown), shares_of, prior)
        for shown in shown_sets
    ]

    def logits(x: Tensor) -> Tensor:
        out: Tensor = model(x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)
        return out + offset

    def scores() -> F64:
        model.eval()
        with torch.no_grad():
            out = [torch.sigmoid(logits(x)[:, 0]) for x in at_inference]
        return torch.stack(out).mean(dim=0).cpu().numpy().astype(np.float64)

    def step() -> Tensor:
        # A fresh half of the training accounts shows its label; the loss is on the other half.
        shown, hidden = visible_split(train_nodes, options.visible_share, rng)
        x = _inputs(graph.x, offender, np.isin(np.arange(graph.num_nodes), shown), shares_of, prior)
        chosen = torch.from_numpy(hidden).to(device)
        return functional.binary_cross_entropy_with_logits(
            logits(x)[chosen], target[chosen], pos_weight=pos_weight
        )

    def figure(nodes: I64) -> float:
        return pr_auc(offender[nodes].astype(np.float64), scores()[nodes])

    # Trained in place: the model ends with its best weights.
    fitted = fit_early_stopping(model, config, step, lambda: figure(val_nodes))[1]
    probabilities = scores()
    metrics = {
        **fitted,
        "val_pr_auc": pr_auc(offender[val_nodes].astype(np.float64), probabilities[val_nodes]),
        "pr_auc_0": pr_auc(offender[test_nodes].astype(np.float64), probabilities[test_nodes]),
    }
    return TrainedModel(model.cpu(), metrics), probabilities
