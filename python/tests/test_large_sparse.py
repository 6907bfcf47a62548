"""A large sparse matrix fits without ever being densified.

10^6 samples x 10^5 features with 10^7 stored entries (the issue's size): its dense
form would take 800 GB, far more than any test machine has; the CSR takes 120 MB and
the package copies it once into the library's CSR (plus the transpose the library
keeps for X^T products). NMF runs two iterations at rank 4 with one k-means start to
keep the test short (about 5 s per iteration on 2 busy cores).
"""

import resource
import time

import numpy as np
import scipy.sparse as sp

import dnmf

N, D, PER_ROW = 1_000_000, 100_000, 10


def _large_csr():
    rng = np.random.default_rng(0)
    # PER_ROW distinct columns per row: a random start plus multiples of D / PER_ROW.
    start = rng.integers(0, D, size=(N, 1))
    cols = np.sort((start + np.arange(PER_ROW) * (D // PER_ROW)) % D, axis=1).astype(np.int32)
    data = rng.random(N * PER_ROW) + 0.1
    indptr = np.arange(0, N * PER_ROW + 1, PER_ROW, dtype=np.int64)
    return sp.csr_matrix((data, cols.ravel(), indptr), shape=(N, D))


def test_large_sparse_fit_without_densifying():
    X = _large_csr()
    assert X.nnz == 10**7 and X.has_canonical_format
    dense_bytes = X.shape[0] * X.shape[1] * 8
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    start = time.monotonic()
    est = dnmf.NMF(n_clusters=4, iter=2, kmeans_init=1).fit(X)
    seconds = time.monotonic() - start
    peak_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert est.n_iter_ == 2 and np.all(np.isfinite(est.objective_)) and est.objective_[1] < est.objective_[0]
    assert est.embedding_.shape == (N, 4) and est.components_.shape == (4, D)
    assert est.labels_.shape == (N,)
    # The fit's extra memory is a small multiple of the CSR size, never the dense size.
    csr_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    assert peak_after - peak_before < 6 * csr_bytes + 2 * (N + D) * 4 * 8 * 4
    assert peak_after < dense_bytes / 100
    print(f"10^6 x 10^5 CSR, nnz 10^7: NMF 2 iterations in {seconds:.1f}s, peak RSS {peak_after / 2**30:.2f} GiB")
