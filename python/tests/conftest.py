"""Shared fixtures of the Python tests. Run by `meson test --suite python`, which sets
PYTHONPATH to the package sources and the built extension, DNMF_CLI to the built `dnmf`
tool and DNMF_DATASETS to the bundled datasets."""

import os
import pathlib
import subprocess

import numpy as np
import pytest

import dnmf

SOURCE_ROOT = pathlib.Path(os.environ.get("DNMF_SOURCE_ROOT", pathlib.Path(__file__).resolve().parents[2]))
DATASETS = pathlib.Path(os.environ.get("DNMF_DATASETS", SOURCE_ROOT / "datasets"))


@pytest.fixture(scope="session")
def datasets():
    return DATASETS


@pytest.fixture(scope="session")
def iris():
    """(dense X, truth labels) of the bundled Iris data."""
    X = dnmf.read_matrix_market(DATASETS / "iris" / "X.mtx").toarray()
    y = np.loadtxt(DATASETS / "iris" / "labels.txt", dtype=np.int64)
    return X, y


@pytest.fixture(scope="session")
def karate():
    """(adjacency as csr_matrix, truth labels) of the bundled karate club graph."""
    A = dnmf.read_edge_list(DATASETS / "karate" / "edges.txt")
    y = np.loadtxt(DATASETS / "karate" / "labels.txt", dtype=np.int64)
    return A, y


@pytest.fixture(scope="session")
def cli():
    """Runs the built `dnmf` tool: cli(args) -> CompletedProcess (text, not checked)."""
    path = os.environ.get("DNMF_CLI")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("DNMF_CLI does not name the built dnmf tool (run through meson test)")

    def run(*args):
        return subprocess.run([path, *map(str, args)], capture_output=True, text=True, timeout=300)

    return run
