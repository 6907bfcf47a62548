#include "dnmf/graph/pagerank.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

/// Σ_{i<n} term(i, first, second) for two sums at once, accumulated in fixed chunks
/// of 4096 and then the chunk sums in order: the rounding, hence the iteration count,
/// is the same for any thread count. term may also write per-i outputs (each i is
/// visited by exactly one thread). One parallel region, and none at all for n ≤ 4096
/// where thread start-up would cost more than the work.
template <class Term>
std::pair<double, double> fixed_order_sums(Index n, Term term) {
  constexpr Index kChunk = 4096;
  const Index chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> first(static_cast<std::size_t>(chunks), 0.0), second(first.size(), 0.0);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (Index c = 0; c < chunks; ++c) {
    double a = 0.0, b = 0.0;
    const Index end = std::min(n, (c + 1) * kChunk);
    for (Index i = c * kChunk; i < end; ++i) term(i, a, b);
    first[static_cast<std::size_t>(c)] = a;
    second[static_cast<std::size_t>(c)] = b;
  }
  return {std::accumulate(first.begin(), first.end(), 0.0),
          std::accumulate(second.begin(), second.end(), 0.0)};
}

}  // namespace

Csr binary_pattern(const Csr& A) {
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& v = A.values();
  std::vector<Csr::Offset> row_ptr(static_cast<std::size_t>(A.rows()) + 1, 0);
  std::vector<Csr::ColIndex> col_idx;
  col_idx.reserve(ci.size());
  for (Index i = 0; i < A.rows(); ++i) {
    for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p)
      if (v[p] != 0.0) col_idx.push_back(ci[p]);
    row_ptr[static_cast<std::size_t>(i) + 1] = static_cast<Csr::Offset>(col_idx.size());
  }
  std::vector<double> ones(col_idx.size(), 1.0);
  return Csr(A.rows(), A.cols(), std::move(row_ptr), std::move(col_idx), std::move(ones));
}

void PageRankOptions::validate() const {
  if (!(damping >= 0.0 && damping < 1.0))
    throw InvalidOption("PageRankOptions.damping must satisfy 0 <= damping < 1, got " +
                        std::to_string(damping));
  if (!(tolerance >= 0.0))
    throw InvalidOption("PageRankOptions.tolerance must be >= 0, got " + std::to_string(tolerance));
  if (max_iterations < 1)
    throw InvalidOption("PageRankOptions.max_iterations must be >= 1, got " + std::to_string(max_iterations));
}

PageRankResult pagerank(const Csr& A, const PageRankOptions& options) {
  options.validate();
  if (A.rows() != A.cols())
    throw InvalidOption("pagerank: adjacency must be square, got " + std::to_string(A.rows()) + " x " +
                        std::to_string(A.cols()));
  const Index n = A.rows();
  PageRankResult result;
  if (n == 0) {
    result.scores = Vector(0);
    result.converged = true;
    return result;
  }
  if (options.use_weights && A.nnz() > 0 && A.min_value() < 0.0)
    throw InputError("pagerank: use_weights needs nonnegative weights, smallest is " +
                     std::to_string(A.min_value()));

  // P holds the transition weights before normalisation: the pattern (counts) or A itself.
  Csr pattern;
  if (!options.use_weights) pattern = binary_pattern(A);
  const Csr& P = options.use_weights ? A : pattern;
  const Vector out_weight = P.row_sums();  // K^out (counts) or weighted out-degree
  Vector inv_out(n);
  for (Index i = 0; i < n; ++i) inv_out[i] = out_weight[i] > 0.0 ? 1.0 / out_weight[i] : 0.0;
  // Pᵀ in CSR: row j lists the in-neighbours of j, so each new c_j is a gather
  // summed by one thread (no atomics, deterministic).
  const Csr Pt = P.transpose();
  const auto& rp = Pt.row_ptr();
  const auto& ci = Pt.col_idx();
  const auto& w = Pt.values();

  const double rho = options.damping, inv_n = 1.0 / static_cast<double>(n);
  // c: current scores; y = D_out⁻¹c (what each node sends along one out-edge);
  // dangling = Σ c_j over nodes without out-edges. next/y_next double-buffer them.
  Vector c = Vector::Constant(n, inv_n), next(n), y(n), y_next(n);
  double dangling = 0.0;
  for (Index i = 0; i < n; ++i) {
    y[i] = c[i] * inv_out[i];
    if (out_weight[i] == 0.0) dangling += c[i];
  }
  for (int it = 1; it <= options.max_iterations; ++it) {
    // Dangling mass is redistributed uniformly (docs/models.md §8.6).
    const double base = (1.0 - rho) * inv_n + rho * dangling * inv_n;
    // next = base·1 + ρ·Pᵀy in one O(nnz + n) pass that also yields ‖next − c‖₁ and
    // the next dangling mass, so each iteration has a single parallel region.
    const auto [change, next_dangling] = fixed_order_sums(n, [&](Index j, double& l1, double& dang) {
      double s = 0.0;
      for (Csr::Offset p = rp[j]; p < rp[j + 1]; ++p) s += w[p] * y[ci[p]];
      const double value = base + rho * s;
      next[j] = value;
      y_next[j] = value * inv_out[j];
      l1 += std::abs(value - c[j]);
      if (out_weight[j] == 0.0) dang += value;
    });
    c.swap(next);
    y.swap(y_next);
    dangling = next_dangling;
    result.iterations = it;
    if (change < options.tolerance) {
      result.converged = true;
      break;
    }
  }
  result.scores = std::move(c);
  return result;
}

Csr influence_matrix(const Csr& A, const Vector& c) {
  if (c.size() != A.rows())
    throw InvalidOption("influence_matrix: c has " + std::to_string(c.size()) + " entries, A has " +
                        std::to_string(A.rows()) + " rows");
  if (!c.allFinite()) throw InputError("influence_matrix: c has a non-finite entry");
  // C = diag(c)·pattern(A), O(nnz).
  Csr C = binary_pattern(A);
  C.scale_rows(c);
  return C;
}

}  // namespace dnmf
