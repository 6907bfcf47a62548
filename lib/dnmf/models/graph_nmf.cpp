#include "dnmf/models/graph_nmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/asym_rules.hpp"
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

double mean_entry(const Csr& A) {
  const double n = static_cast<double>(A.rows());
  const double sum = std::accumulate(A.values().begin(), A.values().end(), 0.0);
  return n > 0 ? sum / (n * n) : 0.0;
}

}  // namespace

namespace detail {

namespace {

constexpr Index kRuleBlock = 256;  // rows per block: R, T and their Φ products stay in cache

/// R and T (rows×k) of rows [begin, begin + count).
void rule_block(const AsymRuleInputs& in, Index begin, Index count, Dense& R, Dense& T) {
  R.noalias() = in.N1->middleRows(begin, count) * in.W;
  R.noalias() += in.N2->middleRows(begin, count) * in.W.transpose();
  T.noalias() = in.Psi->middleRows(begin, count) * in.core;
  if (in.lambda > 0.0) {
    R += in.lambda * (in.E1->middleRows(begin, count) + in.E2->middleRows(begin, count));
    T += in.lambda * (in.degree->segment(begin, count).asDiagonal() * in.Psi->middleRows(begin, count));
  }
}

}  // namespace

bool apply_asym_rule(const AsymRuleInputs& in, Dense& target, double epsilon, double exponent) {
  const Index n = in.Psi->rows();
  const Index blocks = (n + kRuleBlock - 1) / kRuleBlock;
  bool finite = true;
#pragma omp parallel if (n * target.cols() >= (Index{1} << 16))
  {
    Dense R, T, num, den;
    bool ok = true;
#pragma omp for schedule(static)
    for (Index b = 0; b < blocks; ++b) {
      const Index begin = b * kRuleBlock, count = std::min(kRuleBlock, n - begin);
      rule_block(in, begin, count, R, T);
      auto rows = target.middleRows(begin, count);
      if (in.PhiT.size() == 0) {
        ok = multiplicative_update_block(rows, R, T, epsilon, exponent, 0.0, rows) && ok;
      } else {
        num.noalias() = R * in.PhiT;
        den.noalias() = T * in.PhiT;
        ok = multiplicative_update_block(rows, num, den, epsilon, exponent, 0.0, rows) && ok;
      }
    }
    if (!ok) {
#pragma omp atomic write
      finite = false;
    }
  }
  return finite;
}

void asym_rule_parts(const AsymRuleInputs& in, Dense& numerator, Dense& denominator) {
  const Index n = in.Psi->rows(), r = in.PhiT.size() == 0 ? in.W.rows() : in.PhiT.cols();
  numerator.resize(n, r);
  denominator.resize(n, r);
  Dense R, T;
  for (Index b = 0; b < n; b += kRuleBlock) {
    const Index c = std::min(kRuleBlock, n - b);
    rule_block(in, b, c, R, T);
    if (in.PhiT.size() == 0) {
      numerator.middleRows(b, c) = R;
      denominator.middleRows(b, c) = T;
    } else {
      numerator.middleRows(b, c).noalias() = R * in.PhiT;
      denominator.middleRows(b, c).noalias() = T * in.PhiT;
    }
  }
}

void asym_parts_projected(const AsymRuleInputs& in, const Dense& L, Dense& LtR, Dense& LtT) {
  const Index n = in.Psi->rows(), k = in.W.rows();
  // Partial sums [LᵀR | LᵀT] over at most 16 fixed super-blocks, added in order.
  const Dense zero = Dense::Zero(L.cols(), 2 * k);
  Dense total = reduce_row_blocks(n, L.cols() + k, zero, [&](Index begin, Index count) {
    Dense part = zero, R, T;
    for (Index b = begin; b < begin + count; b += kRuleBlock) {
      const Index c = std::min(kRuleBlock, begin + count - b);
      rule_block(in, b, c, R, T);
      part.leftCols(k).noalias() += L.middleRows(b, c).transpose() * R;
      part.rightCols(k).noalias() += L.middleRows(b, c).transpose() * T;
    }
    return part;
  });
  LtR = total.leftCols(k);
  LtT = total.rightCols(k);
}

}  // namespace detail

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
  detail::require_adjacency(A, "symnmf");
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

AsnmfStart asymnmf_start(const Csr& A, const GraphNmfOptions& options, int which) {
  detail::require_adjacency(A, "asymnmf");
  options.validate(A.rows());
  const Index n = A.rows(), k = options.rank;
  // The rules only rescale entries, so the start decides which block structure W can
  // express: from W ≈ I (+ noise) the fit finds assortative blocks, from a uniform W it
  // also finds blocks linked only across (A ≈ HWHᵀ with W a cyclic pattern), and each
  // start fails on the other kind (measured on planted 4-block graphs). Both start from
  // the same H. E[(HWHᵀ)_ij] ≈ mean(A) for H uniform in [0, s) and W's mean entry w̄:
  // k² (s/2)² w̄.
  // Regenerated from the seed for each start, so only one n×k start exists at a time.
  if (which != 0 && which != 1) throw InvalidOption("asymnmf_start: which must be 0 or 1");
  Rng rng(options.seed);
  AsnmfStart start;
  start.H = rng.uniform_matrix(n, k, 1.0);
  const Dense W_random = rng.uniform_matrix(k, k, 1.0);
  start.W = 0.1 * rng.uniform_matrix(k, k, 1.0);
  start.W.diagonal().array() += 1.0;
  if (which == 1) start.W = W_random;
  start.H *= 2.0 * std::sqrt(std::max(mean_entry(A), 1e-300) / std::max(start.W.mean(), 1e-300)) / k;
  return start;
}

GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress) {
  // Both starts are run; the factorisation with the lower objective is kept.
  AsnmfStart s0 = asymnmf_start(A, options, 0);
  GraphNmfResult a = fit_asymnmf(A, options, std::move(s0.H), std::move(s0.W), progress);
  AsnmfStart s1 = asymnmf_start(A, options, 1);
  GraphNmfResult b = fit_asymnmf(A, options, std::move(s1.H), std::move(s1.W), progress);
  const double fa = a.objective.empty() ? 0.0 : a.objective.back();
  const double fb = b.objective.empty() ? 0.0 : b.objective.back();
  return fb < fa ? b : a;
}

GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, Dense H, Dense W,
                           const Progress& progress) {
  detail::require_adjacency(A, "asymnmf");
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
  Dense AH, AtH, G, HtAH, next;
  csr_times_dense(A, H, AH);
  detail::AsymRuleInputs rule;
  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ [(AᵀHW + AHWᵀ) ⊘ H(WᵀGW + WGWᵀ)]^γ, row block by row block in place
    // (no n×k numerator or denominator).      O(nnz·k + n·k² + k³)
    if (!symmetric) csr_times_dense(At, H, AtH);
    dense_gram(H, G);
    rule.N1 = symmetric ? &AH : &AtH;
    rule.N2 = &AH;
    rule.Psi = &H;
    rule.W = W;
    rule.core = W.transpose() * G * W + W * G * W.transpose();
    if (!detail::apply_asym_rule(rule, H, options.epsilon, gamma))
      throw NumericalError("NaN/Inf in H after iteration " + std::to_string(it) + " (asymnmf)");
    // W ← W ⊙ (HᵀAH) ⊘ max(GWG, δ) with the new H.      O(nnz·k + n·k² + k³)
    csr_times_dense(A, H, AH);
    dense_gram(H, G);
    dense_transpose_times(H, AH, HtAH);
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
