// Saved deep models: the encoder of a fitted autoencoder-like model, for transforming
// unseen samples (docs/cli.md "Model files" documents the format).
#pragma once

#include <string>
#include <vector>

#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf::io {

/// A fitted decoder-chain model: the layer matrices W_1..W_l (W_1 is d×r_1) and the
/// scaling its training data received, so new samples can be scaled the same way.
struct SavedModel {
  std::string model;                                  ///< e.g. "danmf-crfr"
  Normalization normalization = Normalization::none;  ///< none, max or l2-samples
  double divisor = 1.0;                               ///< the training data's max (for `max`)
  std::vector<Dense> W;
  Index features() const { return W.empty() ? 0 : W.front().rows(); }
  Index rank() const { return W.empty() ? 0 : W.back().cols(); }
};

/// Text format, one item per line:
///   dnmf-model 1
///   model NAME
///   normalize none|max DIVISOR|l2-samples
///   layers L r_1 … r_L
///   W i ROWS COLS        followed by ROWS lines of COLS numbers (%.17g), for i = 1..L
///   end
/// Written atomically (temporary file + rename). Values must be finite and >= 0.
void save_model(const std::string& path, const SavedModel& model);
/// Strict reader: errors name the file, the line and the problem (InputError).
SavedModel load_model(const std::string& path);

/// The encoder map of the model, h = Ψ_lᵀ x for every row x of X after the model's
/// scaling: returns X·W_1⋯W_l (n×k). X must have the model's number of features and
/// be >= 0. O(nnz·k + d·r_1·k) time. X is scaled in place.
Dense encode(const SavedModel& model, DataMatrix& X);

}  // namespace dnmf::io
