// Leading eigenpairs of symmetric operators and truncated SVDs of data matrices, by
// restarted Lanczos (Spectra, Debian libspectra-dev). Used by spectral clustering
// (graph/spectral) and the NNDSVD starts (models/init). Only products with the operator
// are needed, so sparse inputs stay sparse.
#pragma once

#include <functional>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

struct EigenOptions {
  int max_restarts = 1000;   ///< Lanczos restarts before giving up
  double tolerance = 1e-10;  ///< relative accuracy of the Ritz values
  int subspace = 0;          ///< Krylov subspace size; 0 = max(2k + 1, 20), at most n
};

struct EigenResult {
  Vector values;  ///< k values, largest first
  Dense vectors;  ///< n×k, orthonormal columns; each column's largest entry is > 0
  int restarts = 0;
  bool converged = false;  ///< false: NumericalError is thrown instead (the result is complete when returned)
};

/// The k algebraically largest eigenpairs of the symmetric n×n operator y = A·x given by
/// `multiply` (x, y of length n). Deterministic (Spectra's fixed start vector). Cost:
/// O(restarts · subspace · (cost of A·x + n·subspace)). Throws NumericalError when it does
/// not converge within max_restarts, InvalidOption when k is not in [1, n − 1].
EigenResult symmetric_eigs(Index n, int k, const std::function<void(const double*, double*)>& multiply,
                           const EigenOptions& options = {});

/// The same for a symmetric sparse matrix (O(nnz) per product).
EigenResult symmetric_eigs(const Csr& A, int k, const EigenOptions& options = {});

struct SvdResult {
  Vector singular;  ///< k singular values, largest first
  Dense U;          ///< n×k left singular vectors (samples)
  Dense V;          ///< d×k right singular vectors (features)
};

/// The k leading singular triplets of X (n×d) from the eigenpairs of XᵀX (d ≤ n) or XXᵀ
/// (n < d), applied as two products with X per step: X is never densified and no d×d or
/// n×n matrix is formed. Signs: each V column's largest entry is positive. Singular
/// values below 1e-12·σ₁ give zero vectors. O(restarts · subspace · nnz).
SvdResult truncated_svd(const DataMatrix& X, int k, const EigenOptions& options = {});

}  // namespace dnmf
