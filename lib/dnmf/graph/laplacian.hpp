// Graph Laplacians and their products with dense matrices, never forming n×n dense.
#pragma once

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// Degree vector D = S·1 (row sums). O(nnz).
Vector degrees(const Csr& S);
/// L = D − S as CSR (diagonal entries added/merged). O(nnz + n).
Csr laplacian(const Csr& S);
/// L_sym = I − D^{-1/2} S D^{-1/2}; rows of isolated nodes (degree 0) are left at 0
/// in the off-diagonal part, with 1 on the diagonal. O(nnz + n).
Csr normalized_laplacian(const Csr& S);
/// out = L·M = D·M − S·M without forming L. O(nnz(S)·k + n·k).
void laplacian_times(const Csr& S, const Vector& degrees, const Dense& M, Dense& out);
/// Mᵀ L M (k×k) = Mᵀ(D M) − Mᵀ(S M). For symmetric S, xᵀLx = ½ Σ_ij S_ij (x_i − x_j)².
/// O(nnz(S)·k + n·k²).
Dense laplacian_quadratic(const Csr& S, const Vector& degrees, const Dense& M);

}  // namespace dnmf
