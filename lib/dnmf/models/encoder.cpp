#include "dnmf/models/encoder.hpp"

#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/models/deep_chain.hpp"

namespace dnmf {

Dense Encoder::transform(DataMatrix& X) const {
  if (W.empty()) throw InvalidOption("the encoder has no layers");
  if (X.cols() != features())
    throw InvalidOption("the data has " + std::to_string(X.cols()) +
                        " features but the model was fitted on " + std::to_string(features()));
  // Scaled as the training data were: the same divisor or feature ranges, not the new
  // data's own; then, like the training data after scaling, it must be nonnegative.
  scaling.apply(X);
  X.require_nonnegative("the encoder");
  Dense H;
  X.times(chain_product(W), H);
  if (!H.allFinite())
    throw NumericalError(
        "the encoding overflows double precision (the model's largest value is " +
        std::to_string(std::max(std::abs(W.front().maxCoeff()), std::abs(W.back().maxCoeff()))) + ")");
  return H;
}

namespace {
void scale_rows_l1(Dense& codes) {
  for (Index i = 0; i < codes.rows(); ++i) {
    const double sum = codes.row(i).sum();
    if (sum > 0) codes.row(i) /= sum;
  }
}
}  // namespace

void Encoder::fit_centroids(const DataMatrix& X, const std::vector<int>& labels, int clusters, bool l1) {
  if (W.empty()) throw InvalidOption("the encoder has no layers");
  if (static_cast<Index>(labels.size()) != X.rows())
    throw InvalidOption("fit_centroids: one label per sample");
  if (clusters < 1) throw InvalidOption("fit_centroids: at least one cluster");
  Dense codes;
  X.times(chain_product(W), codes);
  if (l1) scale_rows_l1(codes);
  centroids = Dense::Zero(clusters, codes.cols());
  std::vector<Index> count(static_cast<size_t>(clusters), 0);
  for (Index i = 0; i < codes.rows(); ++i) {
    const int l = labels[static_cast<size_t>(i)];
    if (l < 0 || l >= clusters) throw InvalidOption("fit_centroids: label out of range");
    centroids.row(l) += codes.row(i);
    ++count[static_cast<size_t>(l)];
  }
  for (int c = 0; c < clusters; ++c)
    if (count[static_cast<size_t>(c)] > 0)
      centroids.row(c) /= static_cast<double>(count[static_cast<size_t>(c)]);
  l1_rows = l1;
}

std::vector<int> Encoder::predict(DataMatrix& X) const {
  if (centroids.rows() == 0)
    throw InvalidOption(
        "the model holds no cluster centres (save it with this version's dnmf cluster --save-model)");
  Dense codes = transform(X);
  if (l1_rows) scale_rows_l1(codes);
  if (codes.cols() != centroids.cols()) throw InvalidOption("the centres do not match the encoder's rank");
  std::vector<int> labels(static_cast<size_t>(codes.rows()));
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < codes.rows(); ++i) {
    Index best = 0;
    (centroids.rowwise() - codes.row(i)).rowwise().squaredNorm().minCoeff(&best);
    labels[static_cast<size_t>(i)] = static_cast<int>(best);
  }
  return labels;
}

}  // namespace dnmf
