// The encoder of a fitted model: maps new samples to the representation the model
// learnt (dnmf transform / predict). io/model_file reads and writes it.
#pragma once

#include <string>
#include <vector>

#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

/// A decoder-chain model's encoder h = Ψᵀx with Ψ = W_1⋯W_l (DANMF, DANMF-CRFR:
/// docs/models.md §3), plus the scaling its training data received so new samples are
/// scaled the same way.
struct Encoder {
  std::string model;     ///< e.g. "danmf-crfr"
  DataScaling scaling;   ///< how the training data were scaled (applied again to new samples)
  std::vector<Dense> W;  ///< W_1 (d×r_1) … W_l (r_{l−1}×k)
  /// Cluster centres in the encoder's space (k×r, one row per cluster) for predict();
  /// empty when the model was saved without them.
  Dense centroids;
  bool l1_rows = false;  ///< codes are scaled to sum 1 before the nearest centre is taken

  Index features() const { return W.empty() ? 0 : W.front().rows(); }
  Index rank() const { return W.empty() ? 0 : W.back().cols(); }

  /// X·W_1⋯W_l (n×k) after scaling X (in place) as the training data was. X must have
  /// the model's number of features and be >= 0 (InvalidOption / InputError otherwise);
  /// a result that overflows to Inf throws NumericalError. O(nnz·k + d·r_1·k).
  Dense transform(DataMatrix& X) const;

  /// Labels of new samples: the nearest centre (Euclidean) to each sample's code, after
  /// transform (and the row scaling when l1_rows). InvalidOption without centres.
  /// O(nnz·k + d·r_1·k + n·k·clusters).
  std::vector<int> predict(DataMatrix& X) const;

  /// Sets the centres to the mean code of each label over the training data, which must
  /// already be scaled as for the fit (the codes are X·W_1⋯W_l). Labels in [0, clusters).
  void fit_centroids(const DataMatrix& scaled_training_data, const std::vector<int>& labels, int clusters,
                     bool l1_rows);
};

}  // namespace dnmf
