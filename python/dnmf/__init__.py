"""dnmf: (deep) nonnegative matrix factorisation for clustering data and graphs.

Estimators follow scikit-learn's conventions and are generated from the C++ library's
model registry: NMF, DANMF, DANMFCRFR, Dn2MFGL (data) and SymNMF, AsymNMF, DeepSymNMF,
DAsNMF (graphs). docs/python.md documents every class and function.

    >>> import dnmf
    >>> X = dnmf.read_matrix_market("datasets/iris/X.mtx").toarray()
    >>> labels = dnmf.DANMFCRFR(n_clusters=3).fit_predict(X)
"""

import pkgutil as _pkgutil

# From the build tree the compiled core sits in <build>/python/dnmf while these sources
# are in <source>/python/dnmf; with both parents on PYTHONPATH, extend_path joins them.
__path__ = _pkgutil.extend_path(__path__, __name__)

from . import _dnmf  # noqa: E402
from . import _input  # noqa: E402
from . import metrics  # noqa: E402
from ._estimators import HAVE_SKLEARN, NotFittedError, make_estimator, python_name  # noqa: E402

__version__ = "0.1.0"

#: The registry entries (name, title, paper, input kind, encoder, option table).
MODELS = tuple(_dnmf.models())

__all__ = [
    "knn_graph",
    "read_matrix_market",
    "read_edge_list",
    "read_data",
    "set_memory_budget",
    "metrics",
    "models",
    "estimator",
    "NotFittedError",
    "python_name",
    "HAVE_SKLEARN",
]

_by_model = {}
for _spec in MODELS:
    _cls = make_estimator(_spec)
    globals()[_cls.__name__] = _cls
    _by_model[_spec["name"]] = _cls
    __all__.append(_cls.__name__)
del _spec, _cls


def models():
    """Names of the registered models, in the registry's order."""
    return [spec["name"] for spec in MODELS]


def estimator(model):
    """The estimator class of a registry name ("danmf-crfr" -> DANMFCRFR)."""
    try:
        return _by_model[model]
    except KeyError:
        raise ValueError(f"unknown model {model!r} (available: {', '.join(_by_model)})") from None


def knn_graph(X, p=None, *, weights="heat", sigma=None, self_tuning_neighbor=7, symmetrize="max",
              method="auto", n_jobs=None):
    """The sparse p-nearest-neighbour affinity graph of the rows of X (as `dnmf knn`).

    X: ndarray or scipy.sparse (n_samples x n_features). p: neighbours per sample
    (None: floor(ln n) + 1). weights: "heat" | "binary" | "self-tuning". sigma: heat-kernel
    width (None: sigma^2 = mean squared kNN distance). symmetrize: "max" | "mean" |
    "mutual" | "none". method: "auto" | "kd-tree" | "brute-force".
    Returns an n x n scipy.sparse.csr_matrix without self-loops.
    """
    from ._estimators import _threads

    parts, _, _ = _input.as_data(X)
    graph = _dnmf.knn_graph(parts, 0 if p is None else int(p), weights, 0.0 if sigma is None else float(sigma),
                            int(self_tuning_neighbor), symmetrize, method, _threads(n_jobs))
    return _input.csr_from_parts(graph)


def read_matrix_market(path):
    """Reads a Matrix Market file (optionally .gz) with the library's strict reader.

    Coordinate files give a scipy.sparse.csr_matrix (symmetric files expanded, pattern
    entries 1.0), array files a dense ndarray. Errors raise ValueError naming file and line.
    """
    out = _dnmf.read_matrix_market(str(path))
    return _input.csr_from_parts(out) if isinstance(out, tuple) else out


def read_edge_list(path, *, directed=False, one_based=False, num_nodes=None, keep_self_loops=False,
                   named=None, header=None, return_names=False):
    """Reads an edge list ("src dst [weight]" per line; commas also separate fields) as the
    n x n adjacency (csr_matrix), as `dnmf graph cluster` reads EDGES.

    Undirected lists store every edge in both directions; self-loops are dropped unless
    keep_self_loops. Nodes may be named ("alice bob 2.0"): named=None detects names from
    the first edge, True treats every id as a name, False requires integers; names are
    numbered in order of first appearance. header=None detects a header line (True/False
    force it). return_names=True returns (adjacency, names), names None for integer ids;
    a file with named nodes needs it (ValueError otherwise: the numbering would be lost).
    """
    flag = {None: -1, True: 1, False: 0}
    parts, names = _dnmf.read_edge_list(str(path), bool(directed), bool(one_based),
                                        -1 if num_nodes is None else int(num_nodes), bool(keep_self_loops),
                                        flag[named], flag[header])
    A = _input.csr_from_parts(parts)
    if return_names:
        return A, (list(names) if names else None)
    if names:
        raise ValueError(f"{path} names its nodes: call read_edge_list(..., return_names=True) to get the "
                         "names with the adjacency")
    return A


def read_data(path, *, storage="auto", format="auto"):
    """Reads a data file as `dnmf cluster DATA` does: Matrix Market, CSV/TSV (delimiter and
    header detected), libsvm/svmlight or NumPy .npy, each optionally gzip'd; the format
    from the file name unless given ("mtx", "csv", "tsv", "libsvm", "npy"). storage "auto"
    keeps the CLI's rule (coordinate files with >= 25 % stored entries become dense),
    "sparse" or "dense" force one. Returns a csr_matrix or an ndarray (n_samples x n_features).
    """
    out = _dnmf.read_data(str(path), storage, format)
    return _input.csr_from_parts(out) if isinstance(out, tuple) else out


def set_memory_budget(size):
    """Limits what one input may make the library allocate (the CLI's --max-memory):
    bytes (int), a size such as "4G", or None for the default (3/4 of the memory)."""
    _dnmf.set_memory_budget(size)


def __getattr__(name):
    if name == "plot":  # matplotlib is imported only when plots are asked for
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module 'dnmf' has no attribute {name!r}")
