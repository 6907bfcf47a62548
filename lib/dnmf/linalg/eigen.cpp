#include "dnmf/linalg/eigen.hpp"

#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <cmath>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

/// Spectra's operator interface over a product callback.
class CallbackOp {
 public:
  using Scalar = double;
  CallbackOp(Index n, const std::function<void(const double*, double*)>& multiply)
      : n_(n), multiply_(multiply) {}
  Index rows() const { return n_; }
  Index cols() const { return n_; }
  void perform_op(const double* x, double* y) const { multiply_(x, y); }

 private:
  Index n_;
  const std::function<void(const double*, double*)>& multiply_;
};

/// Flips each column so that its entry of largest magnitude is positive (the sign of an
/// eigenvector is arbitrary; this makes results reproducible across solvers).
void fix_signs(Dense& vectors) {
  for (Index j = 0; j < vectors.cols(); ++j) {
    Index arg = 0;
    vectors.col(j).cwiseAbs().maxCoeff(&arg);
    if (vectors(arg, j) < 0) vectors.col(j) *= -1.0;
  }
}

}  // namespace

EigenResult symmetric_eigs(Index n, int k, const std::function<void(const double*, double*)>& multiply,
                           const EigenOptions& options) {
  if (k < 1 || k >= n)
    throw InvalidOption("eigenvectors: k = " + std::to_string(k) +
                        " must satisfy 1 <= k <= n - 1 = " + std::to_string(n - 1));
  CallbackOp op(n, multiply);
  const Index ncv = std::min<Index>(n, options.subspace > 0 ? options.subspace : std::max(2 * k + 1, 20));
  Spectra::SymEigsSolver<CallbackOp> solver(op, k, std::max<Index>(ncv, k + 1));
  solver.init();
  solver.compute(Spectra::SortRule::LargestAlge, options.max_restarts, options.tolerance,
                 Spectra::SortRule::LargestAlge);
  EigenResult r;
  r.restarts = static_cast<int>(solver.num_iterations());
  if (solver.info() != Spectra::CompInfo::Successful)
    throw NumericalError("eigenvectors: Lanczos did not converge in " + std::to_string(options.max_restarts) +
                         " restarts (k = " + std::to_string(k) + ", n = " + std::to_string(n) + ")");
  r.converged = true;
  r.values = solver.eigenvalues();
  r.vectors = solver.eigenvectors();
  fix_signs(r.vectors);
  return r;
}

EigenResult symmetric_eigs(const Csr& A, int k, const EigenOptions& options) {
  if (A.rows() != A.cols()) throw InvalidOption("eigenvectors: the matrix must be square");
  const auto multiply = [&A](const double* x, double* y) {
    const auto& rp = A.row_ptr();
    const auto& ci = A.col_idx();
    const auto& v = A.values();
#pragma omp parallel for schedule(static) if (A.nnz() > 100000)
    for (Index i = 0; i < A.rows(); ++i) {
      double s = 0.0;
      for (Csr::Offset p = rp[static_cast<size_t>(i)]; p < rp[static_cast<size_t>(i) + 1]; ++p)
        s += v[p] * x[ci[p]];
      y[i] = s;
    }
  };
  return symmetric_eigs(A.rows(), k, multiply, options);
}

SvdResult truncated_svd(const DataMatrix& X, int k, const EigenOptions& options) {
  const Index n = X.rows(), d = X.cols();
  const Index m = std::min(n, d);
  if (k < 1 || k > m)
    throw InvalidOption("truncated SVD: k = " + std::to_string(k) + " must satisfy 1 <= k <= min(n, d)");
  SvdResult r;
  Dense in, mid, out;
  // Gram operator on the smaller side: XᵀX (d×d) when d <= n, else XXᵀ (n×n).
  const bool features = d <= n;
  const auto multiply = [&](const double* x, double* y) {
    if (features) {
      in = Eigen::Map<const Vector>(x, d);
      X.times(in, mid);
      X.transpose_times(mid, out);
    } else {
      in = Eigen::Map<const Vector>(x, n);
      X.transpose_times(in, mid);
      X.times(mid, out);
    }
    std::copy(out.data(), out.data() + out.size(), y);
  };
  Dense vectors;
  Vector values;
  if (k < m) {
    EigenResult e = symmetric_eigs(m, k, multiply, options);
    vectors = std::move(e.vectors);
    values = std::move(e.values);
  } else {  // all of them: a dense eigensolve of the small Gram (k = m, so m is small)
    Dense gram(m, m), basis = Dense::Identity(m, m);
    for (Index j = 0; j < m; ++j) multiply(basis.col(j).data(), gram.col(j).data());
    Eigen::SelfAdjointEigenSolver<Dense> es(0.5 * (gram + gram.transpose()));
    values = es.eigenvalues().reverse();
    vectors = es.eigenvectors().rowwise().reverse();
    fix_signs(vectors);
  }
  r.singular = values.cwiseMax(0.0).cwiseSqrt();
  const double cut = 1e-12 * (r.singular.size() ? r.singular(0) : 0.0);
  Dense other;
  if (features) {
    r.V = vectors;
    X.times(r.V, other);  // U = X V Σ⁻¹
  } else {
    r.U = vectors;
    X.transpose_times(r.U, other);  // V = Xᵀ U Σ⁻¹
  }
  for (Index j = 0; j < k; ++j) {
    if (r.singular(j) > cut)
      other.col(j) /= r.singular(j);
    else
      other.col(j).setZero();
  }
  (features ? r.U : r.V) = std::move(other);
  // One sign convention whichever side was solved: V's largest entry positive.
  for (Index j = 0; j < k; ++j) {
    Index arg = 0;
    r.V.col(j).cwiseAbs().maxCoeff(&arg);
    if (r.V(arg, j) < 0) {
      r.V.col(j) *= -1.0;
      r.U.col(j) *= -1.0;
    }
  }
  return r;
}

}  // namespace dnmf
