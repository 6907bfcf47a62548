#include "dnmf/models/nmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/models/mu.hpp"

namespace dnmf {

void NmfOptions::validate(Index n, Index d) const {
  const Index limit = std::min(n, d);
  if (rank < 1 || rank > limit)
    throw InvalidOption("rank = " + std::to_string(rank) +
                        " must satisfy 1 <= rank <= min(n, d) = " + std::to_string(limit));
  if (max_iterations < 1)
    throw InvalidOption("max_iterations = " + std::to_string(max_iterations) + " must be >= 1");
  if (!(tolerance >= 0.0)) throw InvalidOption("tolerance must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
  if (!(floor >= 0.0)) throw InvalidOption("floor must be >= 0");
}

double nmf_objective(const DataMatrix& X, const Dense& W, const Dense& H) {
  Dense XtH;
  X.transpose_times(H, XtH);
  // ‖X − HWᵀ‖² = ‖X‖² − 2⟨W, XᵀH⟩ + ⟨WᵀW, HᵀH⟩: k×k Grams instead of the n×d residual.
  const double f = X.squared_norm() - 2.0 * (W.array() * XtH.array()).sum() +
                   ((W.transpose() * W).array() * (H.transpose() * H).array()).sum();
  return std::max(f, 0.0);  // cancellation may leave a tiny negative value at an exact fit
}

NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  const Index k = options.rank;
  // Scale the random start like scikit-learn's "random" init, so that HWᵀ has X's mean.
  const double scale = std::sqrt(std::max(X.mean_value(), 1e-300) / static_cast<double>(k));
  Rng rng(options.seed);
  Dense W = rng.uniform_matrix(X.cols(), k, scale);
  Dense H = rng.uniform_matrix(X.rows(), k, scale);
  return fit_nmf(X, options, std::move(W), std::move(H), progress);
}

NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                  const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  const Index k = options.rank;
  if (W.rows() != X.cols() || W.cols() != k || H.rows() != X.rows() || H.cols() != k)
    throw InvalidOption("initial factors must be W: d×k = " + std::to_string(X.cols()) + "×" +
                        std::to_string(k) + " and H: n×k = " + std::to_string(X.rows()) + "×" +
                        std::to_string(k));
  if ((W.array() < 0).any() || (H.array() < 0).any() || !W.allFinite() || !H.allFinite())
    throw InvalidOption("initial factors must be finite and nonnegative");

  const auto start = std::chrono::steady_clock::now();
  const double x_norm2 = X.squared_norm();
  NmfResult result;
  result.objective.reserve(static_cast<size_t>(options.max_iterations));
  Dense XW, XtH, gram(k, k), denominator;
  double previous = nmf_objective(X, W, H);
  result.status = Status::max_iterations;

  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ (XW) ⊘ max(H(WᵀW), δ)     O(nnz·k + n·k²)
    X.times(W, XW);
    gram.noalias() = W.transpose() * W;
    denominator.noalias() = H * gram;
    multiplicative_update(H, XW, denominator, options.epsilon, 1.0, options.floor);
    check_finite(H, "H", it, "nmf");

    // W ← W ⊙ (XᵀH) ⊘ max(W(HᵀH), δ)    O(nnz·k + d·k²)
    X.transpose_times(H, XtH);
    gram.noalias() = H.transpose() * H;
    denominator.noalias() = W * gram;
    multiplicative_update(W, XtH, denominator, options.epsilon, 1.0, options.floor);
    check_finite(W, "W", it, "nmf");

    // Objective with the new W and H; XᵀH and HᵀH are those of the new H. O(d·k²).
    const double f = std::max(0.0, x_norm2 - 2.0 * (W.array() * XtH.array()).sum() +
                                       ((W.transpose() * W).array() * gram.array()).sum());
    if (!std::isfinite(f))
      throw NumericalError("objective is NaN/Inf after iteration " + std::to_string(it) + " (nmf)");
    result.objective.push_back(f);
    result.iterations = it;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress && !progress({"nmf", it, options.max_iterations, f, elapsed})) {
      result.status = Status::stopped_by_callback;
      break;
    }
    if (options.tolerance > 0.0 && previous > 0.0 && (previous - f) <= options.tolerance * previous &&
        it > 1) {
      result.status = Status::converged;
      break;
    }
    if (f == 0.0) {  // exact factorisation: nothing left to improve
      result.status = Status::converged;
      break;
    }
    previous = f;
  }
  result.W = std::move(W);
  result.H = std::move(H);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace dnmf
