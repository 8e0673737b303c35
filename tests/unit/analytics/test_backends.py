"""Choosing an engine: names, fallbacks and the error when cuGraph cannot run."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

import analytics.backends as backends
from analytics.backends import Backend, BackendUnavailable, get_backend, resolve_backend
from analytics.backends.cpu import CpuBackend
from analytics.components import weakly_connected_components
from tests.unit.analytics.graphs import random_projection


@pytest.fixture
def no_gpu(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(backends, "_gpu_ready", lambda: False)
    get_backend.cache_clear()
    yield
    get_backend.cache_clear()


def test_auto_falls_back_to_the_cpu_without_a_gpu(no_gpu: None) -> None:
    assert get_backend("auto").name == "cpu"
    assert resolve_backend(None).name == "cpu"


def test_cugraph_without_a_gpu_says_what_is_missing(no_gpu: None) -> None:
    with pytest.raises(BackendUnavailable, match="cugraph package"):
        get_backend("cugraph")


def test_unknown_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="'auto', 'cpu' or 'cugraph'"):
        resolve_backend("networkx")


def test_an_engine_object_is_used_as_given() -> None:
    engine = CpuBackend()
    assert resolve_backend(engine) is engine
    assert isinstance(engine, Backend)
    p = random_projection(1)
    assert weakly_connected_components(p, backend=engine).count >= 1


@pytest.mark.skipif(importlib.util.find_spec("cugraph") is not None, reason="cugraph is installed here")
def test_the_gpu_engine_module_imports_without_cugraph() -> None:
    from analytics.backends.cugraph import CuGraphBackend

    assert issubclass(CuGraphBackend, CpuBackend)
    with pytest.raises(ModuleNotFoundError):
        CuGraphBackend()
