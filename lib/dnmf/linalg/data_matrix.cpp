#include "dnmf/linalg/data_matrix.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/products.hpp"

namespace dnmf {

namespace {
std::string format_value(double v) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, ptr);
}
}  // namespace

DataMatrix::DataMatrix(Csr x) : x_(std::move(x)) {
  xt_ = std::get<Csr>(x_).transpose();
}

DataMatrix::DataMatrix(Dense x) : x_(std::move(x)) {
  if (!std::get<Dense>(x_).allFinite()) throw InputError("data matrix contains NaN or Inf");
}

Index DataMatrix::rows() const {
  return std::visit([](const auto& m) { return static_cast<Index>(m.rows()); }, x_);
}

Index DataMatrix::cols() const {
  return std::visit([](const auto& m) { return static_cast<Index>(m.cols()); }, x_);
}

Index DataMatrix::stored_entries() const {
  return is_sparse() ? sparse()->nnz() : rows() * cols();
}

void DataMatrix::times(const Dense& M, Dense& out) const {
  if (const Csr* s = sparse())
    csr_times_dense(*s, M, out);
  else
    dense_times(*dense(), M, out);
}

void DataMatrix::times_pair(const Dense& Ma, const Dense& Mb, Dense& out_a, Dense& out_b) const {
  if (const Csr* s = sparse()) {
    csr_times_dense_pair(*s, Ma, Mb, out_a, out_b);
  } else {
    dense_times(*dense(), Ma, out_a);
    dense_times(*dense(), Mb, out_b);
  }
}

void DataMatrix::transpose_times(const Dense& M, Dense& out) const {
  // The CSR of Xᵀ gathering rows of M over all n columns is slow once M (n×k) outgrows
  // the caches; the blocked kernel takes M 256 rows at a time instead and needs up to
  // 16 partial d×k results, so it is used while those stay within 256 MB.
  if (is_sparse() && cols() * M.cols() <= (Index{1} << 21))
    csr_wide_times_tall(xt_, M, out);
  else if (is_sparse())
    csr_times_dense(xt_, M, out);
  else
    dense_transpose_times(*dense(), M, out);
}

double DataMatrix::squared_norm() const {
  return is_sparse() ? sparse()->squared_norm() : dense()->squaredNorm();
}

double DataMatrix::min_value() const {
  if (const Csr* s = sparse()) {
    const double m = s->min_value();
    // Implicit zeros count as entries whenever the matrix is not fully stored.
    return s->nnz() < rows() * cols() ? std::min(0.0, m) : m;
  }
  return dense()->size() ? dense()->minCoeff() : 0.0;
}

double DataMatrix::max_value() const {
  if (const Csr* s = sparse()) {
    const double m = s->max_value();
    return s->nnz() < rows() * cols() ? std::max(0.0, m) : m;
  }
  return dense()->size() ? dense()->maxCoeff() : 0.0;
}

double DataMatrix::mean_value() const {
  const double total = is_sparse() ? [&] {
    double s = 0;
    for (double v : sparse()->values()) s += v;
    return s;
  }()
                                   : dense()->sum();
  const double count = static_cast<double>(rows()) * static_cast<double>(cols());
  return count > 0 ? total / count : 0.0;
}

void DataMatrix::require_nonnegative(const std::string& what) const {
  auto fail = [&](Index i, Index j, double v) {
    throw InputError(what + " needs X >= 0: entry (row " + std::to_string(i + 1) + ", column " +
                     std::to_string(j + 1) + ") = " + format_value(v));
  };
  require_finite_scale(what);
  if (const Csr* s = sparse()) {
    for (Index i = 0; i < s->rows(); ++i)
      for (Csr::Offset p = s->row_ptr()[i]; p < s->row_ptr()[i + 1]; ++p)
        if (!(s->values()[p] >= 0.0)) fail(i, s->col_idx()[p], s->values()[p]);
    return;
  }
  const Dense& x = *dense();
  for (Index j = 0; j < x.cols(); ++j)
    for (Index i = 0; i < x.rows(); ++i)
      if (!(x(i, j) >= 0.0)) fail(i, j, x(i, j));
}

void DataMatrix::require_finite_scale(const std::string& what) const {
  // 4‖X‖² bounds every squared distance and, for the factorisations, the objective's
  // scale: past it sums overflow to Inf and the fits fail with NaN far from the cause.
  if (!std::isfinite(4.0 * squared_norm()))
    throw InputError(what + ": the data's sum of squares overflows double precision (largest entry " +
                     format_value(std::max(std::abs(max_value()), std::abs(min_value()))) +
                     "); scale the data down (e.g. --normalize max)");
}

double DataMatrix::nonzero_fraction() const {
  const double cells = static_cast<double>(rows()) * static_cast<double>(cols());
  if (cells == 0) return 0.0;
  if (const Csr* s = sparse()) {
    Index nonzero = 0;
    for (double v : s->values()) nonzero += v != 0.0;
    return static_cast<double>(nonzero) / cells;
  }
  return static_cast<double>((dense()->array() != 0.0).count()) / cells;
}

Normalization resolve_normalization(Normalization how, const DataMatrix& X) {
  if (how != Normalization::automatic) return how;
  // Bags of words and other very sparse counts: per-feature ranges are dominated by rare
  // large counts, so samples are scaled to unit length instead (docs/models.md §10.1).
  return X.nonzero_fraction() < 0.10 ? Normalization::l2_samples : Normalization::minmax_features;
}

DataScaling DataMatrix::normalize(Normalization how) {
  DataScaling scaling;
  scaling.how = resolve_normalization(how, *this);
  switch (scaling.how) {
    case Normalization::automatic:
    case Normalization::none:
      return scaling;
    case Normalization::max: {
      const double m = std::max(std::abs(max_value()), std::abs(min_value()));
      if (m == 0.0) return scaling;  // all-zero data stays as it is
      scaling.divisor = m;
      break;
    }
    case Normalization::l2_samples:
      break;
    case Normalization::minmax_features: {
      scaling.shift = Vector::Zero(cols());
      scaling.range = Vector::Ones(cols());
      if (is_sparse()) {
        // Column j of X is row j of xt_: per-feature min/max over stored entries and
        // implicit zeros. Subtracting a negative minimum would fill the implicit zeros.
        for (Index j = 0; j < cols(); ++j) {
          double lo = std::numeric_limits<double>::infinity(), hi = -lo;
          const Index stored = xt_.row_ptr()[j + 1] - xt_.row_ptr()[j];
          for (Csr::Offset p = xt_.row_ptr()[j]; p < xt_.row_ptr()[j + 1]; ++p) {
            lo = std::min(lo, xt_.values()[p]);
            hi = std::max(hi, xt_.values()[p]);
          }
          if (stored < rows()) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
          if (lo < 0.0)
            throw InvalidOption(
                "--normalize minmax-features on sparse data needs nonnegative features; feature " +
                std::to_string(j + 1) + " has minimum " + std::to_string(lo));
          if (lo > 0.0) lo = 0.0;  // a fully stored positive column: shift kept at 0 to preserve sparsity
          if (hi > lo) scaling.range(j) = hi - lo;
        }
      } else {
        const Dense& x = *dense();
        for (Index j = 0; j < x.cols(); ++j) {
          const double lo = x.col(j).minCoeff(), hi = x.col(j).maxCoeff();
          scaling.shift(j) = lo;
          if (hi > lo) scaling.range(j) = hi - lo;
        }
      }
      break;
    }
  }
  scaling.apply(*this);
  return scaling;
}

void DataScaling::apply(DataMatrix& X) const {
  X.apply_scaling(*this);
}

void DataMatrix::apply_scaling(const DataScaling& scaling) {
  Csr* s = std::get_if<Csr>(&x_);
  switch (scaling.how) {
    case Normalization::automatic:
    case Normalization::none:
      return;
    case Normalization::max:
      if (scaling.divisor == 1.0) return;
      if (s) {
        s->scale(1.0 / scaling.divisor);
        xt_.scale(1.0 / scaling.divisor);
      } else {
        std::get<Dense>(x_) /= scaling.divisor;
      }
      return;
    case Normalization::l2_samples:
      if (s) {
        Vector f = s->row_squared_norms().cwiseSqrt();
        // An all-zero sample has no direction: leave it at zero.
        for (Index i = 0; i < f.size(); ++i) f(i) = f(i) > 0 ? 1.0 / f(i) : 1.0;
        s->scale_rows(f);
        xt_ = s->transpose();
      } else {
        Dense& x = std::get<Dense>(x_);
        for (Index i = 0; i < x.rows(); ++i) {
          const double norm = x.row(i).norm();
          if (norm > 0) x.row(i) /= norm;
        }
      }
      return;
    case Normalization::minmax_features: {
      if (cols() != scaling.shift.size())
        throw InvalidOption("the data has " + std::to_string(cols()) +
                            " features but the scaling was fitted on " +
                            std::to_string(scaling.shift.size()));
      if (s) {
        // Implicit zeros stay zero: (0 − shift)/range ≤ 0 would be clamped to 0 anyway, like
        // every value below the training minimum.
        auto& v = s->mutable_values();
        for (size_t e = 0; e < v.size(); ++e) {
          const Index j = s->col_idx()[e];
          v[e] = std::max(0.0, (v[e] - scaling.shift(j)) / scaling.range(j));
        }
        xt_ = s->transpose();
      } else {
        Dense& x = std::get<Dense>(x_);
        for (Index j = 0; j < x.cols(); ++j)
          x.col(j) = ((x.col(j).array() - scaling.shift(j)) / scaling.range(j)).max(0.0).matrix();
      }
      return;
    }
  }
}

Dense DataMatrix::to_dense() const {
  return is_sparse() ? sparse()->to_dense() : *dense();
}

Normalization parse_normalization(const std::string& name) {
  if (name == "auto") return Normalization::automatic;
  if (name == "none") return Normalization::none;
  if (name == "max") return Normalization::max;
  if (name == "l2-samples") return Normalization::l2_samples;
  if (name == "minmax-features") return Normalization::minmax_features;
  throw InvalidOption("unknown normalization '" + name +
                      "' (expected auto, none, max, l2-samples or minmax-features)");
}

const char* to_string(Normalization n) {
  switch (n) {
    case Normalization::automatic:
      return "auto";
    case Normalization::none:
      return "none";
    case Normalization::max:
      return "max";
    case Normalization::l2_samples:
      return "l2-samples";
    case Normalization::minmax_features:
      return "minmax-features";
  }
  return "unknown";
}

}  // namespace dnmf
