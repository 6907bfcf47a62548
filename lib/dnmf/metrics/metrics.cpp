#include "dnmf/metrics/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "dnmf/core/error.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/metrics/hungarian.hpp"

namespace dnmf {

namespace {

/// Maps arbitrary label values to 0..c-1 in order of first appearance.
std::vector<int> compact(const std::vector<int>& labels, int& count) {
  std::unordered_map<int, int> ids;
  std::vector<int> out(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    const auto [it, inserted] = ids.emplace(labels[i], static_cast<int>(ids.size()));
    out[i] = it->second;
  }
  count = static_cast<int>(ids.size());
  return out;
}

/// Contingency table N (classes × clusters) with the marginals. O(n + c·k).
struct Contingency {
  Dense table;
  Vector class_sizes, cluster_sizes;
  double n = 0;
};

Contingency contingency(const std::vector<int>& truth, const std::vector<int>& predicted) {
  if (truth.size() != predicted.size())
    throw InvalidOption("label vectors differ in length: " + std::to_string(truth.size()) + " true vs " +
                        std::to_string(predicted.size()) + " predicted");
  if (truth.empty()) throw InvalidOption("label vectors are empty");
  int classes = 0, clusters = 0;
  const auto t = compact(truth, classes);
  const auto p = compact(predicted, clusters);
  Contingency c;
  c.table = Dense::Zero(classes, clusters);
  for (size_t i = 0; i < t.size(); ++i) c.table(t[i], p[i]) += 1.0;
  c.class_sizes = c.table.rowwise().sum();
  c.cluster_sizes = c.table.colwise().sum().transpose();
  c.n = static_cast<double>(truth.size());
  return c;
}

double entropy(const Vector& sizes, double n) {
  double h = 0;
  for (Index i = 0; i < sizes.size(); ++i)
    if (sizes(i) > 0) h -= sizes(i) / n * std::log(sizes(i) / n);
  return h;
}

double choose2(double x) {
  return x * (x - 1) / 2;
}

}  // namespace

double nmi(const std::vector<int>& truth, const std::vector<int>& predicted, NmiNormalization normalization) {
  const Contingency c = contingency(truth, predicted);
  const double ht = entropy(c.class_sizes, c.n), hp = entropy(c.cluster_sizes, c.n);
  // scikit-learn's conventions: both partitions trivial → identical → 1; one trivial → 0.
  if (c.table.rows() == 1 && c.table.cols() == 1) return 1.0;
  if (c.table.rows() == 1 || c.table.cols() == 1) return 0.0;
  double mi = 0;
  for (Index i = 0; i < c.table.rows(); ++i)
    for (Index j = 0; j < c.table.cols(); ++j) {
      const double nij = c.table(i, j);
      if (nij > 0) mi += nij / c.n * std::log(c.n * nij / (c.class_sizes(i) * c.cluster_sizes(j)));
    }
  mi = std::max(mi, 0.0);  // rounding can leave -1e-17 for independent labelings
  double denominator = 0;
  switch (normalization) {
    case NmiNormalization::arithmetic:
      denominator = (ht + hp) / 2;
      break;
    case NmiNormalization::max:
      denominator = std::max(ht, hp);
      break;
    case NmiNormalization::geometric:
      denominator = std::sqrt(ht * hp);
      break;
  }
  return denominator > 0 ? std::min(1.0, mi / denominator) : 0.0;
}

double ari(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const Contingency c = contingency(truth, predicted);
  // Pair counts in double: n = 10⁶ gives ~5·10¹¹ pairs, exact in a double.
  double index = 0, sum_classes = 0, sum_clusters = 0;
  for (Index i = 0; i < c.table.rows(); ++i)
    for (Index j = 0; j < c.table.cols(); ++j) index += choose2(c.table(i, j));
  for (Index i = 0; i < c.class_sizes.size(); ++i) sum_classes += choose2(c.class_sizes(i));
  for (Index j = 0; j < c.cluster_sizes.size(); ++j) sum_clusters += choose2(c.cluster_sizes(j));
  const double expected = sum_classes * sum_clusters / choose2(c.n);
  const double maximum = (sum_classes + sum_clusters) / 2;
  // Both partitions trivial in the same way (all singletons or one cluster): identical.
  if (maximum == expected) return 1.0;
  return (index - expected) / (maximum - expected);
}

double acc(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const Contingency c = contingency(truth, predicted);
  // Maximise matched counts = minimise their negation over one-to-one maps
  // (clusters → classes); unmatched clusters contribute no correct samples.
  const Dense cost = -c.table.transpose();
  const auto assignment = min_cost_assignment(cost);
  double correct = 0;
  for (size_t cluster = 0; cluster < assignment.size(); ++cluster)
    if (assignment[cluster] >= 0) correct += c.table(assignment[cluster], static_cast<Index>(cluster));
  return correct / c.n;
}

double purity(const std::vector<int>& truth, const std::vector<int>& predicted) {
  const Contingency c = contingency(truth, predicted);
  return c.table.colwise().maxCoeff().sum() / c.n;
}

Evaluation evaluate(const std::vector<int>& truth, const std::vector<int>& predicted) {
  Evaluation e;
  e.acc = acc(truth, predicted);
  e.nmi = nmi(truth, predicted);
  e.ari = ari(truth, predicted);
  e.purity = purity(truth, predicted);
  return e;
}

}  // namespace dnmf
