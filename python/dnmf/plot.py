"""Plots of fitted models (matplotlib, imported only here). Each function returns the
matplotlib Figure; pass ax= to draw into an existing Axes instead."""

import math

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError("dnmf.plot needs matplotlib (Debian: python3-matplotlib)") from error
    return plt


def _figure(ax, **kwargs):
    if ax is not None:
        return ax.figure, ax
    plt = _pyplot()
    fig, ax = plt.subplots(**kwargs)
    return fig, ax


def convergence(model, ax=None, log=True):
    """Objective per iteration of a fitted model: one line per stage (each pre-training
    layer of the deep models, then the main loop / fine-tuning), iterations numbered
    within their stage. log: logarithmic y axis when every value is positive."""
    stages = getattr(model, "stage_objectives_", None) or {"fit": getattr(model, "objective_", None)}
    if all(trace is None or len(trace) == 0 for trace in stages.values()):
        raise ValueError("the model has no objective trace: fit it first")
    fig, ax = _figure(ax)
    positive = True
    for stage, trace in stages.items():
        trace = np.asarray(trace, dtype=float)
        if trace.size == 0:
            continue
        ax.plot(np.arange(1, trace.size + 1), trace, label=stage)
        positive = positive and bool(np.all(trace > 0))
    if log and positive:
        ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("objective")
    ax.set_title(f"{type(model).__name__}: convergence")
    if len(stages) > 1:
        ax.legend(fontsize="small")
    return fig


def basis_images(model, shape, n_cols=None, cmap="gray"):
    """The basis vectors (rows of components_, i.e. W's columns) as images of `shape`
    (height, width), in a grid: what NMF users look at first on image data."""
    components = getattr(model, "components_", None)
    if components is None:
        raise ValueError(f"{type(model).__name__} has no components_ (fit it; graph models have no basis)")
    components = np.asarray(components)
    h, w = shape
    if h * w != components.shape[1]:
        raise ValueError(f"shape {tuple(shape)} has {h * w} pixels but the components have {components.shape[1]} features")
    count = components.shape[0]
    n_cols = n_cols or int(math.ceil(math.sqrt(count)))
    n_rows = int(math.ceil(count / n_cols))
    plt = _pyplot()
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(1.6 * n_cols, 1.6 * n_rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i < count:
            ax.imshow(components[i].reshape(h, w), cmap=cmap)
            ax.set_title(str(i + 1), fontsize="small")
    fig.suptitle(f"{type(model).__name__}: basis images")
    return fig


def embedding(H, labels=None, ax=None):
    """A 2-D view of a representation (embedding_ or any n x r array; a fitted model is
    accepted too): the two columns when r = 2, else its two leading principal
    components; points coloured by labels."""
    if hasattr(H, "embedding_"):
        labels = H.labels_ if labels is None else labels
        H = H.embedding_
    H = np.asarray(H, dtype=float)
    if H.ndim != 2:
        raise ValueError("H must be a 2-D array (n samples x r)")
    if H.shape[1] == 1:
        xy = np.column_stack([H[:, 0], np.zeros(H.shape[0])])
        axis = ("h1", "")
    elif H.shape[1] == 2:
        xy = H
        axis = ("h1", "h2")
    else:
        centred = H - H.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        xy = centred @ vt[:2].T
        axis = ("PC 1", "PC 2")
    fig, ax = _figure(ax)
    scatter = ax.scatter(xy[:, 0], xy[:, 1], c=labels, s=12, cmap="tab10" if labels is not None else None)
    if labels is not None and len(np.unique(labels)) <= 20:
        ax.legend(*scatter.legend_elements(), title="cluster", fontsize="small")
    ax.set_xlabel(axis[0])
    ax.set_ylabel(axis[1])
    ax.set_title("embedding")
    return fig
