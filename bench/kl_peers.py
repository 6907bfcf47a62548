#!/usr/bin/python3
"""KL-NMF: dnmf against scikit-learn's multiplicative-update solver from the same start.

Generates (reproducibly, from --seed) a sparse count matrix of n x d with about nnz stored
entries (documents drawn from k planted topics), and the initial factors; then runs, with the
same thread count and the same start, N iterations of

  * scikit-learn  NMF(beta_loss='kullback-leibler', solver='mu', init='custom', tol=0)
  * dnmf          nmf --loss kl (bench_nmf_start: the library's fit_nmf from the given start)

and prints seconds per iteration and the generalised KL divergence reached (both evaluated
by scikit-learn's _beta_divergence on the final factors, plus each tool's own trace).
Optionally the same on a labelled data set (news4) with clustering quality of both.

  OMP_NUM_THREADS=2 /usr/bin/python3 bench/kl_peers.py --build build [--iterations 100]
      [--n 100000 --d 20000 --nnz 2000000 --k 20] [--datasets ../shared/datasets]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.io
import scipy.sparse as sp


def planted_counts(n, d, nnz, k, seed):
    """n x d CSR of word counts: each row a document of one of k topics; each topic favours
    its own block of d/k columns (70 % of the draws), the rest spread over all columns."""
    rng = np.random.default_rng(seed)
    per_row = max(1, nnz // n)
    topic = rng.integers(0, k, size=n)
    rows = np.repeat(np.arange(n), per_row)
    block = d // k
    own = rng.random(n * per_row) < 0.7
    cols = np.where(own, np.repeat(topic, per_row) * block + rng.integers(0, block, size=n * per_row),
                    rng.integers(0, d, size=n * per_row))
    vals = 1.0 + rng.poisson(1.0, size=n * per_row)
    X = sp.csr_matrix((vals.astype(np.float64), (rows, cols)), shape=(n, d))
    X.sum_duplicates()
    return X, topic


def random_start(X, k, seed):
    """scikit-learn's 'random' init scale: entries uniform in [0, sqrt(mean(X)/k))."""
    rng = np.random.default_rng(seed + 1)
    scale = np.sqrt(X.sum() / (X.shape[0] * X.shape[1]) / k)
    H0 = scale * rng.random((X.shape[0], k))  # samples x k  (scikit-learn's W)
    W0 = scale * rng.random((X.shape[1], k))  # features x k (scikit-learn's H transposed)
    return W0, H0


def kl_divergence(X, H, W):
    from sklearn.decomposition._nmf import _beta_divergence
    return float(_beta_divergence(X, H, np.ascontiguousarray(W.T), 1))


def run_sklearn(X, W0, H0, iterations):
    from sklearn.decomposition import NMF
    import warnings
    model = NMF(n_components=W0.shape[1], init="custom", solver="mu", beta_loss="kullback-leibler",
                max_iter=iterations, tol=0.0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: tol = 0 always runs max_iter
        H = model.fit_transform(X, W=H0.copy(), H=np.ascontiguousarray(W0.T).copy())
    seconds = time.perf_counter() - start
    return H, model.components_.T, seconds, model.n_iter_


def run_dnmf(build, mtx, w0, h0, iterations):
    exe = os.path.join(build, "bench", "bench_nmf_start")
    out = subprocess.run([exe, mtx, w0, h0, "kl", str(iterations)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"kl_peers: {exe} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def compare(name, X, k, iterations, build, seed):
    W0, H0 = random_start(X, k, seed)
    with tempfile.TemporaryDirectory() as tmp:
        mtx, w0, h0 = (os.path.join(tmp, f) for f in ("X.mtx", "W0.npy", "H0.npy"))
        scipy.io.mmwrite(mtx, X)
        np.save(w0, W0)
        np.save(h0, H0)
        ours = run_dnmf(build, mtx, w0, h0, iterations)
    Hs, Ws, sk_seconds, sk_iter = run_sklearn(X, W0, H0, iterations)
    sk_f = kl_divergence(X, Hs, Ws)
    our_f = ours["objective"][-1]
    rows = [("scikit-learn mu", sk_seconds / sk_iter, sk_f), ("dnmf nmf --loss kl", ours["seconds_per_iteration"], our_f)]
    print(f"\n{name}: {X.shape[0]} x {X.shape[1]}, {X.nnz} stored entries, k = {k}, {iterations} iterations "
          f"from the same start, {ours['threads']} threads")
    print(f"{'tool':<22} {'s/iteration':>12} {'KL after N':>16} {'speed-up':>9}")
    for tool, spi, f in rows:
        print(f"{tool:<22} {spi:>12.4f} {f:>16.8g} {rows[0][1] / spi:>8.1f}x")
    print(f"relative difference of the objectives: {abs(our_f - sk_f) / sk_f:.2e}")
    return rows


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--iterations", type=int, default=100)
    p.add_argument("--n", type=int, default=100000)
    p.add_argument("--d", type=int, default=20000)
    p.add_argument("--nnz", type=int, default=2000000)
    p.add_argument("--k", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--datasets", help="the shared data sets (adds news4, k = 4)")
    a = p.parse_args(argv)
    X, _ = planted_counts(a.n, a.d, a.nnz, a.k, a.seed)
    compare("synthetic counts", X, a.k, a.iterations, a.build, a.seed)
    if a.datasets:
        X = scipy.io.mmread(os.path.join(a.datasets, "news4", "X.mtx.gz")).tocsr()
        compare("news4", X, 4, a.iterations, a.build, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
