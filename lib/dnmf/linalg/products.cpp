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
  // Row j of B and row i of the result must be contiguous for a unit-stride axpy of
  // length k: B is copied transposed (O(n·k)), and result rows are built in a small
  // per-thread buffer and stored into the column-major result 32 rows at a time.
  const Dense Bt = B.transpose();
  out.resize(m, k);
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& v = A.values();
  const double* b = Bt.data();
  constexpr Index kChunk = 32;  // rows computed into a local buffer, then stored column-wise
  const Index chunks = (m + kChunk - 1) / kChunk;
// Small products are not worth a fork/join (which costs milliseconds on a loaded machine).
#pragma omp parallel if (A.nnz() * k > 200000)
  {
    std::vector<double> buffer(static_cast<size_t>(kChunk * k));
#pragma omp for schedule(dynamic, 8)
    for (Index chunk = 0; chunk < chunks; ++chunk) {
      const Index first = chunk * kChunk, rows = std::min(kChunk, m - first);
      for (Index r = 0; r < rows; ++r) {
        const Index i = first + r;
        double* c = buffer.data() + r * k;
        std::fill(c, c + k, 0.0);
        Csr::Offset p = rp[i];
        // Two stored entries per pass halve the loads and stores of the output row; the
        // summation order is fixed by the row alone, so threads never change the result.
        for (; p + 1 < rp[i + 1]; p += 2) {
          const double v0 = v[p], v1 = v[p + 1];
          const double* b0 = b + static_cast<Index>(ci[p]) * k;
          const double* b1 = b + static_cast<Index>(ci[p + 1]) * k;
#pragma omp simd
          for (Index j = 0; j < k; ++j) c[j] += v0 * b0[j] + v1 * b1[j];
        }
        if (p < rp[i + 1]) {
          const double v0 = v[p];
          const double* b0 = b + static_cast<Index>(ci[p]) * k;
#pragma omp simd
          for (Index j = 0; j < k; ++j) c[j] += v0 * b0[j];
        }
      }
      for (Index j = 0; j < k; ++j) {
        double* column = out.data() + j * m + first;
        for (Index r = 0; r < rows; ++r) column[r] = buffer[static_cast<size_t>(r * k + j)];
      }
    }
  }
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

void csr_transpose_times_dense(const Csr& A, const Dense& B, Dense& out) {
  if (A.rows() != B.rows()) throw InvalidOption("csr_transpose_times_dense: shapes do not conform");
  const Index n = A.cols(), k = B.cols();
  const Index blocks = block_count(A.rows());
  const Dense Bt = B.transpose();  // row i of B is a contiguous column
  std::vector<Dense> partial(static_cast<size_t>(blocks));
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& v = A.values();
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1 && A.nnz() * k > 200000)
  for (Index b = 0; b < blocks; ++b) {
    Dense& part = partial[static_cast<size_t>(b)];
    part.setZero(k, n);  // column f accumulates row f of the result
    const Index begin = block_begin(A.rows(), blocks, b), end = block_begin(A.rows(), blocks, b + 1);
    double* out_rows = part.data();
    for (Index i = begin; i < end; ++i) {
      const double* bi = Bt.data() + i * k;
      for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) {
        double* c = out_rows + static_cast<Index>(ci[p]) * k;
        const double vp = v[p];
#pragma omp simd
        for (Index j = 0; j < k; ++j) c[j] += vp * bi[j];
      }
    }
  }
  for (Index b = 1; b < blocks; ++b) partial[0] += partial[static_cast<size_t>(b)];
  out = partial[0].transpose();
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
