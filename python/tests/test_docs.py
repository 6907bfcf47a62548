"""docs/python.md documents every estimator, keyword and function of the package."""

import inspect

import dnmf
from dnmf import _docs
from conftest import SOURCE_ROOT

DOC = SOURCE_ROOT / "docs" / "python.md"


def test_estimator_reference_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert _docs.replace_block(text) == text, (
        "docs/python.md's estimator reference differs from the registry: regenerate with "
        "PYTHONPATH=python:build-py/python python3 -m dnmf._docs --update docs/python.md"
    )


def test_every_estimator_keyword_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for spec in dnmf.MODELS:
        cls = dnmf.estimator(spec["name"])
        start = text.index(f"### `dnmf.{cls.__name__}` (`{spec['name']}`)")
        end = text.find("\n### ", start + 1)
        section = text[start:end]
        for name in inspect.signature(cls).parameters:
            if name in ("n_clusters", "random_state", "verbose", "n_jobs", "callback", "directed"):
                assert f"`{name}`" in text
            else:
                assert f"| `{name}` |" in section, (cls.__name__, name)


def test_every_function_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name in ("knn_graph", "read_matrix_market", "read_data", "read_edge_list", "models", "estimator",
                 "set_memory_budget"):
        assert f"dnmf.{name}(" in text, name
    for name in ("nmi", "acc", "ari", "purity", "evaluate", "modularity", "conductance", "cluster_conductance"):
        assert f"`{name}(" in text, name
    for name in ("convergence", "basis_images", "embedding"):
        assert f"`{name}(" in text, name
