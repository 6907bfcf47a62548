// External clustering measures, all computed from the contingency table N (classes ×
// clusters, N_ij = #points of class i put in cluster j) and its marginals a_i, b_j.
//
// The table is kept sparse (nonzero cells only). A dense c×k table explodes for fine
// partitions (all singletons at n = 10⁶ would be 8 TB), while there are at most n
// nonzero cells. Building it costs O(n + c + k) time and memory.
#include "dnmf/metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_map>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/metrics/hungarian.hpp"

namespace dnmf {

namespace {

/// Maps arbitrary label values ({7, −1, 42}) to 0..count−1 in order of first
/// appearance. O(n) expected.
std::vector<int> compact(const std::vector<int>& labels, int& count) {
  std::unordered_map<int, int> ids;
  std::vector<int> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i)
    out[i] = ids.emplace(labels[i], static_cast<int>(ids.size())).first->second;
  count = static_cast<int>(ids.size());
  return out;
}

struct Cell {
  int row, col;  ///< class, cluster
  double count;  ///< N_ij > 0
};

struct Contingency {
  std::vector<Cell> cells;  ///< nonzero N_ij, grouped by class
  std::vector<double> class_sizes, cluster_sizes;
  double n = 0;
  int classes() const { return static_cast<int>(class_sizes.size()); }
  int clusters() const { return static_cast<int>(cluster_sizes.size()); }
};

Contingency contingency(const std::vector<int>& truth, const std::vector<int>& predicted) {
  if (truth.size() != predicted.size())
    throw InvalidOption("label vectors differ in length: " + std::to_string(truth.size()) + " true vs " +
                        std::to_string(predicted.size()) + " predicted");
  if (truth.empty()) throw InvalidOption("label vectors are empty");
  int classes = 0, clusters = 0;
  const std::vector<int> t = compact(truth, classes), p = compact(predicted, clusters);
  const size_t n = t.size();
  // Counting sort of the points by class...
  std::vector<size_t> first(static_cast<size_t>(classes) + 1, 0);
  for (const int c : t) ++first[static_cast<size_t>(c) + 1];
  for (size_t c = 0; c < static_cast<size_t>(classes); ++c) first[c + 1] += first[c];
  std::vector<size_t> order(n), fill(first.begin(), first.end() - 1);
  for (size_t i = 0; i < n; ++i) order[fill[static_cast<size_t>(t[i])]++] = i;
  // ...then, class by class, count its clusters in a scratch array indexed by cluster,
  // reset through the list of entries it touched (O(class size), not O(k)).
  Contingency table;
  table.class_sizes.assign(static_cast<size_t>(classes), 0.0);
  table.cluster_sizes.assign(static_cast<size_t>(clusters), 0.0);
  table.n = static_cast<double>(n);
  std::vector<std::int64_t> scratch(static_cast<size_t>(clusters), 0);
  std::vector<int> touched;
  for (int c = 0; c < classes; ++c) {
    touched.clear();
    for (size_t k = first[static_cast<size_t>(c)]; k < first[static_cast<size_t>(c) + 1]; ++k) {
      const int j = p[order[k]];
      if (scratch[static_cast<size_t>(j)]++ == 0) touched.push_back(j);
    }
    for (const int j : touched) {
      const double count = static_cast<double>(scratch[static_cast<size_t>(j)]);
      table.cells.push_back({c, j, count});
      table.class_sizes[static_cast<size_t>(c)] += count;
      table.cluster_sizes[static_cast<size_t>(j)] += count;
      scratch[static_cast<size_t>(j)] = 0;
    }
  }
  return table;
}

/// Shannon entropy (nats) of a partition given its part sizes.
double entropy(const std::vector<double>& sizes, double n) {
  double h = 0;
  for (const double s : sizes) h -= s / n * std::log(s / n);  // every part is nonempty
  return h;
}

/// x choose 2, exact in a double while x(x−1) < 2⁵³, i.e. x < 9.4·10⁷ points.
double pairs(double x) {
  return x * (x - 1) / 2;
}

double nmi_of(const Contingency& c, NmiNormalization normalization) {
  // scikit-learn's limit cases: both single-cluster → identical → 1; exactly one of
  // them single-cluster → I = 0 → 0 (the formula would give 0/0 or 0/x).
  if (c.classes() == 1 && c.clusters() == 1) return 1.0;
  if (c.classes() == 1 || c.clusters() == 1) return 0.0;
  // I = Σ N_ij/n · ln(n·N_ij / (a_i·b_j)); O(cells).
  double mi = 0;
  for (const Cell& cell : c.cells)
    mi += cell.count / c.n *
          std::log(c.n * cell.count /
                   (c.class_sizes[static_cast<size_t>(cell.row)] *
                    c.cluster_sizes[static_cast<size_t>(cell.col)]));
  if (mi <= 0) return 0.0;  // independent labelings can round to −1e-17
  const double ht = entropy(c.class_sizes, c.n), hp = entropy(c.cluster_sizes, c.n);
  double normalizer = 0;
  switch (normalization) {
    case NmiNormalization::arithmetic:
      normalizer = (ht + hp) / 2;
      break;
    case NmiNormalization::max:
      normalizer = std::max(ht, hp);
      break;
    case NmiNormalization::geometric:
      normalizer = std::sqrt(ht * hp);
      break;
  }
  // I <= min(H_t, H_p) <= every normalizer, so the ratio exceeds 1 only by rounding.
  return std::min(1.0, mi / normalizer);
}

double ari_of(const Contingency& c) {
  // Pair counts in doubles (exact for n < 9.4·10⁷; an int would overflow C(n,2) at
  // n ≈ 65,000): pairs together in both, in the same class, in the same cluster.
  double together = 0, same_class = 0, same_cluster = 0;
  for (const Cell& cell : c.cells) together += pairs(cell.count);
  for (const double a : c.class_sizes) same_class += pairs(a);
  for (const double b : c.cluster_sizes) same_cluster += pairs(b);
  // Identical partitions (no pair split by exactly one labeling): 1. This also covers
  // the 0/0 cases n = 1, both single-cluster and both all-singletons, as scikit-learn.
  if (together == same_class && together == same_cluster) return 1.0;
  const double expected = same_class * same_cluster / pairs(c.n);
  const double maximum = (same_class + same_cluster) / 2;
  return (together - expected) / (maximum - expected);
}

double acc_of(const Contingency& c) {
  // Most matched points over one-to-one cluster→class maps = min-cost assignment on
  // −N (clusters as rows). With unequal counts the extra clusters stay unmatched and
  // their points count as errors. O(max(c, k)³).
  Dense cost = Dense::Zero(c.clusters(), c.classes());
  for (const Cell& cell : c.cells) cost(cell.col, cell.row) = -cell.count;
  const std::vector<int> match = min_cost_assignment(cost);
  double correct = 0;
  for (Index j = 0; j < cost.rows(); ++j)
    if (match[static_cast<size_t>(j)] >= 0) correct -= cost(j, match[static_cast<size_t>(j)]);
  return correct / c.n;
}

double purity_of(const Contingency& c) {
  // Every cluster counts its majority class: Σ_j max_i N_ij / n. O(cells).
  std::vector<double> majority(static_cast<size_t>(c.clusters()), 0.0);
  for (const Cell& cell : c.cells)
    majority[static_cast<size_t>(cell.col)] = std::max(majority[static_cast<size_t>(cell.col)], cell.count);
  double correct = 0;
  for (const double m : majority) correct += m;
  return correct / c.n;
}

}  // namespace

double nmi(const std::vector<int>& truth, const std::vector<int>& predicted, NmiNormalization normalization) {
  return nmi_of(contingency(truth, predicted), normalization);
}

double ari(const std::vector<int>& truth, const std::vector<int>& predicted) {
  return ari_of(contingency(truth, predicted));
}

double acc(const std::vector<int>& truth, const std::vector<int>& predicted) {
  return acc_of(contingency(truth, predicted));
}

double purity(const std::vector<int>& truth, const std::vector<int>& predicted) {
  return purity_of(contingency(truth, predicted));
}

Evaluation evaluate(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const Contingency c = contingency(truth, predicted);  // built once for all four
  Evaluation e;
  e.acc = acc_of(c);
  e.nmi = nmi_of(c, NmiNormalization::arithmetic);
  e.ari = ari_of(c);
  e.purity = purity_of(c);
  return e;
}

double silhouette(const Dense& points, const std::vector<int>& labels, Index max_samples,
                  std::uint64_t seed) {
  const Index n = points.rows();
  if (static_cast<Index>(labels.size()) != n) throw InvalidOption("silhouette: one label per point");
  if (n == 0) return 0.0;
  const int k = *std::max_element(labels.begin(), labels.end()) + 1;
  std::vector<Index> size(static_cast<size_t>(k), 0);
  for (int l : labels) {
    if (l < 0) throw InvalidOption("silhouette: labels must be >= 0");
    ++size[static_cast<size_t>(l)];
  }
  if (std::count_if(size.begin(), size.end(), [](Index s) { return s > 0; }) < 2) return 0.0;
  std::vector<Index> sample(static_cast<size_t>(n));
  std::iota(sample.begin(), sample.end(), Index{0});
  if (n > max_samples) {
    Rng rng(seed);
    for (Index i = 0; i < max_samples; ++i)
      std::swap(
          sample[static_cast<size_t>(i)],
          sample[static_cast<size_t>(i + static_cast<Index>(rng.below(static_cast<std::uint64_t>(n - i))))]);
    sample.resize(static_cast<size_t>(max_samples));
  }
  double total = 0.0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : total)
  for (size_t s = 0; s < sample.size(); ++s) {
    const Index i = sample[s];
    std::vector<double> sum(static_cast<size_t>(k), 0.0);
    for (Index j = 0; j < n; ++j)
      if (j != i)
        sum[static_cast<size_t>(labels[static_cast<size_t>(j)])] += (points.row(i) - points.row(j)).norm();
    const int own = labels[static_cast<size_t>(i)];
    if (size[static_cast<size_t>(own)] <= 1) continue;  // s(i) = 0
    const double a = sum[static_cast<size_t>(own)] / static_cast<double>(size[static_cast<size_t>(own)] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (int c = 0; c < k; ++c)
      if (c != own && size[static_cast<size_t>(c)] > 0)
        b = std::min(b, sum[static_cast<size_t>(c)] / static_cast<double>(size[static_cast<size_t>(c)]));
    const double m = std::max(a, b);
    total += m > 0 ? (b - a) / m : 0.0;
  }
  return total / static_cast<double>(sample.size());
}

}  // namespace dnmf
