#include "dnmf/linalg/products.hpp"

#include <string>

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
#pragma omp parallel for schedule(dynamic, 256)
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

}  // namespace dnmf
