// Turning a representation into cluster labels without k-means.
#pragma once

#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// Row-wise argmax (ties: the lowest column; all-zero rows get label 0). O(n·k).
std::vector<int> argmax_rows(const Dense& H);

/// Each row scaled to sum 1 (rows with zero sum are left at 0): the reference code's
/// normalisation of H before k-means (docs/models.md §3.7). O(n·k).
Dense normalize_rows_l1(const Dense& H);

/// M + ½PM + ¼P²M with P = D⁻¹(B + Bᵀ), B the pattern of the graph A (the random walk on
/// its undirected pattern; isolated nodes keep their row): each node's memberships are
/// blended with its neighbours' before the argmax, which also labels all-zero rows by
/// their neighbourhood (docs/models.md §9.1). O(nnz(A)·k).
Dense smoothed_memberships(const Csr& A, const Dense& M);

}  // namespace dnmf
