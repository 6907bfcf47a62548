#include "dnmf/cluster/assign.hpp"

#include <algorithm>
#include <vector>

namespace dnmf {

std::vector<int> argmax_rows(const Dense& H) {
  std::vector<int> labels(static_cast<size_t>(H.rows()), 0);
  for (Index i = 0; i < H.rows(); ++i) {
    Index best = 0;
    for (Index j = 1; j < H.cols(); ++j)
      if (H(i, j) > H(i, best)) best = j;
    labels[static_cast<size_t>(i)] = static_cast<int>(best);
  }
  return labels;
}

Dense normalize_rows_l1(const Dense& H) {
  Dense out = H;
  for (Index i = 0; i < out.rows(); ++i) {
    const double s = out.row(i).sum();
    if (s > 0.0) out.row(i) /= s;
  }
  return out;
}

Dense smoothed_memberships(const Csr& A, const Dense& M) {
  const Index n = A.rows();
  // Undirected pattern: neighbours of i are the j with A_ij ≠ 0 or A_ji ≠ 0.
  std::vector<std::vector<Index>> neighbours(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i)
    for (Csr::Offset p = A.row_ptr()[i]; p < A.row_ptr()[i + 1]; ++p) {
      const Index j = A.col_idx()[p];
      if (j == i || A.values()[p] == 0.0) continue;
      neighbours[static_cast<size_t>(i)].push_back(j);
      neighbours[static_cast<size_t>(j)].push_back(i);
    }
  for (auto& list : neighbours) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  const auto walk = [&](const Dense& X) {
    Dense Y = X;  // isolated nodes keep their row
    for (Index i = 0; i < n; ++i) {
      const auto& list = neighbours[static_cast<size_t>(i)];
      if (list.empty()) continue;
      Y.row(i).setZero();
      for (Index j : list) Y.row(i) += X.row(j);
      Y.row(i) /= static_cast<double>(list.size());
    }
    return Y;
  };
  const Dense PM = walk(M);
  return M + 0.5 * PM + 0.25 * walk(PM);
}

}  // namespace dnmf
