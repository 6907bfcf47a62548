"""The package fits through the same registry calls as the CLI: same seed and options
give the same labels (and the same factors, to the printed precision)."""

import json

import numpy as np
import scipy.sparse as sp
import pytest

import dnmf


def _cli_labels(cli, tmp_path, *args):
    out = tmp_path / "labels.txt"
    result = cli(*args, "-o", out, "--quiet", "--json")
    assert result.returncode == 0, result.stderr
    return np.loadtxt(out, dtype=np.int64), json.loads(result.stdout)


@pytest.mark.parametrize(
    "model, cli_options, kwargs",
    [
        ("nmf", ["--seed", "1"], {"random_state": 1}),
        ("nmf", ["--seed", "3", "--init", "nndsvda", "--iter", "200"], {"random_state": 3, "init": "nndsvda", "iter": 200}),
        ("danmf-crfr", ["--seed", "2"], {"random_state": 2}),
        ("danmf", ["--seed", "0", "--layers", "8,3", "--iter", "300"], {"layers": (8, 3), "iter": 300}),
        ("dn2mfgl", ["--seed", "5", "--iter", "50", "--pretrain-iter", "50"], {"random_state": 5, "iter": 50, "pretrain_iter": 50}),
    ],
)
def test_data_models_match_cli(cli, tmp_path, datasets, iris, model, cli_options, kwargs):
    X, _ = iris
    expected, summary = _cli_labels(cli, tmp_path, "cluster", datasets / "iris" / "X.mtx", "-k", 3, "--model", model,
                                    *cli_options)
    est = dnmf.estimator(model)(n_clusters=3, **kwargs).fit(X)
    np.testing.assert_array_equal(est.labels_, expected)
    assert est.n_iter_ == summary["iterations"]
    assert est.status_ == summary["status"]
    # The CLI prints the final objective with 17 significant digits in JSON.
    assert est.objective_[-1] == pytest.approx(summary["objective"], rel=1e-12)


def test_graph_model_matches_cli(cli, tmp_path, datasets, karate):
    A, _ = karate
    expected, summary = _cli_labels(cli, tmp_path, "graph", "cluster", datasets / "karate" / "edges.txt", "-k", 2,
                                    "--seed", 4)
    est = dnmf.SymNMF(n_clusters=2, random_state=4).fit(A)
    np.testing.assert_array_equal(est.labels_, expected)
    assert est.objective_[-1] == pytest.approx(summary["objective"], rel=1e-12)
    assert dnmf.metrics.modularity(A, est.labels_) == pytest.approx(summary["modularity"], rel=1e-12)
    assert dnmf.metrics.conductance(A, est.labels_) == pytest.approx(summary["mean_conductance"], rel=1e-12)


def test_directed_graph_model_matches_cli(cli, tmp_path, datasets, karate):
    # The karate edges read as directed (u < v): a DAG, so the direction matters.
    path = datasets / "karate" / "edges.txt"
    expected, _ = _cli_labels(cli, tmp_path, "graph", "cluster", path, "-k", 2, "--directed", "--model", "dasnmf",
                              "--iter", 100)
    A = dnmf.read_edge_list(path, directed=True)
    est = dnmf.DAsNMF(n_clusters=2, iter=100).fit(A)
    assert est.directed_ is True
    np.testing.assert_array_equal(est.labels_, expected)


def test_knn_graph_matches_cli(cli, tmp_path, datasets, iris):
    X, _ = iris
    out = tmp_path / "graph.mtx"
    result = cli("knn", datasets / "iris" / "X.mtx", "-p", 6, "-o", out, "--quiet")
    assert result.returncode == 0, result.stderr
    expected = dnmf.read_matrix_market(out)
    graph = dnmf.knn_graph(X, 6)
    assert graph.shape == (150, 150)
    assert (graph != expected).nnz == 0  # written with round-trip decimals: exactly equal
    assert graph.diagonal().sum() == 0
    assert (abs(graph - graph.T) > 0).nnz == 0  # symmetrised by max


@pytest.mark.parametrize("storage", ["sparse", "dense"])
def test_read_data_storage_matches_cli(cli, tmp_path, datasets, storage):
    # The CLI's --storage and dnmf.read_data(storage=...) give the core the same matrix.
    path = datasets / "digits" / "X.mtx"
    expected, summary = _cli_labels(cli, tmp_path, "cluster", path, "-k", 10, "--model", "danmf", "--iter", 20,
                                    "--pretrain-iter", 10, "--storage", storage, "--seed", 6)
    X = dnmf.read_data(path, storage=storage)
    assert (storage == "sparse") == sp.issparse(X)
    est = dnmf.DANMF(n_clusters=10, iter=20, pretrain_iter=10, random_state=6).fit(X)
    np.testing.assert_array_equal(est.labels_, expected)
    assert est.extras_["normalize"] == summary["normalize"]
    assert est.objective_[-1] == pytest.approx(summary["objective"], rel=1e-12)
