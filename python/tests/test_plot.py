"""The three plots render to PNG (Agg backend)."""

import numpy as np
import pytest

import dnmf

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


def _png_ok(fig, path):
    fig.savefig(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000


def test_convergence_per_stage(tmp_path, iris):
    X, _ = iris
    est = dnmf.DANMFCRFR(n_clusters=3, iter=100, pretrain_iter=50).fit(X)
    fig = dnmf.plot.convergence(est)
    ax = fig.axes[0]
    assert len(ax.lines) == 4  # three pre-trained layers and the fine-tuning
    np.testing.assert_array_equal(ax.lines[-1].get_ydata(), est.objective_)
    _png_ok(fig, tmp_path / "convergence.png")


def test_basis_images_on_digits(tmp_path, datasets):
    X = dnmf.read_matrix_market(datasets / "digits" / "X.mtx")
    est = dnmf.NMF(n_clusters=10, iter=50).fit(X)
    fig = dnmf.plot.basis_images(est, (8, 8))
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10
    np.testing.assert_array_equal(images[3].get_array(), est.components_[3].reshape(8, 8))
    _png_ok(fig, tmp_path / "basis.png")
    with pytest.raises(ValueError, match="pixels"):
        dnmf.plot.basis_images(est, (7, 8))


def test_embedding(tmp_path, iris):
    X, y = iris
    est = dnmf.NMF(n_clusters=3, iter=50).fit(X)
    fig = dnmf.plot.embedding(est.embedding_, est.labels_)
    offsets = fig.axes[0].collections[0].get_offsets()
    assert offsets.shape == (150, 2)
    _png_ok(fig, tmp_path / "embedding.png")
    _png_ok(dnmf.plot.embedding(est), tmp_path / "embedding2.png")
    two = dnmf.plot.embedding(est.embedding_[:, :2], y)
    np.testing.assert_allclose(two.axes[0].collections[0].get_offsets(), est.embedding_[:, :2])
