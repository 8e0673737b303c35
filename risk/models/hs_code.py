"""HS-code prediction from item descriptions: does the description read like the declared code?

A TF-IDF of words and word pairs feeds a linear classifier (logistic loss) trained on the declarations'
own descriptions and codes; most declarants classify right, so the crowd teaches the model. Held-out
accuracy is reported at fit. Features (Declaration): ``hs_mismatch`` (1 minus the probability the model
gives the declared code) and ``chapter_mismatch`` (1 when the predicted HS chapter differs).

Example
-------
>>> import numpy as np
>>> texts = ["smartphone 128 GB new", "mobile phone new in box", "cotton t-shirt men", "t-shirt cotton"] * 6
>>> codes = ["851712", "851712", "610910", "610910"] * 6
>>> decl = {"declaration_id": np.array([f"D{i}" for i in range(24)], dtype=object),
...         "item_description": np.array(texts, dtype=object), "hs_code": np.array(codes, dtype=object)}
>>> model = HsCodeModel(seed=0)
>>> _ = model.fit(RiskTables(decl, {}, {}, {}))
>>> decl["hs_code"][0] = "610910"  # a phone declared as a T-shirt
>>> block = model.score(RiskTables(decl, {}, {}, {}))[0]
>>> bool(block.values["chapter_mismatch"][0]), bool(block.values["chapter_mismatch"][1])
(True, False)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline, make_pipeline

from risk.contract import NodeFeatures, RiskTables

__all__ = ["HsCodeModel"]

#: Words of two letters or more: model numbers and sizes vary within a good and say nothing of its code.
_WORDS = r"[a-z]{2,}"


class HsCodeModel:
    """TF-IDF + linear classifier from description to HS code; see the module docstring."""

    name = "hs_code"
    version = "1.0"
    labels: tuple[str, ...] = ("Declaration",)

    def __init__(self, seed: int = 0, max_training_rows: int = 60_000) -> None:
        self.seed = seed
        self.max_training_rows = max_training_rows
        self._pipeline: Pipeline | None = None

    def _new_pipeline(self) -> Pipeline:
        return make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=_WORDS),
            SGDClassifier(loss="log_loss", alpha=2e-5, max_iter=8, tol=None, random_state=self.seed),
        )

    @staticmethod
    def _described(decl: dict[str, npt.NDArray[Any]]) -> npt.NDArray[np.bool_]:
        return np.asarray((decl["item_description"] != "") & (decl["hs_code"] != ""), dtype=bool)

    def fit(self, tables: RiskTables) -> dict[str, float]:
        decl = tables.declarations
        rows = np.flatnonzero(self._described(decl))
        rng = np.random.default_rng(self.seed)
        rows = rng.permutation(rows)[: self.max_training_rows]
        held_out = rows[: len(rows) // 5]
        train = rows[len(rows) // 5 :]
        texts, codes = decl["item_description"], decl["hs_code"]
        if len(np.unique(codes[train])) < 2:
            raise ValueError("HS-code prediction needs declarations of at least two HS codes")
        check = self._new_pipeline().fit(texts[train].tolist(), codes[train])
        accuracy = float(np.mean(check.predict(texts[held_out].tolist()) == codes[held_out]))
        self._pipeline = self._new_pipeline().fit(texts[rows].tolist(), codes[rows])
        return {"held_out_accuracy": accuracy, "codes": float(len(np.unique(codes[rows])))}

    def score(self, tables: RiskTables) -> list[NodeFeatures]:
        if self._pipeline is None:
            raise RuntimeError("fit the HS-code model before scoring")
        decl = tables.declarations
        rows = np.flatnonzero(self._described(decl))
        texts, declared = decl["item_description"][rows].tolist(), decl["hs_code"][rows]
        proba = self._pipeline.predict_proba(texts) if len(rows) else np.zeros((0, 1))
        classes = self._pipeline.classes_
        column = {code: at for at, code in enumerate(classes.tolist())}
        p_declared = np.array(
            [proba[i, column[c]] if c in column else 0.0 for i, c in enumerate(declared.tolist())]
        )
        predicted = classes[proba.argmax(axis=1)] if len(rows) else np.zeros(0, dtype=object)
        chapter_differs = np.array(
            [p[:2] != d[:2] for p, d in zip(predicted.tolist(), declared.tolist(), strict=True)], dtype=bool
        )
        best = proba.max(axis=1) if len(rows) else np.zeros(0)
        explanations = [
            {
                "hs_mismatch": f"the description gives the declared HS {d} a probability of {p:.2f}",
                "chapter_mismatch": (
                    f"the description reads like HS {c} (p={b:.2f}), chapter {c[:2]}, not {d[:2]}"
                    if x
                    else f"the description fits HS chapter {d[:2]}"
                ),
            }
            for d, p, c, b, x in zip(
                declared.tolist(),
                p_declared.tolist(),
                predicted.tolist(),
                best.tolist(),
                chapter_differs.tolist(),
                strict=True,
            )
        ]
        return [
            NodeFeatures.build(
                "Declaration",
                decl["declaration_id"][rows].tolist(),
                {"hs_mismatch": 1.0 - p_declared, "chapter_mismatch": chapter_differs.astype(np.float64)},
                explanations,
            )
        ]
