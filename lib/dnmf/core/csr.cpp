#include "dnmf/core/csr.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

void check_shape(Index rows, Index cols) {
  if (rows < 0 || cols < 0)
    throw InputError("CSR: negative shape " + std::to_string(rows) + " x " + std::to_string(cols));
  if (cols > std::numeric_limits<Csr::ColIndex>::max())
    throw InputError("CSR: " + std::to_string(cols) + " columns exceed the 2^31 - 1 column limit");
}

}  // namespace

Csr::Csr(Index rows, Index cols) : rows_(rows), cols_(cols), row_ptr_(static_cast<size_t>(rows + 1), 0) {
  check_shape(rows, cols);
}

Csr::Csr(Index rows, Index cols, std::vector<Offset> row_ptr, std::vector<ColIndex> col_idx,
         std::vector<double> values)
    : rows_(rows),
      cols_(cols),
      row_ptr_(std::move(row_ptr)),
      col_idx_(std::move(col_idx)),
      values_(std::move(values)) {
  check_shape(rows, cols);
  validate();
}

void Csr::validate() const {
  if (row_ptr_.size() != static_cast<size_t>(rows_ + 1))
    throw InputError("CSR: row_ptr has " + std::to_string(row_ptr_.size()) +
                     " entries, expected rows + 1 = " + std::to_string(rows_ + 1));
  if (col_idx_.size() != values_.size())
    throw InputError("CSR: " + std::to_string(col_idx_.size()) + " column indices but " +
                     std::to_string(values_.size()) + " values");
  if (row_ptr_.front() != 0) throw InputError("CSR: row_ptr[0] must be 0");
  if (row_ptr_.back() != static_cast<Offset>(values_.size()))
    throw InputError("CSR: row_ptr[rows] = " + std::to_string(row_ptr_.back()) +
                     " but nnz = " + std::to_string(values_.size()));
  for (Index i = 0; i < rows_; ++i) {
    const Offset b = row_ptr_[i], e = row_ptr_[i + 1];
    if (e < b) throw InputError("CSR: row_ptr decreases at row " + std::to_string(i));
    for (Offset p = b; p < e; ++p) {
      const ColIndex c = col_idx_[p];
      if (c < 0 || c >= cols_)
        throw InputError("CSR: row " + std::to_string(i) + " has column index " + std::to_string(c) +
                         " outside [0, " + std::to_string(cols_) + ")");
      if (p > b && c <= col_idx_[p - 1])
        throw InputError("CSR: column indices of row " + std::to_string(i) + " are not strictly increasing");
      if (!std::isfinite(values_[p]))
        throw InputError("CSR: non-finite value at (" + std::to_string(i) + ", " + std::to_string(c) + ")");
    }
  }
}

Csr Csr::from_triplets(Index rows, Index cols, std::vector<Triplet> triplets, Duplicates duplicates,
                       bool keep_zeros) {
  check_shape(rows, cols);
  for (const auto& t : triplets) {
    if (t.row < 0 || t.row >= rows || t.col < 0 || t.col >= cols)
      throw InputError("CSR: triplet (" + std::to_string(t.row) + ", " + std::to_string(t.col) +
                       ") outside the " + std::to_string(rows) + " x " + std::to_string(cols) + " shape");
    if (!std::isfinite(t.value))
      throw InputError("CSR: non-finite value at (" + std::to_string(t.row) + ", " + std::to_string(t.col) +
                       ")");
  }
  // stable_sort keeps input order among duplicates, which keep_last relies on.
  std::stable_sort(triplets.begin(), triplets.end(), [](const Triplet& a, const Triplet& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  std::vector<Offset> row_ptr(static_cast<size_t>(rows + 1), 0);
  std::vector<ColIndex> col_idx;
  std::vector<double> values;
  col_idx.reserve(triplets.size());
  values.reserve(triplets.size());
  Index last_row = -1, last_col = -1;
  for (const auto& t : triplets) {
    if (t.row == last_row && t.col == last_col) {
      if (duplicates == Duplicates::error)
        throw InputError("CSR: duplicate entry (" + std::to_string(t.row) + ", " + std::to_string(t.col) +
                         ")");
      if (duplicates == Duplicates::sum)
        values.back() += t.value;
      else
        values.back() = t.value;
      continue;
    }
    col_idx.push_back(static_cast<ColIndex>(t.col));
    values.push_back(t.value);
    ++row_ptr[static_cast<size_t>(t.row + 1)];
    last_row = t.row;
    last_col = t.col;
  }
  std::partial_sum(row_ptr.begin(), row_ptr.end(), row_ptr.begin());
  Csr out(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(values));
  if (!keep_zeros) {
    // Compact away entries that are (or summed to) exactly zero.
    Index w = 0;
    std::vector<Offset> rp(static_cast<size_t>(rows + 1), 0);
    for (Index i = 0; i < rows; ++i) {
      for (Offset p = out.row_ptr_[i]; p < out.row_ptr_[i + 1]; ++p) {
        if (out.values_[p] != 0.0) {
          out.col_idx_[w] = out.col_idx_[p];
          out.values_[w] = out.values_[p];
          ++w;
        }
      }
      rp[i + 1] = w;
    }
    out.col_idx_.resize(w);
    out.values_.resize(w);
    out.row_ptr_ = std::move(rp);
  }
  return out;
}

Csr Csr::from_dense(const Dense& dense, double drop_tolerance) {
  const Index rows = dense.rows(), cols = dense.cols();
  check_shape(rows, cols);
  std::vector<Offset> row_ptr(static_cast<size_t>(rows + 1), 0);
  std::vector<ColIndex> col_idx;
  std::vector<double> values;
  for (Index i = 0; i < rows; ++i) {
    for (Index j = 0; j < cols; ++j) {
      const double v = dense(i, j);
      if (std::abs(v) > drop_tolerance || (drop_tolerance == 0.0 && v != 0.0)) {
        col_idx.push_back(static_cast<ColIndex>(j));
        values.push_back(v);
      }
    }
    row_ptr[i + 1] = static_cast<Offset>(values.size());
  }
  return Csr(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(values));
}

Csr Csr::identity(Index n) {
  std::vector<Offset> row_ptr(static_cast<size_t>(n + 1));
  std::vector<ColIndex> col_idx(static_cast<size_t>(n));
  std::iota(row_ptr.begin(), row_ptr.end(), Offset{0});
  std::iota(col_idx.begin(), col_idx.end(), ColIndex{0});
  return Csr(n, n, std::move(row_ptr), std::move(col_idx), std::vector<double>(static_cast<size_t>(n), 1.0));
}

double Csr::coeff(Index i, Index j) const {
  const auto b = col_idx_.begin() + row_ptr_[i], e = col_idx_.begin() + row_ptr_[i + 1];
  const auto it = std::lower_bound(b, e, static_cast<ColIndex>(j));
  return (it != e && *it == j) ? values_[static_cast<size_t>(it - col_idx_.begin())] : 0.0;
}

Dense Csr::to_dense() const {
  Dense d = Dense::Zero(rows_, cols_);
  for (Index i = 0; i < rows_; ++i)
    for (Offset p = row_ptr_[i]; p < row_ptr_[i + 1]; ++p) d(i, col_idx_[p]) = values_[p];
  return d;
}

Csr Csr::transpose() const {
  // Counting sort by column: rows of the transpose come out with increasing column order.
  std::vector<Offset> rp(static_cast<size_t>(cols_ + 1), 0);
  for (ColIndex c : col_idx_) ++rp[static_cast<size_t>(c) + 1];
  std::partial_sum(rp.begin(), rp.end(), rp.begin());
  std::vector<Offset> next(rp.begin(), rp.end() - 1);
  std::vector<ColIndex> ci(values_.size());
  std::vector<double> v(values_.size());
  for (Index i = 0; i < rows_; ++i) {
    for (Offset p = row_ptr_[i]; p < row_ptr_[i + 1]; ++p) {
      const Offset q = next[col_idx_[p]]++;
      ci[q] = static_cast<ColIndex>(i);
      v[q] = values_[p];
    }
  }
  Csr t;
  t.rows_ = cols_;
  t.cols_ = rows_;
  t.row_ptr_ = std::move(rp);
  t.col_idx_ = std::move(ci);
  t.values_ = std::move(v);
  return t;
}

double Csr::squared_norm() const {
  double s = 0.0;
  for (double v : values_) s += v * v;
  return s;
}

Vector Csr::row_sums() const {
  Vector s = Vector::Zero(rows_);
  for (Index i = 0; i < rows_; ++i)
    for (Offset p = row_ptr_[i]; p < row_ptr_[i + 1]; ++p) s(i) += values_[p];
  return s;
}

Vector Csr::col_sums() const {
  Vector s = Vector::Zero(cols_);
  for (size_t p = 0; p < values_.size(); ++p) s(col_idx_[p]) += values_[p];
  return s;
}

Vector Csr::row_squared_norms() const {
  Vector s = Vector::Zero(rows_);
  for (Index i = 0; i < rows_; ++i)
    for (Offset p = row_ptr_[i]; p < row_ptr_[i + 1]; ++p) s(i) += values_[p] * values_[p];
  return s;
}

double Csr::min_value() const {
  double m = std::numeric_limits<double>::infinity();
  for (double v : values_) m = std::min(m, v);
  return m;
}

double Csr::max_value() const {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : values_) m = std::max(m, v);
  return m;
}

bool Csr::is_symmetric(double tolerance) const {
  if (rows_ != cols_) return false;
  const Csr t = transpose();
  // Compare A and Aᵀ row by row, treating missing entries as zeros.
  for (Index i = 0; i < rows_; ++i) {
    Offset p = row_ptr_[i], q = t.row_ptr_[i];
    const Offset pe = row_ptr_[i + 1], qe = t.row_ptr_[i + 1];
    while (p < pe || q < qe) {
      double a = 0.0, b = 0.0;
      if (q >= qe || (p < pe && col_idx_[p] < t.col_idx_[q])) {
        a = values_[p++];
      } else if (p >= pe || t.col_idx_[q] < col_idx_[p]) {
        b = t.values_[q++];
      } else {
        a = values_[p++];
        b = t.values_[q++];
      }
      if (std::abs(a - b) > tolerance) return false;
    }
  }
  return true;
}

void Csr::scale(double factor) {
  for (double& v : values_) v *= factor;
}

void Csr::scale_rows(const Vector& factors) {
  for (Index i = 0; i < rows_; ++i)
    for (Offset p = row_ptr_[i]; p < row_ptr_[i + 1]; ++p) values_[p] *= factors(i);
}

}  // namespace dnmf
