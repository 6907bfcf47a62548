"""knn_graph, metrics and readers."""

import numpy as np
import pytest
import scipy.sparse as sp

import dnmf


def test_metrics_match_definitions():
    truth = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    perfect = np.array([2, 2, 2, 0, 0, 0, 1, 1])  # a relabelling
    assert dnmf.metrics.acc(truth, perfect) == 1.0
    assert dnmf.metrics.nmi(truth, perfect) == pytest.approx(1.0)
    assert dnmf.metrics.ari(truth, perfect) == pytest.approx(1.0)
    pred = np.array([0, 0, 1, 1, 1, 1, 2, 0])
    # Best one-to-one map 0->0, 1->1, 2->2: 2 + 3 + 1 = 6 of 8 correct.
    assert dnmf.metrics.acc(truth, pred) == pytest.approx(6 / 8)
    metrics = pytest.importorskip("sklearn.metrics")
    assert dnmf.metrics.nmi(truth, pred) == pytest.approx(metrics.normalized_mutual_info_score(truth, pred))
    assert dnmf.metrics.ari(truth, pred) == pytest.approx(metrics.adjusted_rand_score(truth, pred))
    assert dnmf.metrics.evaluate(truth, pred)["acc"] == pytest.approx(6 / 8)
    assert dnmf.metrics.purity(truth, pred) == pytest.approx(6 / 8)
    with pytest.raises(ValueError):
        dnmf.metrics.nmi(truth, pred[:-1])


def test_graph_metrics(karate):
    nx = pytest.importorskip("networkx")
    A, y = karate
    G = nx.from_scipy_sparse_array(A)
    communities = [set(np.flatnonzero(y == c)) for c in (0, 1)]
    assert dnmf.metrics.modularity(A, y) == pytest.approx(nx.community.modularity(G, communities))
    assert dnmf.metrics.modularity(G, y) == pytest.approx(dnmf.metrics.modularity(A, y))
    phi = dnmf.metrics.cluster_conductance(A, y)
    for c in (0, 1):
        assert phi[c] == pytest.approx(nx.conductance(G, communities[c]))
    assert dnmf.metrics.conductance(A, y) == pytest.approx(phi.mean())
    with pytest.raises(ValueError, match="34 nodes"):
        dnmf.metrics.modularity(A, y[:-1])


def test_knn_graph_properties(iris):
    X, _ = iris
    G = dnmf.knn_graph(X, 5, weights="binary", symmetrize="none")
    assert isinstance(G, sp.csr_matrix) and G.shape == (150, 150)
    assert np.all(np.diff(G.indptr) == 5) and np.all(G.data == 1.0)
    # Row i lists the 5 nearest other rows (ties broken by index).
    d = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2)
    np.fill_diagonal(d, np.inf)
    for i in (0, 57, 149):
        order = sorted(range(150), key=lambda j: (d[i, j], j))[:5]
        assert sorted(G[i].indices) == sorted(order)
    Gs = dnmf.knn_graph(sp.csr_matrix(X), 5, weights="binary", symmetrize="none")
    assert (Gs != G).nnz == 0
    assert dnmf.knn_graph(X).shape == (150, 150)  # p = floor(ln 150) + 1
    with pytest.raises(ValueError):
        dnmf.knn_graph(X, 150)


def test_readers(tmp_path, datasets):
    X = dnmf.read_matrix_market(datasets / "iris" / "X.mtx")
    assert sp.issparse(X) and X.shape == (150, 4) and X.nnz == 600
    arr = tmp_path / "a.mtx"
    arr.write_text("%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n")
    np.testing.assert_array_equal(dnmf.read_matrix_market(arr), [[1.0, 3.0], [2.0, 4.0]])
    edges = tmp_path / "e.txt"
    edges.write_text("# comment\n1 2 0.5\n2 3\n3 3\n")
    A = dnmf.read_edge_list(edges, one_based=True)
    assert A.shape == (3, 3) and A.nnz == 4 and A[0, 1] == 0.5 and A[1, 0] == 0.5 and A[2, 2] == 0
    D = dnmf.read_edge_list(edges, directed=True, keep_self_loops=True)
    assert D.shape == (4, 4) and D.nnz == 3 and D[3, 3] == 1.0 and D[2, 1] == 0


def test_named_edge_lists(tmp_path):
    path = tmp_path / "named.csv"
    path.write_text("source,target,weight\nalice,bob,2\nbob,carol,1\ncarol,alice,0.5\n")
    A, names = dnmf.read_edge_list(path, return_names=True)
    assert names == ["alice", "bob", "carol"]
    assert A.shape == (3, 3) and A[0, 1] == 2.0 and A[1, 0] == 2.0 and A[2, 0] == 0.5
    with pytest.raises(ValueError, match="names its nodes"):
        dnmf.read_edge_list(path)
    numeric = tmp_path / "numeric.txt"
    numeric.write_text("0 1\n1 2\n")
    B, none = dnmf.read_edge_list(numeric, return_names=True)
    assert none is None and B.nnz == 4
    forced, labels = dnmf.read_edge_list(numeric, named=True, return_names=True)
    assert labels == ["0", "1", "2"] and (forced != B).nnz == 0


def test_read_data_formats(tmp_path, datasets, iris):
    X, _ = iris
    np.save(tmp_path / "x.npy", X)
    np.testing.assert_array_equal(dnmf.read_data(tmp_path / "x.npy"), X)
    csv = tmp_path / "x.csv"
    np.savetxt(csv, X, delimiter=",", fmt="%r")
    np.testing.assert_array_equal(dnmf.read_data(csv), X)
    # Iris's coordinate file stores every entry: "auto" densifies it as the CLI does.
    dense = dnmf.read_data(datasets / "iris" / "X.mtx")
    assert isinstance(dense, np.ndarray)
    np.testing.assert_array_equal(dense, X)
    sparse = dnmf.read_data(datasets / "iris" / "X.mtx", storage="sparse")
    assert sp.issparse(sparse) and (sparse != sp.csr_matrix(X)).nnz == 0
    svm = tmp_path / "x.svm"
    svm.write_text("".join("0 " + " ".join(f"{j + 1}:{v!r}" for j, v in enumerate(row)) + "\n" for row in X[:5]))
    np.testing.assert_array_equal(dnmf.read_data(svm, storage="dense"), X[:5])
