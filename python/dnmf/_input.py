"""Conversion of user inputs (NumPy, SciPy sparse, NetworkX, igraph) to what _dnmf takes.

Data matrices go to the compiled core either as a 2-D float32/float64 ndarray (any
memory order; the core copies it once into its column-major matrix) or as the tuple
("csr", n_rows, n_cols, indptr, indices, data) of a canonical CSR matrix (the core copies
the three arrays once into its own CSR). Sparse input is never densified.
"""

import numpy as np

_FLOATS = (np.float32, np.float64)


def _scipy_sparse():
    try:
        import scipy.sparse as sp
    except ImportError:  # pragma: no cover - SciPy is a dependency of the tests only
        return None
    return sp


def is_sparse(X):
    sp = _scipy_sparse()
    return sp is not None and sp.issparse(X)


def _canonical_csr(X):
    """X as CSR with sorted indices, no duplicates and a float dtype (copies only when needed)."""
    if X.format != "csr":
        X = X.tocsr()  # CSC, COO, ...: SciPy builds a CSR copy (the data stay sparse)
    if X.dtype.type not in _FLOATS:
        if np.iscomplexobj(X.data):
            raise ValueError("Complex data not supported")
        X = X.astype(np.float64)
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()  # also sorts the column indices of each row
    return X


def sparse_parts(X):
    """The tuple _dnmf reads a CSR matrix from (the arrays are passed, not copied)."""
    X = _canonical_csr(X)
    return ("csr", int(X.shape[0]), int(X.shape[1]), X.indptr, X.indices, X.data)


def as_data(X, what="X"):
    """(argument for _dnmf, n_samples, n_features) of a data matrix."""
    if is_sparse(X):
        if X.ndim != 2:
            raise ValueError(f"Expected a 2D matrix, got {X.ndim}D {what} instead")
        parts = sparse_parts(X)
        n, d = parts[1], parts[2]
    else:
        if hasattr(X, "__array__") or isinstance(X, (list, tuple)):
            array = np.asarray(X)
        else:
            raise TypeError(f"{what} must be a NumPy array or a scipy.sparse matrix, got {type(X).__name__}")
        if np.iscomplexobj(array):
            raise ValueError("Complex data not supported")
        if array.dtype.type not in _FLOATS:
            array = array.astype(np.float64)  # ints, bools, objects holding numbers
        if array.ndim != 2:
            raise ValueError(
                f"Expected 2D array, got {array.ndim}D array instead. Reshape your data: "
                f"{what}.reshape(-1, 1) for a single feature, {what}.reshape(1, -1) for a single sample"
            )
        if any(stride < 0 for stride in array.strides):
            array = np.ascontiguousarray(array)  # reversed views: the core maps positive strides only
        parts = array
        n, d = array.shape
    if n == 0:
        raise ValueError(f"Found array with 0 sample(s) (shape=({n}, {d})) while a minimum of 1 is required.")
    if d == 0:
        raise ValueError(f"Found array with 0 feature(s) (shape=({n}, {d})) while a minimum of 1 is required.")
    return parts, int(n), int(d)


# ---------------------------------------------------------------- graphs


def _module_of(obj):
    return type(obj).__module__.split(".")[0]


def _networkx_adjacency(G):
    import networkx as nx

    nodes = list(G.nodes())
    if hasattr(nx, "to_scipy_sparse_array"):
        A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", format="csr")
    else:  # networkx < 2.7
        A = nx.to_scipy_sparse_matrix(G, nodelist=nodes, weight="weight", format="csr")
    return A, bool(G.is_directed()), nodes


def _igraph_adjacency(G):
    sp = _scipy_sparse()
    n = G.vcount()
    edges = np.asarray(G.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if "weight" in G.es.attributes():
        weights = np.asarray(G.es["weight"], dtype=np.float64)
    else:
        weights = np.ones(len(edges))
    rows, cols = edges[:, 0], edges[:, 1]
    directed = bool(G.is_directed())
    if not directed:
        off = rows != cols  # an undirected self-loop is stored once
        rows, cols, weights = (
            np.concatenate([rows, cols[off]]),
            np.concatenate([cols, rows[off]]),
            np.concatenate([weights, weights[off]]),
        )
    A = sp.csr_matrix((weights, (rows, cols)), shape=(n, n))  # repeated edges are summed
    return A, directed, list(range(n))


def as_graph(G, directed=None):
    """(argument for _dnmf, n_nodes, directed, node list or None) of a graph.

    G is a square scipy.sparse matrix or ndarray (A[i, j] != 0: edge i -> j), a
    networkx.Graph/DiGraph (nodes in G.nodes() order, edge attribute "weight") or an
    igraph.Graph (vertex ids, edge attribute "weight"). `directed=None` takes the
    direction from the graph object, or for matrices from their symmetry.
    """
    nodes = None
    module = _module_of(G)
    if module == "networkx":
        A, graph_directed, nodes = _networkx_adjacency(G)
    elif module == "igraph":
        A, graph_directed, nodes = _igraph_adjacency(G)
    else:
        sp = _scipy_sparse()
        if sp is None:
            raise ImportError("graph input needs SciPy")
        if is_sparse(G):
            A = G
        else:
            array = np.asarray(G)
            if array.ndim != 2:
                raise ValueError(f"Expected a 2D adjacency matrix, got {array.ndim}D array instead")
            A = sp.csr_matrix(array.astype(np.float64) if array.dtype.type not in _FLOATS else array)
        graph_directed = None
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"the adjacency matrix must be square, got {A.shape[0]} x {A.shape[1]}")
    parts = sparse_parts(A)
    if directed is None:
        if graph_directed is None:
            directed = bool((abs(A - A.T) > 0).nnz) if A.shape[0] else False
        else:
            directed = graph_directed
    return parts, int(A.shape[0]), bool(directed), nodes


def csr_from_parts(parts):
    """A scipy.sparse.csr_matrix from the (n_rows, n_cols, indptr, indices, data) _dnmf returns."""
    sp = _scipy_sparse()
    rows, cols, indptr, indices, data = parts
    return sp.csr_matrix((data, indices, indptr), shape=(rows, cols))
