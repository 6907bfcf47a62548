#include "dnmf/graph/affinity.hpp"

#include <cmath>
#include <numeric>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/graphblas.hpp"

namespace dnmf {

void require_sample_graph(const Csr& graph, Index n, const std::string& what) {
  if (graph.rows() != n || graph.cols() != n)
    throw InvalidOption(what + ": the sample graph has " + std::to_string(graph.rows()) +
                        " nodes, the data " + std::to_string(n) + " samples");
  for (double v : graph.values())
    if (!(v >= 0.0) || !std::isfinite(v))
      throw InvalidOption(what + ": the sample graph has a negative or non-finite weight");
  if (!graph.is_symmetric()) throw InvalidOption(what + ": the sample graph must be undirected (symmetric)");
}

int AffinityOptions::resolved_neighbors(Index n) const {
  if (n_neighbors > 0) return n_neighbors;
  return static_cast<int>(std::floor(std::log(static_cast<double>(std::max<Index>(n, 1))))) + 1;
}

Csr symmetrize(const Csr& S, Symmetrization how) {
  if (S.rows() != S.cols()) throw InvalidOption("symmetrize: the matrix must be square");
  if (how == Symmetrization::none) return S;
  const grb::Symmetrization op = how == Symmetrization::max    ? grb::Symmetrization::max
                                 : how == Symmetrization::mean ? grb::Symmetrization::mean
                                                               : grb::Symmetrization::mutual;
  return grb::to_csr(grb::symmetrize(grb::from_csr(S), op));
}

Csr affinity_from_knn(const KnnResult& knn, const AffinityOptions& options) {
  const Index n = knn.n;
  const int k = knn.k;
  if (options.weights == AffinityWeights::heat && options.sigma < 0)
    throw InvalidOption("sigma must be >= 0");
  // σ² for the heat kernel: given, or the mean squared kNN distance (1 if all are 0).
  double sigma2 = options.sigma * options.sigma;
  if (options.weights == AffinityWeights::heat && options.sigma == 0.0) {
    const double total = std::accumulate(knn.squared_distances.begin(), knn.squared_distances.end(), 0.0);
    sigma2 = total > 0 ? total / static_cast<double>(knn.squared_distances.size()) : 1.0;
  }
  // Self-tuning scale σ_i: distance to the m-th neighbour (m clamped to k).
  Vector local(n);
  if (options.weights == AffinityWeights::self_tuning) {
    const int m = std::clamp(options.self_tuning_neighbor, 1, k);
    for (Index i = 0; i < n; ++i)
      local(i) = std::sqrt(knn.squared_distances[static_cast<size_t>(i * k + m - 1)]);
  }
  std::vector<Csr::Offset> row_ptr(static_cast<size_t>(n + 1));
  std::vector<Csr::ColIndex> col_idx(static_cast<size_t>(n * k));
  std::vector<double> values(static_cast<size_t>(n * k));
  std::vector<std::pair<Csr::ColIndex, double>> row;
  for (Index i = 0; i < n; ++i) {
    row.clear();
    for (int j = 0; j < k; ++j) {
      const size_t e = static_cast<size_t>(i * k + j);
      const std::int32_t nb = knn.indices[e];
      const double d2 = knn.squared_distances[e];
      double w = 1.0;
      if (options.weights == AffinityWeights::heat) w = std::exp(-d2 / sigma2);
      if (options.weights == AffinityWeights::self_tuning) {
        const double scale = local(i) * local(nb);
        w = scale > 0 ? std::exp(-d2 / scale) : (d2 == 0 ? 1.0 : 0.0);
      }
      row.emplace_back(nb, w);
    }
    std::sort(row.begin(), row.end());  // CSR wants increasing columns
    row_ptr[i + 1] = row_ptr[i] + k;
    for (int j = 0; j < k; ++j) {
      col_idx[static_cast<size_t>(row_ptr[i] + j)] = row[j].first;
      values[static_cast<size_t>(row_ptr[i] + j)] = row[j].second;
    }
  }
  // A weight can underflow to 0 for far neighbours; keep the pattern anyway so the
  // graph's structure does not depend on σ.
  Csr directed(n, n, std::move(row_ptr), std::move(col_idx), std::move(values));
  return symmetrize(directed, options.symmetrize);
}

Csr affinity_graph(const DataMatrix& X, const AffinityOptions& options) {
  KnnOptions ko;
  ko.n_neighbors = options.resolved_neighbors(X.rows());
  ko.method = options.method;
  ko.validate(X.rows());
  return affinity_from_knn(knn(X, ko), options);
}

AffinityWeights parse_affinity_weights(const std::string& name) {
  if (name == "binary") return AffinityWeights::binary;
  if (name == "heat") return AffinityWeights::heat;
  if (name == "self-tuning") return AffinityWeights::self_tuning;
  throw InvalidOption("unknown weights '" + name + "' (expected binary, heat or self-tuning)");
}

Symmetrization parse_symmetrization(const std::string& name) {
  if (name == "none") return Symmetrization::none;
  if (name == "max") return Symmetrization::max;
  if (name == "mean") return Symmetrization::mean;
  if (name == "mutual") return Symmetrization::mutual;
  throw InvalidOption("unknown symmetrization '" + name + "' (expected none, max, mean or mutual)");
}

}  // namespace dnmf
