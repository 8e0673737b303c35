"""GNN quality and speed: AMLSim PR-AUC (5-fold), CPU epoch time and inference rate on >= 1 M nodes,
and on a loaded generated world the GNN offender ranking against the analytics-only accomplice ranking.

Run by hand, never in the test suite::

    .venv/bin/python bench/gnn.py amlsim                   # both samples, 5 folds each
    .venv/bin/python bench/gnn.py amlsim --sample 20K_cycle200 --fold 0 --fold 1
    .venv/bin/python bench/gnn.py amlsim --labels --threads 1  # known training labels as inputs
    .venv/bin/python bench/gnn.py amlsim --labels --stack --gnn-seeds 3  # + stacking, three GNN runs
    .venv/bin/python bench/gnn.py speed --nodes 1000000    # a random circulant multigraph
    .venv/bin/python bench/gnn.py proximity                # the label trick's PageRank, one walk a seed
    .venv/bin/python bench/gnn.py world var/world-l        # needs the world loaded, analysed and
                                                           # `bigfinder gnn train` + `gnn score` run

``amlsim``: each sample of ``<shared data>/amlsim`` is read from its CSV files as a projection of
accounts and transfers (amount, step); node features are :func:`gnn.hetero.node_features` (degrees and
the transfer profile, never ``fraudStep`` nor ``init_balance``) and, unless ``--plain``, the money-flow
motifs each account takes part in (:func:`gnn.hetero.motif_features`: time-ordered cycles of 2-6
accounts within 30 steps, fan-in / fan-out peaks and scatter-gather roles within 7 steps, recurring
counterparties; the analytics' default windows with one step read as one day, fixed a priori; computed
from the transfers alone, over the whole graph like the transfers themselves) and the amount groups
around it (:func:`gnn.hetero.amount_group_features`). A Multi-GIN with reverse
message passing and port numbers (no ego IDs: full batch) learns ``isFraud``. Folds are stratified over
the accounts; the whole transfer graph is visible (transductive), only the held-out labels are not; a
tenth of the training accounts validates (early stopping on it, nothing else). Beside it, in the same
folds, a gradient-boosted model on the plain per-account features (the issue's 0.71-0.75 reference) and
one on the same extended features as the GNN (the fair comparison). ``--fold`` runs only some folds.
Bar: PR-AUC >= 0.90.

``amlsim --labels``: what the fold's training labels say about each account's counterparties is an
input too (:mod:`gnn.labels`; an investigator knows the confirmed cases). The Multi-GIN learns with the
label trick: each epoch a random ``--visible-share`` of its training accounts shows its label, the loss
is on the others; validation and test accounts never show theirs. A gradient-boosted model reads the
extended features plus known-offender counterparty counts and shares and the counterparties' suspicion
(their label where known, else a first model's score), one hop, and the degree-weighted one- and
two-hop proximity to known offenders (:meth:`gnn.labels.CounterpartyGraph.evidence`), never the
account's own label. The
bar is judged on a mix of the two models' probabilities: with ``--combine validated`` (the default since
2026-11-22) the GNN's share is the one of 0, 0.1, ..., 1 that ranks the fold's validation accounts best
(the gradient-boosted model's scores there out of fold), with ``--combine mean`` an equal mix (judged
before); both are printed. ``--scores DIR`` keeps each fold's scores.
``--stack``: the Multi-GIN also reads a gradient-boosted score on the extended features that never saw
the account's label (out of fold for the training accounts), its own and, where a label is hidden, its
counterparties' (:meth:`gnn.labels.CounterpartyGraph.suspicion`); ``--residual`` makes the Multi-GIN a
correction to that score's logit; ``--gnn-seeds K`` scores with the mean of K Multi-GIN runs.

``speed``: seconds per training epoch (forward + backward, full batch) and inference nodes/s of the
Multi-GIN on a random circulant multigraph of ``--nodes`` nodes (degree 6), on the CPU (and on CUDA when
one is visible, with the ratio).

``world``: PR-AUC of ``gnn_score`` and of ``accomplice_score`` (and, with ``--known-ppr``, the default,
of personalised PageRank from every known offender: the analytics given what the GNN learns from) over
the persons and companies no one knows yet (neither on a watchlist nor confirmed by an inspection,
:func:`gnn.service.confirmed_offenders`), against the planted rings of the world's ``ground_truth.csv``
(members count as positives).
"""

# ruff: noqa: E402 - the imports below must come after the sys.path repair
from __future__ import annotations

import sys
from pathlib import Path

_BENCH_DIR = Path(__file__).resolve().parent
if sys.path and Path(sys.path[0] or ".").resolve() == _BENCH_DIR:
    sys.path[0] = str(_BENCH_DIR.parent)

import csv
import os
import statistics
import time
from dataclasses import replace
from enum import StrEnum
from typing import Annotated

import numpy as np
import numpy.typing as npt
import torch
import typer
from rich.console import Console
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from analytics.centrality import personalized_pagerank
from gnn.config import GnnConfig
from gnn.hetero import MotifWindows, NodeFeatures, Standardiser, node_features, watchlist_proximity
from gnn.labels import CounterpartyGraph, LabelTrickOptions, train_multigin_with_labels
from gnn.multigraph import MultiGIN, MultiGinOptions, TransferGraph
from gnn.train import train_multigin
from graph.projection import NodeKeys, Projection

__all__ = ["app"]

app = typer.Typer(add_completion=False, no_args_is_help=True)
console = Console(width=110)
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BAR = 0.90


class Combination(StrEnum):
    """How ``amlsim --labels`` combines the GNN and the gradient-boosted model with known labels."""

    MEAN = "mean"  # equal shares (judged up to 2026-11-22)
    VALIDATED = "validated"  # the GNN's share chosen per fold on its validation accounts


def _read_sample(folder: Path) -> tuple[Projection, npt.NDArray[np.bool_]]:
    with (folder / "nodes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    ids = np.array([int(r["nodeid"]) for r in rows])
    is_fraud = np.array([r["isFraud"] == "1" for r in rows])
    tx = np.loadtxt(folder / "transactions.csv", delimiter=",", skiprows=1)
    order = np.argsort(ids)
    position = np.empty(ids.max() + 1, dtype=np.int64)
    position[ids[order]] = np.arange(len(ids))
    src, dst = position[tx[:, 0].astype(np.int64)], position[tx[:, 1].astype(np.int64)]
    return _accounts(ids[order], src, dst, tx[:, 2], tx[:, 3]), is_fraud[order]


def _accounts(ids: I64, src: I64, dst: I64, amount: F64, step: F64) -> Projection:
    """Accounts (keyed by ``ids``) and the transfers between them (positions into ``ids``)."""
    return Projection(
        labels=("Account",),
        node_label=np.zeros(len(ids), dtype=np.int16),
        keys=NodeKeys.held([str(i) for i in ids]),
        rel_types=("TRANSFER",),
        src=src,
        dst=dst,
        rel_type=np.zeros(len(src), dtype=np.int16),
        weight=amount,
        time=step,
    )


def _transfer_graph(projection: Projection, features: NodeFeatures) -> TransferGraph:
    x = torch.tensor(Standardiser.fit(features).transform(features), dtype=torch.float32)
    amount = np.log1p(projection.weight)
    step = projection.time
    edge_attr = np.column_stack(
        [(amount - amount.mean()) / (amount.std() or 1.0), (step - step.min()) / (np.ptp(step) or 1.0)]
    )
    return TransferGraph.build(x, projection.src, projection.dst, edge_attr, projection.time)


def _gbm_scores(values: F64, is_fraud: npt.NDArray[np.bool_], rest: I64, seed: int) -> F64:
    """Every account's probability from a gradient-boosted model fitted on the ``rest`` accounts."""
    with threadpool_limits(limits=1, user_api="openmp"):
        gbm = HistGradientBoostingClassifier(random_state=seed).fit(values[rest], is_fraud[rest])
        probabilities: F64 = gbm.predict_proba(values)[:, 1].astype(np.float64)
    return probabilities


def _cross_fitted(values: F64, is_fraud: npt.NDArray[np.bool_], rest: I64, seed: int, folds: int = 5) -> F64:
    """Every account's gradient-boosted score from a model that never saw its label: for the ``rest``
    accounts out of fold (``folds`` inner folds over ``rest``), for the others fitted on all of ``rest``."""
    scores = _gbm_scores(values, is_fraud, rest, seed)
    inner = StratifiedKFold(folds, shuffle=True, random_state=seed)
    for fitted, held in inner.split(rest, is_fraud[rest]):
        scores[rest[held]] = _gbm_scores(values, is_fraud, rest[fitted], seed)[rest[held]]
    return scores


def _gbm_pr_auc(values: F64, is_fraud: npt.NDArray[np.bool_], rest: I64, test: I64, seed: int) -> float:
    return float(average_precision_score(is_fraud[test], _gbm_scores(values, is_fraud, rest, seed)[test]))


def _with_known_labels(
    extended: F64, is_fraud: npt.NDArray[np.bool_], rest: I64, first: F64, counterparties: CounterpartyGraph
) -> F64:
    """The extended features plus what the fold's training labels say about each account's counterparties.

    Known-offender counts and shares (:meth:`CounterpartyGraph.shares`, the ``rest`` labels visible) and
    the counterparties' suspicion: the label where known, elsewhere ``first``, the score of a first model
    fitted on the extended features of the ``rest`` accounts (:meth:`CounterpartyGraph.suspicion`). One
    hop, no self-transfers: an account's own label never enters its own row, and test labels are never read.
    """
    known = np.isin(np.arange(len(is_fraud)), rest)
    suspicion = np.where(known, is_fraud.astype(np.float64), first)
    return np.column_stack(
        [extended, counterparties.evidence(is_fraud, known), counterparties.suspicion(suspicion)]
    )


def _validated_share(gnn: F64, gbm: F64, is_fraud: npt.NDArray[np.bool_], val: I64) -> float:
    """The GNN's share in the combination: the value of 0, 0.1, ..., 1 whose mix ranks the fold's
    validation accounts best (ties: the one nearest an equal mix).

    Both scores must be out of sample there: ``gbm`` out of fold, ``gnn`` from runs whose loss never read
    those labels (their early stopping did, which flatters the GNN a little). Test labels are never read.
    """
    grid = np.linspace(0.0, 1.0, 11)
    quality = np.array(
        [average_precision_score(is_fraud[val], share * gnn[val] + (1 - share) * gbm[val]) for share in grid]
    )
    best = grid[quality >= quality.max() - 1e-12]
    return float(best[np.argmin(np.abs(best - 0.5))])


def _fold_masks(n: int, rest: I64, test: I64, fold: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Train / validation / test masks: a tenth of the fold's training accounts validates."""
    val = np.random.default_rng(fold).choice(rest, size=len(rest) // 10, replace=False)
    train = np.setdiff1d(rest, val)
    at = np.arange(n)
    return (
        torch.from_numpy(np.isin(at, train)),
        torch.from_numpy(np.isin(at, val)),
        torch.from_numpy(np.isin(at, test)),
    )


def _summary(name: str, scores: list[float]) -> str:
    return f"{name} {statistics.mean(scores):.3f} (min {min(scores):.3f})"


@app.command()
def amlsim(
    samples: Annotated[list[str] | None, typer.Option("--sample")] = None,
    only_folds: Annotated[list[int] | None, typer.Option("--fold", help="Run only these folds.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="The GNN without motif features.")] = False,
    gnn: Annotated[bool, typer.Option("--gnn/--no-gnn", help="--no-gnn: gradient boosting only.")] = True,
    labels: Annotated[
        bool, typer.Option("--labels", help="Known training labels as inputs (label trick), and ensemble.")
    ] = False,
    visible_share: Annotated[float, typer.Option(help="--labels: training labels shown per epoch.")] = 0.5,
    inference_draws: Annotated[
        int, typer.Option(help="--labels: score as the mean over this many draws of visible labels (0: all).")
    ] = 0,
    stack: Annotated[
        bool,
        typer.Option(
            help="--labels: the GNN reads an out-of-fold gradient-boosted score (own and neighbours')."
        ),
    ] = False,
    residual: Annotated[
        bool,
        typer.Option(help="--stack: the GNN corrects the boosted score's logit instead of replacing it."),
    ] = False,
    gnn_seeds: Annotated[
        int,
        typer.Option(help="--labels: the GNN's score is the mean of this many runs (seeds fold + 1000 k)."),
    ] = 1,
    combine: Annotated[
        Combination,
        typer.Option(help="--labels: the judged combination of the GNN and the GBM with known labels."),
    ] = Combination.VALIDATED,
    scores_dir: Annotated[
        Path | None, typer.Option("--scores", help="--labels: save each fold's scores here (.npz).")
    ] = None,
    epochs: Annotated[int, typer.Option()] = 150,
    layers: Annotated[int, typer.Option()] = 3,
    hidden: Annotated[int, typer.Option()] = 64,
    patience: Annotated[int, typer.Option()] = 25,
    folds: Annotated[int, typer.Option()] = 5,
    split_seed: Annotated[int, typer.Option(help="Seed of the stratified split into folds.")] = 0,
    threads: Annotated[int, typer.Option()] = 2,
) -> None:
    """PR-AUC of the Multi-GIN and of gradient-boosted models (plain and extended features), per sample."""
    from bigfinder.settings import Settings

    root = Settings().shared_data_dir / "amlsim"
    console.print(f"load average {os.getloadavg()[0]:.1f} at start")
    for sample in samples or ["20K_cycle200", "20K_fanin200"]:
        projection, is_fraud = _read_sample(root / sample)
        started = time.perf_counter()
        reference = node_features(projection)
        extended = node_features(projection, motifs=MotifWindows.in_unit(1.0))
        features = reference if plain else extended
        graph = _transfer_graph(projection, features)
        labels_tensor = torch.tensor(is_fraud, dtype=torch.float32)[:, None]
        counterparties = CounterpartyGraph.build(
            projection.src, projection.dst, projection.weight, len(is_fraud)
        )
        console.print(
            f"{sample}: {projection.num_nodes:,} accounts ({int(is_fraud.sum())} fraud), "
            f"{projection.num_relationships:,} transfers, {len(reference.names)} plain features, "
            f"{len(extended.names)} with motifs ({time.perf_counter() - started:.0f} s)"
            + (f"; the GNN reads {'plain' if plain else 'extended'}" if gnn else "")
        )
        gnn_scores, plain_gbm, extended_gbm, labelled_gbm = [], [], [], []
        ensembles: dict[Combination, list[float]] = {way: [] for way in Combination}
        splitter = StratifiedKFold(folds, shuffle=True, random_state=split_seed)
        for fold, (rest, test) in enumerate(splitter.split(np.zeros(len(is_fraud)), is_fraud)):
            if only_folds and fold not in only_folds:
                continue
            config = GnnConfig(
                hidden=hidden,
                layers=layers,
                epochs=epochs,
                learning_rate=0.005,
                dropout=0.1,
                patience=patience,
                threads=threads,
                seed=fold,
            )
            plain_gbm.append(_gbm_pr_auc(reference.values, is_fraud, rest, test, fold))
            extended_gbm.append(_gbm_pr_auc(extended.values, is_fraud, rest, test, fold))
            line = f"gradient boosting plain {plain_gbm[-1]:.3f}, extended {extended_gbm[-1]:.3f}"
            if labels:
                # Out of fold or not, the first model's scores are the same outside ``rest``, the only
                # place the model with known labels reads them.
                first = (_cross_fitted if stack else _gbm_scores)(extended.values, is_fraud, rest, fold)
                # With the GNN, out of fold on the training accounts (the validated share reads them
                # there); elsewhere the model fitted on every training account either way.
                known_gbm = (_cross_fitted if gnn else _gbm_scores)(
                    _with_known_labels(extended.values, is_fraud, rest, first, counterparties),
                    is_fraud,
                    rest,
                    fold,
                )
                labelled_gbm.append(float(average_precision_score(is_fraud[test], known_gbm[test])))
                line += f", with known labels {labelled_gbm[-1]:.3f}"
            if gnn and labels:
                masks = _fold_masks(len(is_fraud), rest, test, fold)
                prior = first if stack else None
                runs = [
                    train_multigin_with_labels(
                        graph,
                        is_fraud,
                        (masks[0].numpy(), masks[1].numpy(), masks[2].numpy()),
                        replace(config, seed=fold + 1000 * run),
                        LabelTrickOptions(
                            visible_share=visible_share, inference_draws=inference_draws, residual=residual
                        ),
                        counterparties,
                        prior,
                    )
                    for run in range(gnn_seeds)
                ]
                trained = runs[0][0]
                probabilities = np.mean([run[1] for run in runs], axis=0)
                trained.metrics["pr_auc_0"] = float(
                    average_precision_score(is_fraud[test], probabilities[test])
                )
                trained.metrics["seconds"] = sum(run[0].metrics["seconds"] for run in runs)
                gnn_scores.append(trained.metrics["pr_auc_0"])
                val = np.flatnonzero(masks[1].numpy())
                share = _validated_share(probabilities, known_gbm, is_fraud, val)
                for way, gnn_share in ((Combination.MEAN, 0.5), (Combination.VALIDATED, share)):
                    mixed = gnn_share * probabilities + (1 - gnn_share) * known_gbm
                    ensembles[way].append(float(average_precision_score(is_fraud[test], mixed[test])))
                line += (
                    f"; mean of the two {ensembles[Combination.MEAN][-1]:.3f}, "
                    f"GNN share {share:.1f} {ensembles[Combination.VALIDATED][-1]:.3f}"
                )
                if scores_dir is not None:
                    scores_dir.mkdir(parents=True, exist_ok=True)
                    np.savez(
                        scores_dir / f"{sample}-fold{fold}.npz",
                        test=test,
                        val=val,
                        gnn=probabilities,
                        gbm=known_gbm,
                        is_fraud=is_fraud,
                    )
            elif gnn:
                masks = _fold_masks(len(is_fraud), rest, test, fold)
                trained = train_multigin(graph, labels_tensor, masks, config, MultiGinOptions(ego=False))
                gnn_scores.append(trained.metrics["pr_auc_0"])
            if gnn:
                line = (
                    f"Multi-GIN PR-AUC {gnn_scores[-1]:.3f} ({trained.metrics['epochs']:.0f} epochs, "
                    f"{trained.metrics['seconds']:.0f} s); {line}"
                )
            console.print(f"  fold {fold}: {line}; load {os.getloadavg()[0]:.1f}")
        line = f"{_summary('gradient boosting plain', plain_gbm)}, {_summary('extended', extended_gbm)}"
        if labelled_gbm:
            line += f", {_summary('with known labels', labelled_gbm)}"
        if gnn_scores:
            # With --labels the bar is judged on the combination of the two models that --combine names.
            ensemble = ensembles[combine]
            judged = ensemble or gnn_scores
            verdict = "met" if statistics.mean(judged) >= BAR else "NOT met"
            line = f"{_summary('Multi-GIN PR-AUC', gnn_scores)}; {line}"
            if ensemble:
                line += f"; {_summary('mean of GNN and GBM with labels', ensembles[Combination.MEAN])}"
                line += f"; {_summary('validated share', ensembles[Combination.VALIDATED])}"
                line += f"; judged: {combine.value}"
            line += f"; bar >= {BAR}: {verdict}"
        console.print(f"{sample} ({len(plain_gbm)} folds): {line}")


def _time_device(graph: TransferGraph, device: torch.device, hidden: int, layers: int) -> tuple[float, float]:
    graph = graph.to(device)
    model = MultiGIN(1, 1, 1, hidden=hidden, layers=layers, options=MultiGinOptions(ego=False)).to(device)
    optimiser = torch.optim.Adam(model.parameters())
    target = torch.zeros(graph.num_nodes, 1, device=device)
    epoch_times, infer_times = [], []
    for _ in range(3):
        started = time.perf_counter()
        optimiser.zero_grad()
        out = model(graph.x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(out, target)
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        epoch_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        with torch.no_grad():
            model.eval()
            model(graph.x, graph.edge_index, graph.edge_attr, graph.in_port, graph.out_port)
            model.train()
        if device.type == "cuda":
            torch.cuda.synchronize()
        infer_times.append(time.perf_counter() - started)
    return statistics.median(epoch_times), graph.num_nodes / statistics.median(infer_times)


@app.command()
def speed(
    nodes: Annotated[int, typer.Option()] = 1_000_000,
    hidden: Annotated[int, typer.Option()] = 32,
    layers: Annotated[int, typer.Option()] = 2,
    threads: Annotated[int, typer.Option()] = 2,
) -> None:
    """Epoch time and inference nodes/s of the Multi-GIN on a >= 1 M-node multigraph (median of 3)."""
    sys.path.insert(0, str(_BENCH_DIR))
    from gnn_patterns import circulant_multigraph

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    src, dst, when = circulant_multigraph(nodes, 6.0, 11.1, np.random.default_rng(0))
    started = time.perf_counter()
    graph = TransferGraph.build(torch.ones(nodes, 1), src, dst, when[:, None], when)
    console.print(
        f"{nodes:,} nodes, {len(src):,} edges; ports numbered in {time.perf_counter() - started:.1f} s"
    )
    cpu_epoch, cpu_rate = _time_device(graph, torch.device("cpu"), hidden, layers)
    console.print(f"CPU ({threads} threads): {cpu_epoch:.2f} s per epoch, inference {cpu_rate:,.0f} nodes/s")
    if torch.cuda.is_available():
        gpu_epoch, gpu_rate = _time_device(graph, torch.device("cuda"), hidden, layers)
        console.print(
            f"CUDA ({torch.cuda.get_device_name()}): {gpu_epoch:.3f} s per epoch, inference "
            f"{gpu_rate:,.0f} nodes/s; epoch {cpu_epoch / gpu_epoch:.0f}x faster than the CPU"
        )


@app.command()
def proximity(
    nodes: Annotated[int, typer.Option()] = 400_000,
    seeds: Annotated[int, typer.Option(help="Known offenders: one walk each.")] = 64,
    repeats: Annotated[int, typer.Option()] = 3,
) -> None:
    """Seconds of the label trick's PageRank (:func:`gnn.hetero.watchlist_proximity`, one walk per seed)
    against the accomplice score's single walk from every seed (:func:`analytics.centrality.
    personalized_pagerank`), on a random circulant multigraph (degree 6); medians of ``repeats``."""
    sys.path.insert(0, str(_BENCH_DIR))
    from gnn_patterns import circulant_multigraph

    src, dst, _ = circulant_multigraph(nodes, 6.0, 11.1, np.random.default_rng(0))
    ones = np.ones(len(src))
    projection = _accounts(np.arange(nodes), src, dst, ones, ones)
    chosen = np.random.default_rng(1).choice(nodes, size=seeds, replace=False)
    ours, peer = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        watchlist_proximity(projection, chosen)
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        personalized_pagerank(projection, chosen, directed=False, backend="cpu")
        peer.append(time.perf_counter() - started)
    mine, theirs = statistics.median(ours), statistics.median(peer)
    console.print(
        f"{nodes:,} nodes, {len(src):,} relationships, {seeds} seeds: watchlist_proximity {mine:.1f} s "
        f"({mine / seeds:.2f} s a seed), one PageRank from every seed {theirs:.2f} s; "
        f"ratio {mine / theirs:.1f}"
    )


@app.command()
def world(
    folder: Annotated[Path, typer.Argument(help="The generated world loaded in the graph.")],
    known_ppr: Annotated[
        bool, typer.Option(help="Also rank by PPR from every known offender (reads the graph).")
    ] = True,
) -> None:
    """PR-AUC of gnn_score and of accomplice_score against the world's planted rings, over the persons and
    companies no one knows yet (neither listed nor confirmed by an inspection)."""
    from neo4j import RoutingControl

    import cypher
    from bigfinder.settings import Settings
    from gnn.service import known_offenders
    from graph.projector import ProjectionSpec, read_projection
    from graph.store import open_driver

    members = set()
    with (folder / "ground_truth.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["entity_kind"] in ("person", "company"):
                members.add(row["entity_id"])
    settings = Settings()
    driver = open_driver(settings)
    try:
        projection = read_projection(driver, settings, ProjectionSpec(weight_property="amount"))
        graph_projection, known = known_offenders(driver, settings, projection)
        records = driver.execute_query(
            cypher.load("bench", "party_scores"),
            database_=settings.neo4j_database,
            routing_=RoutingControl.READ,
        ).records
    finally:
        driver.close()
    at = np.array(
        [projection.index("Person" if "Person" in r["labels"] else "Company", r["key"]) for r in records]
    )
    pool = ~known[at]
    truth = np.array([r["key"] in members for r in records])[pool]
    rankings = {
        name: np.array([r[name] if r[name] is not None else 0.0 for r in records], dtype=float)[pool]
        for name in ("gnn", "ppr")
    }
    if known_ppr:
        # Off the seeds, PageRank from every seed is the label trick's proximity (one walk, not one a seed).
        rankings["ppr from every known offender"] = personalized_pagerank(
            graph_projection, np.flatnonzero(known), directed=False
        ).values[at][pool]
    console.print(
        f"{int(known.sum())} known offenders (listed or confirmed); "
        f"{int(pool.sum()):,} parties not known ({int(truth.sum())} ring members); chance {truth.mean():.3f}"
    )
    for name, scores in rankings.items():
        console.print(f"{name}: PR-AUC {average_precision_score(truth, scores):.3f}")


if __name__ == "__main__":
    app()
