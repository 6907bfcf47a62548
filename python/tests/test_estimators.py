"""Estimators generated from the registry: names, parameters, input kinds, attributes."""

import inspect
import logging
import pickle

import numpy as np
import pytest
import scipy.sparse as sp

import dnmf

EXPECTED = {
    "nmf": "NMF",
    "danmf": "DANMF",
    "danmf-crfr": "DANMFCRFR",
    "dn2mfgl": "Dn2MFGL",
    "deep-beta": "DeepBeta",
    "minvol-deep-kl": "MinvolDeepKl",
    "symnmf": "SymNMF",
    "asymnmf": "AsymNMF",
    "deep-symnmf": "DeepSymNMF",
    "dasnmf": "DAsNMF",
}


def test_one_class_per_registered_model():
    assert set(dnmf.models()) == set(EXPECTED)
    for model, name in EXPECTED.items():
        cls = getattr(dnmf, name)
        assert dnmf.estimator(model) is cls
        assert cls._model == model
        assert cls.__module__ == "dnmf"
    with pytest.raises(ValueError, match="unknown model"):
        dnmf.estimator("kmeans")


@pytest.mark.parametrize("spec", dnmf.MODELS, ids=lambda s: s["name"])
def test_keywords_are_the_registry_options_with_their_defaults(spec):
    cls = dnmf.estimator(spec["name"])
    params = inspect.signature(cls).parameters
    expected = {"n_clusters", "random_state", "verbose", "n_jobs", "callback"}
    if spec["input"] == "graph":
        expected.add("directed")
    for option in spec["options"]:
        if option["name"] == "seed":
            continue
        name = dnmf.python_name(option["name"])
        expected.add(name)
        default = option["default"]
        assert params[name].default == (tuple(default) if isinstance(default, list) else default), name
    assert set(params) == expected
    est = cls()
    assert set(est.get_params()) == expected
    assert est.n_clusters == 8 and est.random_state is None


def test_python_names():
    assert dnmf.python_name("lambda-att") == "lambda_att"
    assert dnmf.python_name("lambda") == "lam"
    assert "lam" in inspect.signature(dnmf.DAsNMF).parameters


def test_get_set_params_and_clone():
    sklearn_base = pytest.importorskip("sklearn.base")
    est = dnmf.DANMFCRFR(n_clusters=3, lambda_rep=0.5, layers=(12, 6, 3))
    assert est.get_params()["lambda_rep"] == 0.5
    est.set_params(lambda_att=2.0, random_state=7)
    assert est.lambda_att == 2.0 and est.random_state == 7
    clone = sklearn_base.clone(est)
    assert clone.get_params() == est.get_params()
    with pytest.raises(ValueError):
        est.set_params(no_such_option=1)
    assert "lambda_rep=0.5" in repr(est)


def test_positional_n_clusters_only():
    assert dnmf.NMF(4).n_clusters == 4
    with pytest.raises(TypeError):
        dnmf.NMF(4, 10)


def test_fit_attributes(iris):
    X, y = iris
    est = dnmf.DANMFCRFR(n_clusters=3, random_state=1, iter=200, pretrain_iter=100)
    assert est.fit(X) is est
    n = X.shape[0]
    assert est.labels_.shape == (n,) and est.labels_.dtype == np.int64
    assert set(np.unique(est.labels_)) <= {0, 1, 2}
    assert est.embedding_.shape == (n, 3)
    assert est.n_iter_ == 200 == len(est.objective_)
    assert est.extras_["layers"] == [12, 6, 3]
    assert sorted(est.factors_) == ["H", "W1", "W2", "W3"]
    np.testing.assert_array_equal(est.factors_["H"], est.embedding_)
    W = est.factors_
    np.testing.assert_allclose(est.components_, (W["W1"] @ W["W2"] @ W["W3"]).T)
    assert est.components_.shape == (3, 4)
    assert est.n_features_in_ == 4
    assert est.cluster_centers_.shape == (3, 3)
    # Per-stage traces: one pre-training trace per layer, then the fine-tuning trace.
    stages = list(est.stage_objectives_)
    assert len(stages) == 4 and "pretrain" in stages[0]
    np.testing.assert_array_equal(est.stage_objectives_[stages[-1]], est.objective_)
    assert dnmf.metrics.acc(y, est.labels_) > 0.8


def test_fit_predict_and_fit_transform_agree_with_fit(iris):
    X, _ = iris
    a = dnmf.NMF(n_clusters=3, random_state=2)
    labels = a.fit_predict(X)
    b = dnmf.NMF(n_clusters=3, random_state=2).fit(X)
    np.testing.assert_array_equal(labels, b.labels_)
    H = dnmf.NMF(n_clusters=3, random_state=2).fit_transform(X)
    np.testing.assert_array_equal(H, b.embedding_)
    assert b.components_.shape == (3, 4)
    np.testing.assert_allclose(b.factors_["W"].T, b.components_)
    assert not hasattr(b, "transform") and not hasattr(b, "predict")  # nmf keeps no encoder


def test_seed_changes_result(iris):
    X, _ = iris
    h0 = dnmf.NMF(n_clusters=3, random_state=0, iter=20).fit_transform(X)
    h0b = dnmf.NMF(n_clusters=3, iter=20).fit_transform(X)  # None = seed 0, as the CLI
    h1 = dnmf.NMF(n_clusters=3, random_state=1, iter=20).fit_transform(X)
    np.testing.assert_array_equal(h0, h0b)
    assert not np.array_equal(h0, h1)
    hr = dnmf.NMF(n_clusters=3, random_state=np.random.RandomState(0), iter=20).fit_transform(X)
    assert hr.shape == h0.shape


@pytest.mark.parametrize("model", ["nmf", "danmf-crfr", "dn2mfgl"])
def test_sparse_equals_dense(iris, model):
    X, _ = iris
    kwargs = dict(n_clusters=3, random_state=3, iter=60)
    if model != "nmf":
        # normalize="auto" is min-max here, which shifts dense features by their minimum
        # but keeps sparse input sparse (shift 0; docs/models.md §10.1), as the CLI does
        # with --storage sparse. Unit rows scale both forms alike.
        kwargs.update(pretrain_iter=30, normalize="l2-samples")
    dense = dnmf.estimator(model)(**kwargs).fit(X)
    wide = sp.csr_matrix(X)  # 64-bit indices, as SciPy uses for large matrices
    wide.indices, wide.indptr = wide.indices.astype(np.int64), wide.indptr.astype(np.int64)
    for Xs in (sp.csr_matrix(X), sp.csc_matrix(X), sp.coo_matrix(X), wide):
        sparse = dnmf.estimator(model)(**kwargs).fit(Xs)
        np.testing.assert_array_equal(sparse.labels_, dense.labels_)
        np.testing.assert_allclose(sparse.embedding_, dense.embedding_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(sparse.objective_, dense.objective_, rtol=1e-9)


def test_float32_and_layouts(iris):
    X, _ = iris
    ref = dnmf.NMF(n_clusters=3, iter=30).fit(X)
    for variant in (np.asfortranarray(X), X[:, ::-1][:, ::-1], X.tolist()):
        np.testing.assert_array_equal(dnmf.NMF(n_clusters=3, iter=30).fit(variant).embedding_, ref.embedding_)
    # Strided and reversed views read the same values as their contiguous copies.
    wide = np.zeros((150, 8))
    wide[:, ::2] = X
    np.testing.assert_array_equal(dnmf.NMF(n_clusters=3, iter=30).fit(wide[:, ::2]).embedding_, ref.embedding_)
    counts = np.rint(X * 10).astype(np.int64)  # integer input is converted to float64
    np.testing.assert_array_equal(dnmf.NMF(n_clusters=3, iter=30).fit(counts).embedding_,
                                  dnmf.NMF(n_clusters=3, iter=30).fit(counts.astype(np.float64)).embedding_)
    rev = dnmf.NMF(n_clusters=3, iter=30).fit(X[::-1, ::-1])
    np.testing.assert_array_equal(rev.embedding_, dnmf.NMF(n_clusters=3, iter=30).fit(X[::-1, ::-1].copy()).embedding_)
    X32 = X.astype(np.float32)
    a = dnmf.NMF(n_clusters=3, iter=30).fit(X32)
    b = dnmf.NMF(n_clusters=3, iter=30).fit(X32.astype(np.float64))
    np.testing.assert_array_equal(a.embedding_, b.embedding_)
    c = dnmf.NMF(n_clusters=3, iter=30).fit(sp.csr_matrix(X32))
    np.testing.assert_allclose(c.embedding_, b.embedding_, rtol=1e-8, atol=1e-10)


def test_input_is_not_modified(iris):
    X, _ = iris
    Xs = sp.csr_matrix(X)
    before_dense, before_sparse = X.copy(), Xs.copy()
    dnmf.DANMFCRFR(n_clusters=3, iter=20, pretrain_iter=10).fit(X)  # normalize=auto rescales its copy
    dnmf.DANMFCRFR(n_clusters=3, iter=20, pretrain_iter=10).fit(Xs)
    np.testing.assert_array_equal(X, before_dense)
    assert (Xs != before_sparse).nnz == 0


def test_transform_and_predict(iris):
    X, _ = iris
    est = dnmf.DANMF(n_clusters=3, random_state=0, iter=200, pretrain_iter=100).fit(X)
    H = est.transform(X)
    assert H.shape == (150, 3)
    # The encoder scales X as in training (minmax here) and multiplies by W1 W2 W3.
    Xn = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    np.testing.assert_allclose(H, Xn @ est.components_.T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(est.transform(sp.csr_matrix(X)), H, rtol=1e-10, atol=1e-12)
    labels = est.predict(X)
    C = np.stack([H[est.labels_ == c].mean(axis=0) for c in range(3)])
    np.testing.assert_allclose(est.transform_centers_, C, rtol=1e-12)
    expected = np.argmin(((H[:, None, :] - C[None, :, :]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(labels, expected)
    # Subsets give the rows of the whole.
    np.testing.assert_allclose(est.transform(X[10:20]), H[10:20], rtol=1e-12)
    with pytest.raises(ValueError, match="X has 3 features, but DANMF is expecting 4 features"):
        est.transform(X[:, :3])
    with pytest.raises(dnmf.NotFittedError):
        dnmf.DANMF(n_clusters=3).transform(X)


@pytest.mark.parametrize("name", ["DANMF", "DANMFCRFR"])
def test_predict_generalises(iris, name):
    # Fit on two thirds of Iris, predict the rest: predict reproduces the training labels
    # and labels unseen samples about as well as the fit labelled its own.
    X, y = iris
    order = np.random.default_rng(0).permutation(150)
    train, test = order[:100], order[100:]
    est = getattr(dnmf, name)(n_clusters=3, random_state=1).fit(X[train])
    assert np.mean(est.predict(X[train]) == est.labels_) > 0.95
    assert dnmf.metrics.acc(y[test], est.predict(X[test])) > 0.8


def test_pickle_round_trip(iris):
    X, _ = iris
    est = dnmf.DANMFCRFR(n_clusters=3, iter=50, pretrain_iter=20).fit(X)
    copy = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(copy.labels_, est.labels_)
    np.testing.assert_array_equal(copy.transform(X), est.transform(X))


def test_encoder_save_load(tmp_path, iris):
    X, _ = iris
    est = dnmf.DANMFCRFR(n_clusters=3, iter=50, pretrain_iter=20).fit(X)
    path = tmp_path / "model.txt"
    est.encoder_.save(str(path))
    loaded = dnmf._dnmf.Encoder.load(str(path))
    assert loaded.model == "danmf-crfr" and loaded.rank == 3 and loaded.n_features == 4
    np.testing.assert_allclose(loaded.transform(X), est.transform(X), rtol=1e-14)


def test_options_at_default_are_not_passed():
    est = dnmf.DANMFCRFR(n_clusters=3)
    assert est._options() == {}
    est.set_params(lambda_rep=1.0, layers=[9, 3], random_state=4, safeguard=False)
    # Passed as the command line's text, parsed and range-checked by the CLI's parser.
    assert est._options() == {"lambda-rep": "1", "layers": "9,3", "seed": "4", "safeguard": "false"}
    est.set_params(lambda_rep=np.float32(0.1), layers=np.array([9, 3]))
    assert est._options()["lambda-rep"] == repr(float(np.float32(0.1)))
    assert est._options()["layers"] == "9,3"
    est.set_params(layers="9,3")  # the CLI's text form is accepted too
    assert est._options()["layers"] == "9,3"


def test_list_option_as_text_matches_tuple(iris):
    X, _ = iris
    a = dnmf.DANMF(n_clusters=3, layers="8,3", iter=30, pretrain_iter=10).fit(X)
    b = dnmf.DANMF(n_clusters=3, layers=(8, 3), iter=30, pretrain_iter=10).fit(X)
    np.testing.assert_array_equal(a.embedding_, b.embedding_)


def test_verbose_logs_progress(iris, caplog):
    X, _ = iris
    with caplog.at_level(logging.INFO, logger="dnmf"):
        dnmf.NMF(n_clusters=3, iter=30, verbose=True).fit(X)
    records = [r.getMessage() for r in caplog.records if r.name == "dnmf"]
    assert records and records[-1].startswith("[nmf] iter 30/30")


def test_callback_receives_progress_and_can_stop(iris):
    X, _ = iris
    seen = []

    def callback(info):
        seen.append(info["iteration"])
        return info["iteration"] < 5

    # The core reports to Python at most every 50 ms, plus each stage's first and last
    # iteration: on Iris the first report (iteration 1) continues; stop at 5 needs reports.
    est = dnmf.NMF(n_clusters=3, iter=100000, tol=0.0, callback=lambda info: False).fit(X)
    assert est.status_ == "stopped_by_callback" and est.n_iter_ == 1
    assert est.labels_.shape == (150,)
    est = dnmf.NMF(n_clusters=3, iter=3, callback=callback).fit(X)
    assert seen[0] == 1 and seen[-1] == 3


def test_restarts_keep_best(iris):
    X, _ = iris
    est = dnmf.NMF(n_clusters=3, restarts=3, iter=40).fit(X)
    assert est.restarts_ == 3 and len(est.restart_objectives_) == 3
    assert est.objective_[-1] == est.restart_objectives_.min()
    assert est.restart_objectives_[est.best_restart_] == est.objective_[-1]
    assert list(est.stage_objectives_) == ["nmf"]


# ---------------------------------------------------------------- graphs


def test_graph_inputs_agree(karate):
    nx = pytest.importorskip("networkx")
    ig = pytest.importorskip("igraph")
    A, y = karate
    ref = dnmf.SymNMF(n_clusters=2).fit(A)
    assert ref.directed_ is False
    G = nx.Graph()
    G.add_nodes_from(range(A.shape[0]))
    G.add_edges_from(zip(*sp.triu(A).nonzero()))
    g = ig.Graph(n=A.shape[0], edges=list(zip(*sp.triu(A).nonzero())))
    for graph in (G, g, A.toarray(), sp.coo_matrix(A)):
        est = dnmf.SymNMF(n_clusters=2).fit(graph)
        np.testing.assert_array_equal(est.labels_, ref.labels_)
        np.testing.assert_array_equal(est.embedding_, ref.embedding_)
    assert dnmf.metrics.nmi(y, ref.labels_) > 0.8


def test_directed_graph_objects(karate):
    nx = pytest.importorskip("networkx")
    A, _ = karate
    upper = sp.triu(A).tocsr()
    D = nx.DiGraph()
    D.add_nodes_from(range(A.shape[0]))
    D.add_edges_from(zip(*upper.nonzero()))
    a = dnmf.AsymNMF(n_clusters=2, iter=100).fit(D)
    b = dnmf.AsymNMF(n_clusters=2, iter=100).fit(upper)  # not symmetric: directed
    c = dnmf.AsymNMF(n_clusters=2, iter=100, directed=False).fit(A)
    assert a.directed_ and b.directed_ and not c.directed_
    np.testing.assert_array_equal(a.embedding_, b.embedding_)
    assert not np.array_equal(a.embedding_, c.embedding_)


@pytest.mark.parametrize("name", ["DeepSymNMF", "DAsNMF"])
def test_deep_graph_models_fit(karate, name):
    A, _ = karate
    est = getattr(dnmf, name)(n_clusters=2, iter=50).fit(A)
    assert est.labels_.shape == (34,)
    assert np.all(np.isfinite(est.objective_))
    assert est.n_iter_ <= 50


def test_callback_exception_propagates_and_leaves_estimator_unfitted(iris):
    X, _ = iris

    def callback(info):
        if info["iteration"] >= 1:
            raise RuntimeError("stop here")
        return True

    est = dnmf.DANMF(n_clusters=3, callback=callback)
    with pytest.raises(RuntimeError, match="stop here"):
        est.fit(X)
    assert not hasattr(est, "labels_")
    assert dnmf.DANMF(n_clusters=3, iter=5, pretrain_iter=5).fit(X).n_iter_ == 5


def test_job_progress_reaches_one(iris):
    X, _ = iris
    done = []
    dnmf.DANMF(n_clusters=3, iter=20, pretrain_iter=10, callback=lambda info: done.append(info["job_done"])).fit(X)
    assert done == sorted(done) and 0 < done[0] and done[-1] == pytest.approx(1.0)


def test_canonical_csr_reaches_the_core_without_python_copies(iris):
    # A canonical float64/float32 CSR is handed over as its own arrays; the only copy is
    # the core's into its CSR (docs/python.md, "Input"). Other forms are converted once.
    X, _ = iris
    for dtype in (np.float64, np.float32):
        A = sp.csr_matrix(X, dtype=dtype)
        parts = dnmf._input.sparse_parts(A)
        assert parts[3] is A.indptr and parts[4] is A.indices and parts[5] is A.data
    messy = sp.csr_matrix((np.array([1.0, 2.0, 3.0]), np.array([1, 0, 1]), np.array([0, 3])), shape=(1, 2))
    assert not messy.has_canonical_format  # unsorted, duplicate column 1
    parts = dnmf._input.sparse_parts(messy)
    np.testing.assert_array_equal(parts[4], [0, 1])
    np.testing.assert_array_equal(parts[5], [2.0, 4.0])
    assert not messy.has_canonical_format  # the caller's matrix was left alone


def test_package_works_without_sklearn_networkx_igraph_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "for name in ('sklearn', 'networkx', 'igraph', 'matplotlib'): sys.modules[name] = None\n"
        "import numpy as np, dnmf\n"
        "assert not dnmf.HAVE_SKLEARN\n"
        "est = dnmf.NMF(n_clusters=2, iter=10, random_state=3)\n"
        "assert est.get_params()['random_state'] == 3 and est.set_params(iter=20).iter == 20\n"
        "X = np.abs(np.random.default_rng(0).normal(size=(30, 4)))\n"
        "print(sorted(set(est.fit_predict(X).tolist())), repr(est).startswith('NMF('))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[0, 1] True"


def test_n_jobs_gives_the_same_fit(datasets):
    # The library's kernels are deterministic for any thread count; n_jobs only sets it.
    X = dnmf.read_matrix_market(datasets / "digits" / "X.mtx")
    one = dnmf.NMF(n_clusters=10, iter=20, n_jobs=1).fit(X)
    two = dnmf.NMF(n_clusters=10, iter=20, n_jobs=2).fit(X)
    np.testing.assert_array_equal(one.embedding_, two.embedding_)
    assert dnmf._estimators._threads(-1) == (__import__("os").cpu_count() or 1)
    assert dnmf._estimators._threads(None) == 0 and dnmf._estimators._threads(3) == 3


def test_refit_replaces_the_previous_fit(iris):
    X, _ = iris
    est = dnmf.NMF(n_clusters=3, iter=10).fit(X)
    assert hasattr(est, "cluster_centers_")
    est.set_params(assign="argmax").fit(X)
    assert not hasattr(est, "cluster_centers_")  # argmax keeps no centres
    np.testing.assert_array_equal(est.labels_, np.argmax(est.embedding_, axis=1))


def test_cli_warnings_become_runtime_warnings(iris):
    X, _ = iris
    with pytest.warns(RuntimeWarning, match=r"the kNN graph has \d+ connected components; consider a larger neighbors"):
        est = dnmf.DANMF(n_clusters=3, iter=5, pretrain_iter=5, neighbors=2).fit(X)
    assert est.extras_["graph_components"] > 1
