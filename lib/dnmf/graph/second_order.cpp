#include "dnmf/graph/second_order.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dnmf/core/error.hpp"
#include "dnmf/graph/pagerank.hpp"
#include "dnmf/linalg/graphblas.hpp"

namespace dnmf {

namespace {

struct Entry {
  double value;
  Csr::ColIndex col;
};

/// Larger value first; equal values: smaller column first (a strict total order,
/// since the columns of one row are distinct).
bool ranks_before(const Entry& a, const Entry& b) {
  return a.value != b.value ? a.value > b.value : a.col < b.col;
}

/// Rows [first, last) of B as a Csr of their own, O(nnz of the block).
Csr row_block(const Csr& B, Index first, Index last) {
  const auto& rp = B.row_ptr();
  const Csr::Offset begin = rp[first], end = rp[last];
  std::vector<Csr::Offset> row_ptr(static_cast<std::size_t>(last - first) + 1);
  for (Index i = first; i <= last; ++i) row_ptr[static_cast<std::size_t>(i - first)] = rp[i] - begin;
  std::vector<Csr::ColIndex> col_idx(B.col_idx().begin() + begin, B.col_idx().begin() + end);
  std::vector<double> values(B.values().begin() + begin, B.values().begin() + end);
  return Csr(last - first, B.cols(), std::move(row_ptr), std::move(col_idx), std::move(values));
}

}  // namespace

void SecondOrderOptions::validate() const {
  if (top < 0)
    throw InvalidOption("SecondOrderOptions.top must be >= 0 (0 = keep all), got " + std::to_string(top));
  if (block_products < 1)
    throw InvalidOption("SecondOrderOptions.block_products must be >= 1, got " +
                        std::to_string(block_products));
}

Csr second_order_similarity(const Csr& A, const SecondOrderOptions& options) {
  options.validate();
  const Csr B = binary_pattern(A);
  const Index n = B.rows();
  const Vector d = B.row_sums();      // out-degrees d_u
  const Vector indeg = B.col_sums();  // in-degrees, for the cost of each row
  Csr S(n, n);
  if (B.nnz() == 0) return S;

  // Bᵀ once, explicitly: then each block product B_R·Bᵀ is a plain row-wise
  // (Gustavson) SpGEMM and GraphBLAS never re-transposes per block.
  const grb::Matrix Bt = grb::from_csr(B.transpose());

  const auto& brp = B.row_ptr();
  const auto& bci = B.col_idx();
  const std::size_t top = static_cast<std::size_t>(options.top);
  std::vector<Csr::Offset> row_ptr(static_cast<std::size_t>(n) + 1, 0);
  std::vector<Csr::ColIndex> col_idx;
  std::vector<double> values;

  for (Index first = 0; first < n;) {
    // Grow the block while its multiply-adds Σ_{u∈R} Σ_{w∈Γ_u} indeg_w stay within budget.
    Index last = first;
    double products = 0.0;
    while (last < n) {
      double row_products = 0.0;
      for (Csr::Offset p = brp[last]; p < brp[last + 1]; ++p) row_products += indeg[bci[p]];
      if (last > first && products + row_products > static_cast<double>(options.block_products)) break;
      products += row_products;
      ++last;
    }

    // C_R = B_R·Bᵀ with PLUS_PAIR: c_uv = |Γ_u ∩ Γ_v| (exact integers in double).
    // Rows come back unsorted: only the kept entries get sorted below.
    const grb::RowArrays C =
        grb::unpack_rows(grb::mxm(grb::from_csr(row_block(B, first, last)), Bt, grb::Semiring::plus_pair));
    const std::uint64_t* crp = C.row_ptr();
    const std::uint64_t* cci = C.col_idx();
    const double* cv = C.values();
    const Index block_rows = last - first;

    // Threads only pay off beyond a few thousand entries (small graphs: serial).
    const bool parallel = C.nnz() > 20000;
    // Pass 1: entries kept per row (diagonal removed first so it never takes a top slot).
    std::vector<Csr::Offset> kept(static_cast<std::size_t>(block_rows) + 1, 0);
#pragma omp parallel for schedule(dynamic, 64) if (parallel)
    for (Index r = 0; r < block_rows; ++r) {
      const std::uint64_t u = static_cast<std::uint64_t>(first + r);
      std::size_t length = crp[r + 1] - crp[r];
      if (options.zero_diagonal && std::find(cci + crp[r], cci + crp[r + 1], u) != cci + crp[r + 1]) --length;
      kept[static_cast<std::size_t>(r) + 1] =
          static_cast<Csr::Offset>(top > 0 ? std::min(length, top) : length);
    }
    for (std::size_t r = 0; r < static_cast<std::size_t>(block_rows); ++r) kept[r + 1] += kept[r];
    const std::size_t base = col_idx.size();
    col_idx.resize(base + static_cast<std::size_t>(kept.back()));
    values.resize(col_idx.size());

    // Pass 2: weights of eq. (11), then the top-q selection, rows in parallel.
#pragma omp parallel if (parallel)
    {
      std::vector<Entry> row;
#pragma omp for schedule(dynamic, 64)
      for (Index r = 0; r < block_rows; ++r) {
        const Index u = first + r;
        const double du = d[u];
        row.clear();
        for (std::uint64_t p = crp[r]; p < crp[r + 1]; ++p) {
          const Index v = static_cast<Index>(cci[p]);
          if (options.zero_diagonal && v == u) continue;
          // c > 0 implies d_u, d_v ≥ 1: no division by zero.
          const double c = cv[p], dv = d[v];
          const double s = (c / std::sqrt(du * dv)) * (c / du) * (2.0 * c / (du + dv));
          row.push_back({s, static_cast<Csr::ColIndex>(v)});
        }
        const bool truncate = top > 0 && row.size() > top;
        if (truncate) {
          // Expected O(row length). The kept set does not depend on the input order
          // (ranks_before is a total order), so jumbled rows give the same result.
          std::nth_element(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(top), row.end(),
                           ranks_before);
          row.resize(top);
        }
        if (truncate || !C.sorted())  // CSR needs increasing columns: O(kept · log kept)
          std::sort(row.begin(), row.end(), [](const Entry& a, const Entry& b) { return a.col < b.col; });
        std::size_t out = base + static_cast<std::size_t>(kept[static_cast<std::size_t>(r)]);
        for (const Entry& e : row) {
          col_idx[out] = e.col;
          values[out++] = e.value;
        }
      }
    }
    for (Index r = 0; r < block_rows; ++r)
      row_ptr[static_cast<std::size_t>(first + r) + 1] =
          static_cast<Csr::Offset>(base) + kept[static_cast<std::size_t>(r) + 1];
    first = last;
  }
  return Csr(n, n, std::move(row_ptr), std::move(col_idx), std::move(values));
}

Csr add_scaled(const Csr& A, const Csr& S, double eta) {
  if (A.rows() != S.rows() || A.cols() != S.cols())
    throw InvalidOption("add_scaled: A is " + std::to_string(A.rows()) + " x " + std::to_string(A.cols()) +
                        " but S is " + std::to_string(S.rows()) + " x " + std::to_string(S.cols()));
  if (!(std::isfinite(eta) && eta >= 0.0))
    throw InvalidOption("add_scaled: eta must be finite and >= 0, got " + std::to_string(eta));
  // η = 0 would otherwise store explicit zeros wherever only S has entries.
  if (eta == 0.0) return A;
  // A_S = A ⊕₊ (η·S): union of patterns, A_ij + ηS_ij where both are stored. O(nnz(A) + nnz(S)).
  return grb::to_csr(
      grb::ewise_add(grb::from_csr(A), grb::scaled(grb::from_csr(S), eta), grb::BinaryOp::plus));
}

}  // namespace dnmf
