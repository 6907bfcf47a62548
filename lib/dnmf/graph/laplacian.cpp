#include "dnmf/graph/laplacian.hpp"

#include <cmath>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/products.hpp"

namespace dnmf {

namespace {

void require_square(const Csr& S, const char* what) {
  if (S.rows() != S.cols())
    throw InvalidOption(std::string(what) + ": the graph must be square, got " + std::to_string(S.rows()) +
                        "x" + std::to_string(S.cols()));
}

/// diag(diagonal) − scale_i · S_ij · scale_j, merging the diagonal into each row.
Csr diagonal_minus(const Csr& S, const Vector& diagonal, const Vector* scale) {
  const Index n = S.rows();
  std::vector<Csr::Offset> rp(static_cast<size_t>(n + 1), 0);
  std::vector<Csr::ColIndex> ci;
  std::vector<double> v;
  ci.reserve(static_cast<size_t>(S.nnz() + n));
  v.reserve(static_cast<size_t>(S.nnz() + n));
  for (Index i = 0; i < n; ++i) {
    bool diagonal_done = false;
    for (Csr::Offset p = S.row_ptr()[i]; p < S.row_ptr()[i + 1]; ++p) {
      const Index j = S.col_idx()[p];
      double value = -S.values()[p] * (scale ? (*scale)(i) * (*scale)(j) : 1.0);
      if (!diagonal_done && j >= i) {
        if (j == i) {
          value += diagonal(i);
        } else {
          ci.push_back(static_cast<Csr::ColIndex>(i));
          v.push_back(diagonal(i));
        }
        diagonal_done = true;
      }
      ci.push_back(static_cast<Csr::ColIndex>(j));
      v.push_back(value);
    }
    if (!diagonal_done) {
      ci.push_back(static_cast<Csr::ColIndex>(i));
      v.push_back(diagonal(i));
    }
    rp[i + 1] = static_cast<Csr::Offset>(v.size());
  }
  return Csr(n, n, std::move(rp), std::move(ci), std::move(v));
}

}  // namespace

Vector degrees(const Csr& S) {
  return S.row_sums();
}

Csr laplacian(const Csr& S) {
  require_square(S, "laplacian");
  return diagonal_minus(S, degrees(S), nullptr);
}

Csr normalized_laplacian(const Csr& S) {
  require_square(S, "normalized_laplacian");
  const Vector d = degrees(S);
  Vector scale(d.size());
  for (Index i = 0; i < d.size(); ++i) scale(i) = d(i) > 0 ? 1.0 / std::sqrt(d(i)) : 0.0;
  return diagonal_minus(S, Vector::Ones(S.rows()), &scale);
}

void laplacian_times(const Csr& S, const Vector& deg, const Dense& M, Dense& out) {
  require_square(S, "laplacian_times");
  csr_times_dense(S, M, out);  // S·M, O(nnz·k)
  out = deg.asDiagonal() * M - out;
}

Dense laplacian_quadratic(const Csr& S, const Vector& deg, const Dense& M) {
  require_square(S, "laplacian_quadratic");
  Dense SM;
  csr_times_dense(S, M, SM);
  // Mᵀ D M − Mᵀ S M: two n×k by k×n products of cost O(n·k²).
  return M.transpose() * (deg.asDiagonal() * M) - M.transpose() * SM;
}

}  // namespace dnmf
