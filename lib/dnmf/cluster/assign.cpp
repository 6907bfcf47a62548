#include "dnmf/cluster/assign.hpp"

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

}  // namespace dnmf
