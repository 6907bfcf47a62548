#include "dnmf/linalg/products.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "dnmf/core/error.hpp"

namespace dnmf {

void csr_times_dense(const Csr& A, const Dense& B, Dense& out) {
  if (A.cols() != B.rows())
    throw InvalidOption("csr_times_dense: shapes " + std::to_string(A.rows()) + "x" +
                        std::to_string(A.cols()) + " and " + std::to_string(B.rows()) + "x" +
                        std::to_string(B.cols()) + " do not conform");
  const Index m = A.rows(), k = B.cols();
  // Work on transposed (k × ·) copies so that row j of B and row i of the result
  // are contiguous columns: the inner loop is then a unit-stride axpy of length k.
  // The two copies cost O((n+m)·k), small next to the O(nnz·k) product.
  const Dense Bt = B.transpose();
  Dense Ct(k, m);
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& v = A.values();
// Small products are not worth a fork/join (which costs milliseconds on a loaded machine).
#pragma omp parallel for schedule(dynamic, 256) if (A.nnz() * k > 200000)
  for (Index i = 0; i < m; ++i) {
    auto c = Ct.col(i);
    c.setZero();
    for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) c.noalias() += v[p] * Bt.col(ci[p]);
  }
  out = Ct.transpose();
}

Dense csr_times_dense(const Csr& A, const Dense& B) {
  Dense out;
  csr_times_dense(A, B, out);
  return out;
}

namespace {

/// Row blocks: the count depends only on the row count (never on the threads), which
/// keeps reductions over blocks deterministic.
Index block_count(Index rows) {
  constexpr Index kMinRows = 2048, kMaxBlocks = 16;
  return std::max<Index>(1, std::min<Index>(kMaxBlocks, (rows + kMinRows - 1) / kMinRows));
}

Index block_begin(Index rows, Index blocks, Index b) {
  return rows * b / blocks;
}

}  // namespace

void dense_times(const Dense& A, const Dense& B, Dense& out) {
  if (A.cols() != B.rows()) throw InvalidOption("dense_times: shapes do not conform");
  out.resize(A.rows(), B.cols());
  const Index blocks = block_count(A.rows());
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = block_begin(A.rows(), blocks, b), end = block_begin(A.rows(), blocks, b + 1);
    out.middleRows(begin, end - begin).noalias() = A.middleRows(begin, end - begin) * B;
  }
}

void dense_transpose_times(const Dense& A, const Dense& B, Dense& out) {
  if (A.rows() != B.rows()) throw InvalidOption("dense_transpose_times: shapes do not conform");
  const Index blocks = block_count(A.rows());
  std::vector<Dense> partial(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = block_begin(A.rows(), blocks, b), end = block_begin(A.rows(), blocks, b + 1);
    partial[b].noalias() = A.middleRows(begin, end - begin).transpose() * B.middleRows(begin, end - begin);
  }
  out = std::move(partial[0]);
  for (Index b = 1; b < blocks; ++b) out += partial[b];
}

}  // namespace dnmf
