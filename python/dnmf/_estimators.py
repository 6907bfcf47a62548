"""scikit-learn-style estimators generated from the model registry of the C++ library.

Every registered model becomes one class (NMF, DANMF, ...). Its constructor takes the
model's options as keyword arguments with the registry's defaults (dashes become
underscores; `seed` is `random_state`), plus n_clusters, random_state, verbose, n_jobs
and callback. Options equal to their default are not passed to the library, exactly as
the command line does not pass flags that were not given.
"""

import inspect
import keyword
import logging
import numbers
import os
import time
import warnings

import numpy as np

from . import _input

try:  # scikit-learn is optional: the estimators follow its conventions either way
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import ClusterMixin as _ClusterMixin
    from sklearn.base import TransformerMixin as _TransformerMixin

    HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - exercised only where scikit-learn is missing
    HAVE_SKLEARN = False

    class _Base:
        """get_params/set_params/repr without scikit-learn (same behaviour for flat parameters)."""

        @classmethod
        def _get_param_names(cls):
            signature = inspect.signature(cls.__init__)
            return sorted(p.name for p in signature.parameters.values() if p.name != "self")

        def get_params(self, deep=True):
            return {name: getattr(self, name) for name in self._get_param_names()}

        def set_params(self, **params):
            valid = self._get_param_names()
            for key, value in params.items():
                if key not in valid:
                    raise ValueError(f"Invalid parameter {key!r} for estimator {self!r}")
                setattr(self, key, value)
            return self

        def __repr__(self):
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
            return f"{type(self).__name__}({args})"

    class _ClusterMixin:
        _estimator_type = "clusterer"

    class _TransformerMixin:
        pass


try:
    from sklearn.exceptions import NotFittedError
except ImportError:  # pragma: no cover

    class NotFittedError(ValueError, AttributeError):
        """The estimator was used before fit."""


logger = logging.getLogger("dnmf")

#: Python names of options whose registry name is not a valid identifier.
RENAMED = {"lambda": "lam"}

#: Class names of the registered models (new models get a name derived from theirs).
CLASS_NAMES = {
    "nmf": "NMF",
    "danmf": "DANMF",
    "danmf-crfr": "DANMFCRFR",
    "dn2mfgl": "Dn2MFGL",
    "symnmf": "SymNMF",
    "asymnmf": "AsymNMF",
    "deep-symnmf": "DeepSymNMF",
    "dasnmf": "DAsNMF",
}

#: Attributes a fit sets (a refit first drops the previous fit's, e.g. cluster_centers_).
_FITTED = (
    "n_features_in_", "feature_names_in_", "directed_", "nodes_", "labels_", "embedding_", "factors_",
    "objective_", "n_iter_", "status_", "extras_", "restarts_", "best_restart_", "restart_objectives_",
    "fit_seconds_", "_assign", "stage_objectives_", "cluster_centers_", "inertia_", "encoder_", "components_",
    "transform_centers_",
)

#: Arguments every estimator takes besides the model's options.
COMMON = ("n_clusters", "random_state", "verbose", "n_jobs", "callback")


def python_name(option):
    """The keyword argument of a registry option: lambda-att -> lambda_att, lambda -> lam."""
    if option in RENAMED:
        return RENAMED[option]
    name = option.replace("-", "_")
    return name + "_value" if keyword.iskeyword(name) else name


def class_name(model):
    if model in CLASS_NAMES:
        return CLASS_NAMES[model]
    return "".join(part.capitalize() for part in model.split("-"))


def _python_default(option):
    value = option["default"]
    return tuple(value) if isinstance(value, list) else value  # scikit-learn wants immutable defaults


def _seed(random_state):
    """The library's seed (>= 0) from a scikit-learn random_state."""
    if random_state is None:
        return 0  # the command line's default seed: fits are reproducible by default
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state = {random_state} must be >= 0")
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    raise ValueError(f"random_state must be None, an int >= 0, a RandomState or a Generator, got {random_state!r}")


def _threads(n_jobs):
    """OpenMP threads from n_jobs (None: the library's default, all cores; -1: all cores)."""
    if n_jobs is None:
        return 0
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (numbers.Integral, np.integer)) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None or a nonzero integer, got {n_jobs!r}")
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + int(n_jobs))
    return int(n_jobs)


def _cli_text(value):
    """A keyword value as the command line's text: the library parses and range-checks it
    with the CLI's parser, so errors carry the CLI's messages. Floats use repr (the
    shortest text that reads back as the same double)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (numbers.Integral, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        text = repr(float(value))
        return text[:-2] if text.endswith(".0") else text  # -1.0 -> -1, as a CLI user types it
    if isinstance(value, (list, tuple, np.ndarray)):
        return ",".join(_cli_text(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value))
    return str(value)


def _same(value, default):
    if isinstance(value, (list, tuple, np.ndarray)) and isinstance(default, (list, tuple)):
        return list(np.asarray(value).tolist()) == list(default)
    if isinstance(value, (list, tuple, np.ndarray)) or isinstance(default, (list, tuple)):
        return False
    if isinstance(value, bool) != isinstance(default, bool):
        return False
    try:
        return value == default
    except Exception:  # pragma: no cover - exotic values are passed on and checked by the library
        return False


class _ProgressLogger:
    """Turns the library's progress reports into log records and user callbacks."""

    def __init__(self, estimator):
        self.verbose = bool(estimator.verbose)
        self.callback = estimator.callback
        self.last_stage = None
        self.last_time = -1.0
        if self.verbose:
            if logger.level == logging.NOTSET or logger.level > logging.INFO:
                logger.setLevel(logging.INFO)
            if not logger.hasHandlers():
                logger.addHandler(logging.StreamHandler())

    def active(self):
        return self.verbose or self.callback is not None

    def __call__(self, info):
        if self.verbose:
            now = time.monotonic()
            last = info["iteration"] >= info["max_iterations"]
            if info["stage"] != self.last_stage or last or now - self.last_time >= 1.0:
                self.last_stage, self.last_time = info["stage"], now
                logger.info(
                    "[%s] iter %d/%d  objective %.6e  elapsed %.2fs",
                    info["stage"],
                    info["iteration"],
                    info["max_iterations"],
                    info["objective"],
                    info["elapsed_seconds"],
                )
        if self.callback is not None:
            return self.callback(info)
        return True


class DnmfEstimator(_ClusterMixin, _Base):
    """Base of the generated estimators (see docs/python.md)."""

    _model = None  # registry name
    _spec = None  # registry entry (options, input kind, encoder)
    _params = {}  # python keyword -> registry option name

    # ---- scikit-learn plumbing

    def _more_tags(self):
        tags = {"requires_positive_X": True, "non_deterministic": False}
        if self._spec["input"] == "graph":
            tags["pairwise"] = True  # X is an n x n adjacency
        return tags

    def __sklearn_tags__(self):  # scikit-learn >= 1.6
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        if self._spec["input"] == "graph":
            tags.input_tags.pairwise = True
        return tags

    def _options(self):
        """The options that differ from the registry's defaults, keyed by registry name."""
        options = {}
        for pname, oname in self._params.items():
            value = getattr(self, pname)
            option = next(o for o in self._spec["options"] if o["name"] == oname)
            if value is None or _same(value, _python_default(option)):
                continue
            options[oname] = _cli_text(value)
        if any(o["name"] == "seed" for o in self._spec["options"]):
            seed = _seed(self.random_state)
            if seed != 0:
                options["seed"] = str(seed)
        return options

    def _check_n_clusters(self):
        k = self.n_clusters
        if isinstance(k, bool) or not isinstance(k, (numbers.Integral, np.integer)) or k < 1:
            raise ValueError(f"n_clusters must be an integer >= 1, got {k!r}")
        return int(k)

    # ---- fitting

    def _fit(self, X):
        k = self._check_n_clusters()
        threads = _threads(self.n_jobs)
        progress = _ProgressLogger(self)
        callback = progress if progress.active() else None
        fitted = {}
        if self._spec["input"] == "data":
            parts, n, d = _input.as_data(X)
            if n < 2 and "neighbors" in self._params:
                raise ValueError(f"n_samples = {n}: {self._model} builds a kNN graph of the samples and needs at least 2")
            result = _core().fit(self._model, parts, self._options(), k, False, threads, callback)
            fitted["n_features_in_"] = d
            if hasattr(X, "columns") and all(isinstance(c, str) for c in X.columns):
                fitted["feature_names_in_"] = np.asarray(X.columns, dtype=object)
        else:
            parts, n, directed, nodes = _input.as_graph(X, getattr(self, "directed", None))
            result = _core().fit(self._model, parts, self._options(), k, directed, threads, callback)
            fitted.update(n_features_in_=n, directed_=directed, nodes_=nodes)
        fitted.update(
            labels_=result["labels"],
            embedding_=result["representation"],
            factors_=dict(result["factors"]),
            objective_=result["objective"],
            n_iter_=result["iterations"],
            status_=result["status"],
            extras_=dict(result["extras"]),
            restarts_=result["restarts"],
            best_restart_=result["best_restart"],
            restart_objectives_=np.asarray(result["restart_objectives"]),
            fit_seconds_=result["seconds"],
            _assign=(result["argmax"], result["l1_rows"]),
        )
        fitted["stage_objectives_"] = _kept_stages(result["stages"], fitted["restarts_"], fitted["best_restart_"])
        if not result["argmax"]:
            fitted.update(cluster_centers_=result["centroids"], inertia_=result["inertia"])
        if result["encoder"] is not None:
            fitted.update(encoder_=result["encoder"], components_=_components(result["encoder"]))
            if not result["argmax"]:
                # predict's reference points: each cluster's mean in the encoder's space.
                T = result["train_transform"]
                fitted["transform_centers_"] = _cluster_means(_l1_rows(T) if result["l1_rows"] else T,
                                                              fitted["labels_"], k)
        elif self._model == "nmf" and "W" in fitted["factors_"]:
            fitted["components_"] = fitted["factors_"]["W"].T
        # One assignment: an interrupt arrives before or after it, never half-way through.
        state = {name: value for name, value in self.__dict__.items() if name not in _FITTED}
        state.update(fitted)
        self.__dict__ = state
        for message in result["warnings"]:
            warnings.warn(message, RuntimeWarning, stacklevel=3)
        return self

    def fit(self, X, y=None):
        """Fits the model to X (data: n_samples x n_features; graphs: adjacency or graph object)."""
        return self._fit(X)

    def fit_predict(self, X, y=None):
        """Fits and returns labels_."""
        return self._fit(X).labels_

    def fit_transform(self, X, y=None):
        """Fits and returns the representation the clustering used (embedding_, n x r)."""
        return self._fit(X).embedding_

    def _check_fitted(self):
        if not hasattr(self, "labels_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate "
                "arguments before using this estimator."
            )


class EncoderMixin(_TransformerMixin):
    """transform/predict for models whose fit learns an encoder (DANMF, DANMF-CRFR)."""

    def transform(self, X):
        """The representation of new samples: X (scaled as the training data) times W1...Wl."""
        self._check_fitted()
        parts, n, d = _input.as_data(X)
        if d != self.n_features_in_:
            raise ValueError(
                f"X has {d} features, but {type(self).__name__} is expecting {self.n_features_in_} features as input"
            )
        return self.encoder_.transform(parts, _threads(self.n_jobs))

    def predict(self, X):
        """Cluster labels of new samples: the cluster whose training samples' mean, in the
        encoder's space (transform_centers_), is nearest to their transform (the largest
        entry of the transform when the model assigns by argmax)."""
        T = self.transform(X)
        argmax, l1_rows = self._assign
        if argmax:
            return np.argmax(T, axis=1).astype(np.int64)
        if l1_rows:
            T = _l1_rows(T)
        C = self.transform_centers_
        present = np.all(np.isfinite(C), axis=1)
        Cz = np.where(present[:, None], C, 0.0)
        distances = (T * T).sum(axis=1)[:, None] - 2.0 * T @ Cz.T + (Cz * Cz).sum(axis=1)[None, :]
        distances[:, ~present] = np.inf  # a cluster without training samples is never chosen
        return np.argmin(distances, axis=1).astype(np.int64)

    def fit_transform(self, X, y=None):
        """Fits and returns embedding_, the representation learnt for X (see docs/python.md)."""
        return self._fit(X).embedding_


def _l1_rows(H):
    sums = H.sum(axis=1, keepdims=True)
    return np.divide(H, sums, out=np.zeros_like(H), where=sums > 0)


def _cluster_means(T, labels, k):
    """k x r: the mean row of T per label (NaN rows for labels without samples)."""
    sums = np.zeros((k, T.shape[1]))
    np.add.at(sums, labels, T)
    counts = np.bincount(labels, minlength=k)[:k].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts[:, None]


def _kept_stages(stages, restarts, best):
    """{stage: objective trace} of the restart that was kept (pre-training layers, fine-tuning)."""
    out = {}
    prefix = f"restart {best + 1}/{restarts} " if restarts > 1 else ""
    for stage, trace in stages:
        if stage.startswith(prefix):
            out[stage[len(prefix):]] = trace
    return out


def _components(encoder):
    W = encoder.W
    psi = W[0]
    for w in W[1:]:
        psi = psi @ w
    return psi.T


_core_module = None


def _core():
    global _core_module
    if _core_module is None:
        from . import _dnmf

        _core_module = _dnmf
    return _core_module


def _docstring(spec, params):
    lines = [
        f"{spec['title']}.",
        "",
        f"Model ``{spec['name']}`` of the dnmf library ({spec['paper']}; maths in {spec['section']}).",
        f"Input: {'a data matrix X (n_samples x n_features)' if spec['input'] == 'data' else 'a graph'}.",
        "",
        "Parameters",
        "----------",
        "n_clusters : int, default=8",
        "    Number of clusters k.",
    ]
    for pname, option in params:
        lines.append(f"{pname} : {option['type']}, default={_python_default(option)!r}")
        help_text = option["help"]
        if option["default"] is None:
            help_text += f" (None: {option['default_text']})"
        if option["choices"]:
            help_text += " One of: " + ", ".join(option["choices"]) + "."
        lines.append(f"    {help_text}")
    if spec["input"] == "graph":
        lines += ["directed : bool or None, default=None", "    Treat the graph as directed; None: from the graph."]
    lines += [
        "random_state : int, RandomState, Generator or None, default=None",
        "    Seed of the initialisation and of k-means (the library's `seed`; None means 0).",
        "verbose : bool, default=False",
        "    Log progress on the 'dnmf' logger (INFO).",
        "n_jobs : int or None, default=None",
        "    OpenMP threads (None: all cores; -1: all cores; -2: all but one).",
        "callback : callable or None, default=None",
        "    Called with a dict (stage, iteration, max_iterations, objective, elapsed_seconds) during the fit;",
        "    returning False stops the fit early (status_ 'stopped_by_callback').",
    ]
    return "\n".join(lines)


def make_estimator(spec):
    """The estimator class of one registry entry."""
    params = []
    mapping = {}
    for option in spec["options"]:
        if option["name"] == "seed":
            continue
        pname = python_name(option["name"])
        params.append((pname, option))
        mapping[pname] = option["name"]
    P = inspect.Parameter
    signature = [P("self", P.POSITIONAL_OR_KEYWORD), P("n_clusters", P.POSITIONAL_OR_KEYWORD, default=8)]
    signature += [P(pname, P.KEYWORD_ONLY, default=_python_default(option)) for pname, option in params]
    if spec["input"] == "graph":
        signature.append(P("directed", P.KEYWORD_ONLY, default=None))
    signature += [
        P("random_state", P.KEYWORD_ONLY, default=None),
        P("verbose", P.KEYWORD_ONLY, default=False),
        P("n_jobs", P.KEYWORD_ONLY, default=None),
        P("callback", P.KEYWORD_ONLY, default=None),
    ]
    sig = inspect.Signature(signature)

    def __init__(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    __init__.__signature__ = sig
    __init__.__doc__ = "See the class docstring."
    bases = (EncoderMixin, DnmfEstimator) if spec["encoder"] else (DnmfEstimator,)
    name = class_name(spec["name"])
    cls = type(
        name,
        bases,
        {
            "__init__": __init__,
            "__doc__": _docstring(spec, params),
            "__module__": "dnmf",
            "__qualname__": name,
            "_model": spec["name"],
            "_spec": spec,
            "_params": mapping,
        },
    )
    return cls
