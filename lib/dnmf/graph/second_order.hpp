// Second-order proximity of DAsNMF: the asymmetric cosine S and A_S = A + ηS (docs/models.md §5.5, §8.6).
#pragma once

#include <cstdint>

#include "dnmf/core/csr.hpp"

namespace dnmf {

struct SecondOrderOptions {
  /// Keep at most this many largest entries per row (ties: smaller column first);
  /// 0 keeps all. Rows with at most `top` entries are exact; truncation is a
  /// documented deviation from the paper (docs/models.md §8.6, default 50).
  int top = 50;
  /// true (dnmf default): S has no diagonal entries. false: S_uu = 1 for d_u > 0
  /// as in the paper's formula (and the diagonal then competes for the `top` slots).
  bool zero_diagonal = true;
  /// Peak-memory bound: rows are processed in blocks whose product A_R·Aᵀ needs at
  /// most this many multiply-adds (a single row may exceed it). The block holds at
  /// most that many entries (16 bytes each in GraphBLAS, again in the export), so
  /// the default 2^24 caps the transient at ≈ 0.5 GB even when nnz(AAᵀ) is huge.
  std::int64_t block_products = std::int64_t{1} << 24;
  void validate() const;  ///< throws InvalidOption naming the field
};

/// Asymmetric cosine of docs/models.md §5.5 (DAsNMF eq. 11) on the binary pattern of A
/// (n×m; usually a square adjacency, entry u→v). With Γ_u the out-neighbours of u,
/// d_u = |Γ_u| and c_uv = |Γ_u ∩ Γ_v| = (AAᵀ)_uv:
///   S_uv = [c_uv/√(d_u d_v)] · [c_uv/d_u] · [2c_uv/(d_u + d_v)]   (cosine × overlap × Sørensen),
/// stored only where c_uv > 0; values lie in (0, 1]. S is n×n and not symmetric.
/// AAᵀ is formed with GraphBLAS (GrB_mxm, PLUS_PAIR semiring on A's pattern, times
/// the explicit transpose), block of rows by block of rows.
/// Cost: Σ_w indeg_w² multiply-adds for the product (Σ over rows u of Σ_{w∈Γ_u} indeg_w),
/// which can be ≫ nnz(A) when some node has a large in-degree; O(nnz(AAᵀ)) for the
/// weights and the top-q selection (nth_element), O(nnz(S) log top) to re-sort kept
/// entries by column. Memory: O(nnz(A) + n) + one block (see block_products) + nnz(S).
Csr second_order_similarity(const Csr& A, const SecondOrderOptions& options = {});

/// A_S = A + η·S (same shape; union of the patterns), via GraphBLAS eWiseAdd.
/// η must be finite and ≥ 0 (A_S feeds nonnegative factorisations); η = 0 returns A.
/// O(nnz(A) + nnz(S)).
Csr add_scaled(const Csr& A, const Csr& S, double eta);

}  // namespace dnmf
