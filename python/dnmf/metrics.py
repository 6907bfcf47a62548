"""Clustering quality: against ground truth (nmi, acc, ari, purity) and on a graph
(modularity, conductance). The same implementations as `dnmf eval` and the CLI reports."""

import numpy as np

from . import _dnmf, _input


def _labels(labels, what):
    array = np.asarray(labels)
    if array.ndim != 1:
        raise ValueError(f"{what} must be a 1-D array of integer labels")
    if array.dtype.kind not in "iub":
        as_int = array.astype(np.int64)
        if not np.array_equal(as_int, array):
            raise ValueError(f"{what} must hold integer labels")
        array = as_int
    return array.astype(np.int64, copy=False)


def _pair(labels_true, labels_pred):
    return _labels(labels_true, "labels_true"), _labels(labels_pred, "labels_pred")


def nmi(labels_true, labels_pred):
    """Normalised mutual information (arithmetic normalisation, natural logs), in [0, 1]."""
    return _dnmf.nmi(*_pair(labels_true, labels_pred))


def acc(labels_true, labels_pred):
    """Clustering accuracy under the best one-to-one map of clusters to classes (Hungarian)."""
    return _dnmf.acc(*_pair(labels_true, labels_pred))


def ari(labels_true, labels_pred):
    """Adjusted Rand index (Hubert & Arabie)."""
    return _dnmf.ari(*_pair(labels_true, labels_pred))


def purity(labels_true, labels_pred):
    """Purity: each cluster mapped to its majority class (many-to-one)."""
    return _dnmf.purity(*_pair(labels_true, labels_pred))


def evaluate(labels_true, labels_pred):
    """All four as a dict {"acc", "nmi", "ari", "purity"}."""
    return _dnmf.evaluate(*_pair(labels_true, labels_pred))


def _graph(A):
    parts, n, _, _ = _input.as_graph(A, directed=True)
    return parts, n


def _node_labels(labels, n):
    array = _labels(labels, "labels")
    if array.shape[0] != n:
        raise ValueError(f"labels has {array.shape[0]} entries but the graph has {n} nodes")
    if array.size and array.min() < 0:
        raise ValueError("labels must be non-negative integers")
    return array


def modularity(A, labels):
    """Modularity of a node partition (Newman-Girvan; Leicht-Newman for directed graphs).

    A: scipy.sparse/ndarray adjacency, networkx or igraph graph."""
    parts, n = _graph(A)
    return _dnmf.modularity(parts, _node_labels(labels, n))


def conductance(A, labels):
    """Mean conductance of the non-empty clusters in the undirected view A + A^T (lower is better)."""
    parts, n = _graph(A)
    return _dnmf.mean_conductance(parts, _node_labels(labels, n))


def cluster_conductance(A, labels):
    """Conductance of each label 0..max(labels) (empty labels: 0)."""
    parts, n = _graph(A)
    return np.asarray(_dnmf.cluster_conductance(parts, _node_labels(labels, n)))
