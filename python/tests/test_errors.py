"""Bad input raises ValueError (MemoryError for allocations) with the CLI's message."""

import numpy as np
import pytest
import scipy.sparse as sp

import dnmf


def _cli_error(cli, *args):
    result = cli(*args, "--quiet")
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    prefix = "dnmf: error: "
    assert line.startswith(prefix), line
    return line[len(prefix):]


@pytest.mark.parametrize(
    "cli_args, kwargs",
    [
        (["--iter", "0"], {"iter": 0}),
        (["--tol", "-1"], {"tol": -1.0}),
        (["--init", "svd"], {"init": "svd"}),
        (["--rank", "9"], {"rank": 9}),
    ],
)
def test_option_errors_match_cli(cli, datasets, iris, cli_args, kwargs):
    X, _ = iris
    message = _cli_error(cli, "cluster", datasets / "iris" / "X.mtx", "-k", 3, *cli_args)
    with pytest.raises(ValueError) as raised:
        dnmf.NMF(n_clusters=3, **kwargs).fit(X)
    assert str(raised.value) == message


def test_deep_layer_error_matches_cli(cli, datasets, iris):
    X, _ = iris
    message = _cli_error(cli, "cluster", datasets / "iris" / "X.mtx", "-k", 3, "--model", "danmf", "--layers", "8,0")
    with pytest.raises(ValueError) as raised:
        dnmf.DANMF(n_clusters=3, layers=(8, 0)).fit(X)
    assert str(raised.value) == message


def test_negative_data_message_matches_cli(cli, tmp_path, iris):
    X, _ = iris
    X = X.copy()
    X[4, 2] = -0.5
    path = tmp_path / "neg.mtx"
    path.write_text(
        "%%MatrixMarket matrix array real general\n150 4\n" + "\n".join(repr(v) for v in X.T.ravel()) + "\n"
    )
    message = _cli_error(cli, "cluster", path, "-k", 3)
    assert message.startswith(f"{path}: nmf")
    with pytest.raises(ValueError) as raised:
        dnmf.NMF(n_clusters=3).fit(X)
    # The CLI names the file, the package names the argument X; the rest is the same.
    assert str(raised.value) == "X: nmf" + message[len(f"{path}: nmf"):]
    with pytest.raises(ValueError, match="-0.5"):
        dnmf.NMF(n_clusters=3).fit(sp.csr_matrix(X))


def test_reader_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.mtx"
    bad.write_text("%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1.0\n")
    with pytest.raises(ValueError, match=r"bad\.mtx:3: "):
        dnmf.read_matrix_market(bad)
    edges = tmp_path / "edges.txt"
    edges.write_text("0 1\n1 x\n")
    with pytest.raises(ValueError, match=r"edges\.txt:2: "):
        dnmf.read_edge_list(edges)


@pytest.mark.parametrize(
    "X, pattern",
    [
        (np.array([[1.0, np.nan], [2.0, 3.0]]), "NaN|nan|finite"),
        (np.array([[1.0, np.inf], [2.0, 3.0]]), "inf|Inf|finite"),
        (np.ones(5), "Expected 2D array"),
        (np.ones((0, 3)), r"0 sample\(s\) \(shape=\(0, 3\)\) while a minimum of 1"),
        (np.ones((4, 0)), r"0 feature\(s\)"),
    ],
)
def test_invalid_arrays(X, pattern):
    with pytest.raises(ValueError, match=pattern):
        dnmf.NMF(n_clusters=1).fit(X)


def test_too_many_clusters_and_bad_parameters(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="n_clusters = 151 exceeds the number of samples n_samples = 150"):
        dnmf.NMF(n_clusters=151).fit(X)
    with pytest.raises(ValueError, match="n_clusters"):
        dnmf.NMF(n_clusters=0).fit(X)
    with pytest.raises(ValueError, match="random_state"):
        dnmf.NMF(n_clusters=3, random_state=-1).fit(X)
    with pytest.raises(ValueError, match="n_jobs"):
        dnmf.NMF(n_clusters=3, n_jobs=0).fit(X)


def test_memory_budget_refuses_large_inputs(tmp_path):
    # 50000 entries need about 1.8 MB: read under the default budget, refused under 256 KiB.
    path = tmp_path / "big.mtx"
    lines = "".join(f"{i % 1000 + 1} {i // 1000 + 1} 1\n" for i in range(50000))
    path.write_text("%%MatrixMarket matrix coordinate real general\n1000 1000 50000\n" + lines)
    assert dnmf.read_matrix_market(path).nnz == 50000
    dnmf.set_memory_budget("256K")
    try:
        assert dnmf._dnmf.memory_budget() == 256 * 1024
        with pytest.raises(ValueError, match=r"big\.mtx:2: .* more than the 262\.1 KB memory budget"):
            dnmf.read_matrix_market(path)
    finally:
        dnmf.set_memory_budget(None)
    assert dnmf.read_matrix_market(path).nnz == 50000


def test_graph_input_errors():
    with pytest.raises(ValueError, match="square"):
        dnmf.SymNMF(n_clusters=2).fit(sp.csr_matrix(np.ones((3, 4))))
    with pytest.raises(ValueError, match="n_clusters = 5 exceeds the number of nodes n = 3"):
        dnmf.SymNMF(n_clusters=5).fit(sp.csr_matrix(np.ones((3, 3))))
