// k-means (Lloyd) with k-means++ seeding and restarts.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/types.hpp"

namespace dnmf {

struct KMeansOptions {
  int n_clusters = 8;  ///< k; must satisfy 1 <= k <= number of points
  int n_init = 10;     ///< independent k-means++ restarts; the lowest inertia wins
  int max_iterations = 300;
  /// Stop when the squared centre shift, summed over centres, is <= tol·(mean
  /// per-feature variance of the data), as scikit-learn does.
  double tolerance = 1e-4;
  std::uint64_t seed = 0;
  void validate(Index n_points) const;  ///< throws InvalidOption naming the field
};

struct KMeansResult {
  std::vector<int> labels;  ///< size n, values in [0, k)
  Dense centers;            ///< k x d
  double inertia = 0.0;     ///< Σ_i ‖x_i − c_{label(i)}‖²
  int iterations = 0;       ///< Lloyd iterations of the winning restart
};

/// Clusters the ROWS of points (n x d). Empty clusters are re-seeded with the point
/// farthest from its centre. Deterministic for a given seed (also with threads).
/// O(n_init · iterations · n·k·d) time, O(n·log k + k·d) extra memory (k-means++
/// keeps the distances to its 2 + ⌊ln k⌋ candidates). Throws InvalidOption (see
/// validate) or InputError for NaN/Inf points.
KMeansResult kmeans(const Dense& points, const KMeansOptions& options);

}  // namespace dnmf
