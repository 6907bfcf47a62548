// Compressed sparse row matrix with 64-bit row offsets.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/types.hpp"

namespace dnmf {

/// One entry of a sparse matrix given by coordinates (0-based).
struct Triplet {
  Index row;
  Index col;
  double value;
};

/// How Csr::from_triplets treats repeated (row, col) coordinates.
enum class Duplicates { sum, keep_last, error };

/// Compressed sparse row matrix.
///
/// Invariants, checked on construction (violations throw InputError):
///   row_ptr has rows+1 entries, row_ptr[0] = 0, non-decreasing, row_ptr[rows] = nnz;
///   column indices lie in [0, cols) and strictly increase within each row;
///   values are finite.
/// Row offsets are 64-bit so more than 2^31 nonzeros are representable; column
/// indices are 32-bit (at most 2^31 - 1 columns), which halves index memory.
class Csr {
 public:
  using Offset = std::int64_t;
  using ColIndex = std::int32_t;

  Csr() = default;
  /// rows x cols matrix with no stored entries.
  Csr(Index rows, Index cols);
  /// Takes ownership of the arrays and validates them. O(nnz).
  Csr(Index rows, Index cols, std::vector<Offset> row_ptr, std::vector<ColIndex> col_idx,
      std::vector<double> values);

  /// Builds from unordered triplets; explicit zeros are kept only if keep_zeros. O(nnz log nnz).
  static Csr from_triplets(Index rows, Index cols, std::vector<Triplet> triplets,
                           Duplicates duplicates = Duplicates::sum, bool keep_zeros = false);
  /// Stores the entries of a dense matrix whose magnitude exceeds drop_tolerance.
  static Csr from_dense(const Dense& dense, double drop_tolerance = 0.0);
  static Csr identity(Index n);

  Index rows() const noexcept { return rows_; }
  Index cols() const noexcept { return cols_; }
  Index nnz() const noexcept { return static_cast<Index>(values_.size()); }

  const std::vector<Offset>& row_ptr() const noexcept { return row_ptr_; }
  const std::vector<ColIndex>& col_idx() const noexcept { return col_idx_; }
  const std::vector<double>& values() const noexcept { return values_; }
  /// Values may be changed in place (the pattern stays valid); callers keep them finite.
  std::vector<double>& mutable_values() noexcept { return values_; }

  /// Entry (i, j), zero when not stored. O(log(row length)).
  double coeff(Index i, Index j) const;

  Dense to_dense() const;                           ///< O(rows·cols) memory: for tests and small data.
  Csr transpose() const;                            ///< O(nnz + rows + cols).
  double squared_norm() const;                      ///< ‖A‖_F², O(nnz).
  Vector row_sums() const;                          ///< A·1, O(nnz).
  Vector col_sums() const;                          ///< Aᵀ·1, O(nnz).
  Vector row_squared_norms() const;                 ///< (‖a_i‖²)_i, O(nnz).
  double min_value() const;                         ///< over stored entries; +inf when nnz = 0.
  double max_value() const;                         ///< over stored entries; -inf when nnz = 0.
  bool is_symmetric(double tolerance = 0.0) const;  ///< square and |A - Aᵀ| <= tolerance.
  void scale(double factor);                        ///< A *= factor.
  /// Scales row i by factors[i] (factors.size() == rows).
  void scale_rows(const Vector& factors);

 private:
  void validate() const;

  Index rows_ = 0;
  Index cols_ = 0;
  std::vector<Offset> row_ptr_{0};
  std::vector<ColIndex> col_idx_;
  std::vector<double> values_;
};

}  // namespace dnmf
