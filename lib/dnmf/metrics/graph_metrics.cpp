#include "dnmf/metrics/graph_metrics.hpp"

#include <algorithm>
#include <string>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

int check_labels(const Csr& A, const std::vector<int>& labels, const char* what) {
  if (A.rows() != A.cols()) throw InvalidOption(std::string(what) + ": the graph must be square");
  if (static_cast<Index>(labels.size()) != A.rows())
    throw InvalidOption(std::string(what) + ": " + std::to_string(labels.size()) + " labels for " +
                        std::to_string(A.rows()) + " nodes");
  int count = 0;
  for (int l : labels) {
    if (l < 0) throw InvalidOption(std::string(what) + ": labels must be >= 0");
    count = std::max(count, l + 1);
  }
  return count;
}

}  // namespace

double modularity(const Csr& A, const std::vector<int>& labels) {
  const int clusters = check_labels(A, labels, "modularity");
  std::vector<double> inside(static_cast<size_t>(clusters), 0.0), out(inside), in(inside);
  double total = 0.0;
  for (Index i = 0; i < A.rows(); ++i) {
    const int ci = labels[static_cast<size_t>(i)];
    for (Csr::Offset p = A.row_ptr()[i]; p < A.row_ptr()[i + 1]; ++p) {
      const double w = A.values()[p];
      const int cj = labels[static_cast<size_t>(A.col_idx()[p])];
      total += w;
      out[static_cast<size_t>(ci)] += w;
      in[static_cast<size_t>(cj)] += w;
      if (ci == cj) inside[static_cast<size_t>(ci)] += w;
    }
  }
  if (total <= 0.0) return 0.0;
  double q = 0.0;
  for (int c = 0; c < clusters; ++c)
    q += inside[static_cast<size_t>(c)] / total -
         out[static_cast<size_t>(c)] * in[static_cast<size_t>(c)] / (total * total);
  return q;
}

std::vector<double> cluster_conductance(const Csr& A, const std::vector<int>& labels) {
  const int clusters = check_labels(A, labels, "conductance");
  std::vector<double> cut(static_cast<size_t>(clusters), 0.0), volume(cut);
  double total_volume = 0.0;
  for (Index i = 0; i < A.rows(); ++i) {
    const int ci = labels[static_cast<size_t>(i)];
    for (Csr::Offset p = A.row_ptr()[i]; p < A.row_ptr()[i + 1]; ++p) {
      const double w = A.values()[p];
      const int cj = labels[static_cast<size_t>(A.col_idx()[p])];
      // Entry (i, j) of A is an edge of B = A + Aᵀ at both endpoints.
      volume[static_cast<size_t>(ci)] += w;
      volume[static_cast<size_t>(cj)] += w;
      total_volume += 2.0 * w;
      if (ci != cj) {
        cut[static_cast<size_t>(ci)] += w;
        cut[static_cast<size_t>(cj)] += w;
      }
    }
  }
  std::vector<double> phi(static_cast<size_t>(clusters), 0.0);
  for (size_t c = 0; c < phi.size(); ++c) {
    const double denominator = std::min(volume[c], total_volume - volume[c]);
    phi[c] = denominator > 0.0 ? cut[c] / denominator : (cut[c] > 0.0 ? 1.0 : 0.0);
  }
  return phi;
}

double mean_conductance(const Csr& A, const std::vector<int>& labels) {
  const std::vector<double> phi = cluster_conductance(A, labels);
  std::vector<char> used(phi.size(), 0);
  for (int l : labels) used[static_cast<size_t>(l)] = 1;
  double sum = 0.0;
  int count = 0;
  for (size_t c = 0; c < phi.size(); ++c)
    if (used[c]) {
      sum += phi[c];
      ++count;
    }
  return count ? sum / count : 0.0;
}

}  // namespace dnmf
