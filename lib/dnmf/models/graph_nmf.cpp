#include "dnmf/models/graph_nmf.hpp"

#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/fit_loop.hpp"
#include "dnmf/models/mu.hpp"

namespace dnmf {

void GraphNmfOptions::validate(Index n) const {
  if (rank < 1 || rank > n)
    throw InvalidOption("rank k = " + std::to_string(rank) +
                        " must satisfy 1 <= k <= n = " + std::to_string(n));
  if (max_iterations < 0) throw InvalidOption("max_iterations must be >= 0");
  if (!(tolerance >= 0.0)) throw InvalidOption("tolerance must be >= 0");
  if (!(exponent >= 0.0 && exponent <= 1.0)) throw InvalidOption("exponent must lie in (0, 1] (0 = default)");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
}

namespace {

void require_square(const Csr& A, const char* model) {
  if (A.rows() != A.cols())
    throw InvalidOption(std::string(model) + ": the adjacency must be square, got " +
                        std::to_string(A.rows()) + " x " + std::to_string(A.cols()));
  if (A.nnz() > 0 && A.min_value() < 0.0)
    throw InvalidOption(std::string(model) + ": the adjacency must be >= 0");
}

double mean_entry(const Csr& A) {
  const double n = static_cast<double>(A.rows());
  const double sum = std::accumulate(A.values().begin(), A.values().end(), 0.0);
  return n > 0 ? sum / (n * n) : 0.0;
}

}  // namespace

std::vector<int> argmax_rows(const Dense& H) {
  std::vector<int> labels(static_cast<size_t>(H.rows()), 0);
  for (Index i = 0; i < H.rows(); ++i) {
    Index best = 0;
    for (Index j = 1; j < H.cols(); ++j)
      if (H(i, j) > H(i, best)) best = j;
    labels[static_cast<size_t>(i)] = static_cast<int>(best);
  }
  return labels;
}

double symnmf_objective(const Csr& A, const Dense& H) {
  Dense AH, G;
  csr_times_dense(A, H, AH);
  dense_gram(H, G);
  return std::max(0.0, A.squared_norm() - 2.0 * (H.array() * AH.array()).sum() + G.squaredNorm());
}

double asymnmf_objective(const Csr& A, const Dense& H, const Dense& W) {
  Dense AH, G;
  csr_times_dense(A, H, AH);
  dense_gram(H, G);
  const Dense HtAH = H.transpose() * AH;
  return std::max(0.0, A.squared_norm() - 2.0 * (W.array() * HtAH.array()).sum() +
                           (W.array() * (G * W * G).array()).sum());
}

GraphNmfResult fit_symnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress) {
  require_square(A, "symnmf");
  options.validate(A.rows());
  if (!A.is_symmetric())
    throw InvalidOption(
        "symnmf needs a symmetric adjacency (an undirected graph); use asymnmf for directed graphs");
  const Index n = A.rows(), k = options.rank;
  const double gamma = options.exponent > 0.0 ? options.exponent : 1.0 / 3.0;
  // E[(HHᵀ)_ij] = k (s/2)² = mean(A) for entries uniform in [0, s).
  Rng rng(options.seed);
  Dense H = rng.uniform_matrix(n, k, 2.0 * std::sqrt(std::max(mean_entry(A), 1e-300) / k));
  GraphNmfResult r;
  detail::FitLoop loop(r.objective, r.iterations, r.status, options.max_iterations, options.tolerance,
                       progress, "symnmf");
  const double a2 = A.squared_norm();
  Dense AH, G, denominator, next;
  csr_times_dense(A, H, AH);
  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ [AH ⊘ max(H(HᵀH), δ)]^γ      O(nnz·k + n·k²)
    dense_gram(H, G);
    dense_times(H, G, denominator);
    if (!multiplicative_update_into(H, AH, denominator, options.epsilon, gamma, 0.0, next))
      throw NumericalError("NaN/Inf in H after iteration " + std::to_string(it) + " (symnmf)");
    H.swap(next);
    // Value at the new H; its A·H is the next iteration's numerator.
    csr_times_dense(A, H, AH);
    dense_gram(H, G);
    const double f = std::max(0.0, a2 - 2.0 * (H.array() * AH.array()).sum() + G.squaredNorm());
    if (!loop.record(it, f)) break;
  }
  r.seconds = loop.elapsed();
  r.labels = argmax_rows(H);
  r.H = std::move(H);
  return r;
}

std::vector<AsnmfStart> asymnmf_starts(const Csr& A, const GraphNmfOptions& options) {
  require_square(A, "asymnmf");
  options.validate(A.rows());
  const Index n = A.rows(), k = options.rank;
  // The rules only rescale entries, so the start decides which block structure W can
  // express: from W ≈ I (+ noise) the fit finds assortative blocks, from a uniform W it
  // also finds blocks linked only across (A ≈ HWHᵀ with W a cyclic pattern), and each
  // start fails on the other kind (measured on planted 4-block graphs). Both start from
  // the same H. E[(HWHᵀ)_ij] ≈ mean(A) for H uniform in [0, s) and W's mean entry w̄:
  // k² (s/2)² w̄.
  Rng rng(options.seed);
  const Dense H0 = rng.uniform_matrix(n, k, 1.0);
  Dense W_random = rng.uniform_matrix(k, k, 1.0);
  Dense W_diagonal = 0.1 * rng.uniform_matrix(k, k, 1.0);
  W_diagonal.diagonal().array() += 1.0;
  const auto scaled = [&](const Dense& W) {
    const double s = 2.0 * std::sqrt(std::max(mean_entry(A), 1e-300) / std::max(W.mean(), 1e-300)) / k;
    return Dense(s * H0);
  };
  return {{scaled(W_diagonal), W_diagonal}, {scaled(W_random), W_random}};
}

GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress) {
  // Both starts are run; the factorisation with the lower objective is kept.
  std::vector<AsnmfStart> starts = asymnmf_starts(A, options);
  GraphNmfResult a = fit_asymnmf(A, options, std::move(starts[0].H), std::move(starts[0].W), progress);
  GraphNmfResult b = fit_asymnmf(A, options, std::move(starts[1].H), std::move(starts[1].W), progress);
  const double fa = a.objective.empty() ? 0.0 : a.objective.back();
  const double fb = b.objective.empty() ? 0.0 : b.objective.back();
  return fb < fa ? b : a;
}

GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, Dense H, Dense W,
                           const Progress& progress) {
  require_square(A, "asymnmf");
  options.validate(A.rows());
  const Index n = A.rows(), k = options.rank;
  if (H.rows() != n || H.cols() != k || W.rows() != k || W.cols() != k)
    throw InvalidOption("asymnmf: starting factors must be n×k and k×k");
  const double gamma = options.exponent > 0.0 ? options.exponent : 0.25;
  const bool symmetric = A.is_symmetric();
  const Csr At = symmetric ? Csr() : A.transpose();
  GraphNmfResult r;
  detail::FitLoop loop(r.objective, r.iterations, r.status, options.max_iterations, options.tolerance,
                       progress, "asymnmf");
  const double a2 = A.squared_norm();
  Dense AH, AtH, G, numerator, denominator, next;
  csr_times_dense(A, H, AH);
  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ [(AᵀHW + AHWᵀ) ⊘ H(WᵀGW + WGWᵀ)]^γ      O(nnz·k + n·k² + k³)
    if (!symmetric) csr_times_dense(At, H, AtH);
    const Dense& ath = symmetric ? AH : AtH;
    dense_gram(H, G);
    numerator.noalias() = ath * W;  // no n×k temporaries: both products accumulate in place
    numerator.noalias() += AH * W.transpose();
    const Dense core = W.transpose() * G * W + W * G * W.transpose();
    dense_times(H, core, denominator);
    if (!multiplicative_update_into(H, numerator, denominator, options.epsilon, gamma, 0.0, next))
      throw NumericalError("NaN/Inf in H after iteration " + std::to_string(it) + " (asymnmf)");
    H.swap(next);
    // W ← W ⊙ (HᵀAH) ⊘ max(GWG, δ) with the new H.      O(nnz·k + n·k² + k³)
    csr_times_dense(A, H, AH);
    dense_gram(H, G);
    const Dense HtAH = H.transpose() * AH;
    const Dense GWG = G * W * G;
    if (!multiplicative_update_into(W, HtAH, GWG, options.epsilon, 1.0, 0.0, next))
      throw NumericalError("NaN/Inf in W after iteration " + std::to_string(it) + " (asymnmf)");
    W.swap(next);
    const double f =
        std::max(0.0, a2 - 2.0 * (W.array() * HtAH.array()).sum() + (W.array() * (G * W * G).array()).sum());
    if (!loop.record(it, f)) break;
  }
  r.seconds = loop.elapsed();
  r.labels = argmax_rows(H);
  r.H = std::move(H);
  r.W = std::move(W);
  return r;
}

}  // namespace dnmf
