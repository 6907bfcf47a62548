// The data matrix X (n samples × d features), sparse or dense, behind one interface.
#pragma once

#include <variant>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// Scaling applied before fitting (docs/models.md §10.1). Models never rescale silently.
enum class Normalization {
  automatic,        ///< l2_samples when under 10 % of the entries are nonzero (text), else minmax_features
  none,             ///< use X as given
  max,              ///< divide by the largest entry (keeps sparsity)
  l2_samples,       ///< each row (sample) to unit Euclidean norm (keeps sparsity)
  minmax_features,  ///< each column to [0, 1]; sparse input only when column minima are >= 0
};

class DataMatrix;

/// The parameters a scaling took from the training data, so that new samples can be
/// scaled the same way (saved encoders).
struct DataScaling {
  Normalization how = Normalization::none;  ///< never `automatic`: the resolved choice
  double divisor = 1.0;                     ///< max: the training data's largest |entry|
  Vector shift, range;                      ///< minmax_features: x ← (x − shift)/range per feature
  /// Scales new data as the training data were (minmax: results below 0 are clamped to 0,
  /// so values outside the training range stay valid NMF input). Throws InvalidOption when
  /// the feature count differs.
  void apply(DataMatrix& X) const;
};

/// Sample-major data matrix: rows are samples, as in the files (and scikit-learn).
/// The papers write X as d×n (samples in columns); this class is their Xᵀ.
/// Sparse input keeps a CSR of X and of Xᵀ so both X·M and Xᵀ·M are row-parallel
/// SpMMs; nothing of size n×n or d×d is ever formed.
class DataMatrix {
 public:
  DataMatrix() = default;
  explicit DataMatrix(Csr x);  ///< builds the transpose once, O(nnz)
  explicit DataMatrix(Dense x);

  Index rows() const;  ///< n (samples)
  Index cols() const;  ///< d (features)
  bool is_sparse() const { return std::holds_alternative<Csr>(x_); }
  Index stored_entries() const;  ///< nnz for sparse, n·d for dense

  /// out = X·M (n×k), M is d×k. O(nnz·k) sparse, O(n·d·k) dense.
  void times(const Dense& M, Dense& out) const;
  /// out_a = X·M_a and out_b = X·M_b; sparse X is read once for both.
  void times_pair(const Dense& Ma, const Dense& Mb, Dense& out_a, Dense& out_b) const;
  /// out = Xᵀ·M (d×k), M is n×k. O(nnz·k) sparse, O(n·d·k) dense.
  void transpose_times(const Dense& M, Dense& out) const;

  double squared_norm() const;  ///< ‖X‖_F²
  double min_value() const;     ///< min over all entries (implicit zeros included)
  double max_value() const;     ///< max over all entries (implicit zeros included)
  double mean_value() const;    ///< Σ x_ij / (n·d)
  /// Throws InputError if an entry is negative or non-finite; `what` names the data
  /// ("NMF needs X >= 0: entry (3, 2) = -0.5").
  /// Also checks require_finite_scale.
  void require_nonnegative(const std::string& what) const;
  /// Throws InputError when 4‖X‖_F² overflows double precision (sums of squares and
  /// squared distances would become Inf): such data must be scaled down first.
  void require_finite_scale(const std::string& what) const;

  /// Scales X (docs/models.md §10.1) and returns the parameters used. O(nnz) or O(n·d).
  DataScaling normalize(Normalization how);
  /// Applies parameters fitted on other data (DataScaling::apply). In place.
  void apply_scaling(const DataScaling& scaling);
  /// Fraction of the n·d entries that are nonzero (stored entries for sparse X).
  double nonzero_fraction() const;

  const Csr* sparse() const { return std::get_if<Csr>(&x_); }
  const Csr* sparse_transpose() const { return is_sparse() ? &xt_ : nullptr; }  ///< Xᵀ (d×n) of sparse X
  const Dense* dense() const { return std::get_if<Dense>(&x_); }
  Dense to_dense() const;  ///< for tests and small data

 private:
  std::variant<Dense, Csr> x_;
  Csr xt_;  // transpose of the sparse X (unused for dense X)
};

/// The choice `automatic` makes for X: l2_samples below 10 % nonzero entries, else minmax_features.
Normalization resolve_normalization(Normalization how, const DataMatrix& X);

/// Parses "auto|none|max|l2-samples|minmax-features"; throws InvalidOption otherwise.
Normalization parse_normalization(const std::string& name);
const char* to_string(Normalization n);

}  // namespace dnmf
