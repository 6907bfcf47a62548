// External clustering quality measures. Labels are arbitrary ints (remapped internally).
#pragma once

#include <vector>

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

}  // namespace dnmf
