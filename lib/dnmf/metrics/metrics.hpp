// External clustering quality measures. Labels are arbitrary ints (remapped internally).
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/types.hpp"

namespace dnmf {

/// NMI normalisations (docs/models.md §9.2). arithmetic = 2I/(H(a)+H(b)) is
/// scikit-learn's default and ours.
enum class NmiNormalization { arithmetic, max, geometric };

/// Normalised mutual information in [0, 1]; 1 when both labelings are a single
/// cluster (scikit-learn's convention). Natural logarithms.
double nmi(const std::vector<int>& truth, const std::vector<int>& predicted,
           NmiNormalization normalization = NmiNormalization::arithmetic);
/// Adjusted Rand index (Hubert & Arabie); 1 for identical partitions (also when
/// both are a single cluster).
double ari(const std::vector<int>& truth, const std::vector<int>& predicted);
/// Clustering accuracy with the best one-to-one cluster↔class map (Hungarian).
/// With unequal counts, unmatched clusters count as errors.
double acc(const std::vector<int>& truth, const std::vector<int>& predicted);
/// Purity: every cluster mapped to its majority class (many-to-one). This is what the
/// DANMF-CRFR reference code calls "ACC"; we never call it that.
double purity(const std::vector<int>& truth, const std::vector<int>& predicted);

struct Evaluation {
  double acc = 0, nmi = 0, ari = 0, purity = 0;
};
/// All four; throws InvalidOption if the sizes differ or are zero.
Evaluation evaluate(const std::vector<int>& truth, const std::vector<int>& predicted);

/// Mean silhouette (Rousseeuw 1987) of the rows of `points` under `labels`, Euclidean:
/// s(i) = (b − a)/max(a, b) with a the mean distance to i's own cluster and b the
/// smallest mean distance to another cluster; 0 for a point alone in its cluster. Over
/// at most `max_samples` points drawn with `seed` (all when n is smaller), each against
/// all n points: O(min(n, max_samples)·n·r). Fewer than two clusters give 0.
double silhouette(const Dense& points, const std::vector<int>& labels, Index max_samples = 2000,
                  std::uint64_t seed = 0);

}  // namespace dnmf
