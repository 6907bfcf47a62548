#include "dnmf/terms/dn2mfgl_terms.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"

namespace dnmf {

namespace {

std::atomic<std::uint64_t> weight_versions{0};

/// out_j = a_jᵀ M a_j for the rows a_j of A (M k×k symmetric). O(rows·k²).
Vector row_quadratic_forms(const Dense& A, const Dense& M) {
  Vector out(A.rows());
  for_row_blocks(A.rows(), A.cols(), [&](Index b, Index c) {
    out.segment(b, c) = (A.middleRows(b, c) * M).cwiseProduct(A.middleRows(b, c)).rowwise().sum();
  });
  return out;
}

/// The IRLS weight of a residual norm (reference: 1/sqrt(4·max(‖z‖², 1e-10))).
double irls_weight(double squared_norm) {
  return 1.0 / (2.0 * std::max(std::sqrt(std::max(squared_norm, 0.0)), 1e-5));
}

void require_weight(double v, const char* what) {
  if (!(v >= 0.0) || !std::isfinite(v)) throw InvalidOption(std::string(what) + " must be finite and >= 0");
}

}  // namespace

// ---- L2,1 residual ----------------------------------------------------------------

L21Residual::L21Residual(L21Mode mode) : mode_(mode) {}

Vector L21Residual::residual_norms(const ChainState& s) const {
  Vector r2;
  if (mode_ == L21Mode::samples) {
    if (squared_.size() == 0) squared_ = s.sample_squared_norms();
    const Dense& XP = s.XP();
    const Dense& H = s.H();
    r2 = squared_ - 2.0 * XP.cwiseProduct(H).rowwise().sum() + row_quadratic_forms(H, s.PtP());
  } else {
    if (squared_.size() == 0) {
      const Csr* xt = s.X().sparse_transpose();
      squared_ = xt ? xt->row_squared_norms() : Vector(s.X().dense()->colwise().squaredNorm().transpose());
    }
    const Dense& P = s.P();
    r2 = squared_ - 2.0 * s.XtH().cwiseProduct(P).rowwise().sum() + row_quadratic_forms(P, s.HtH());
  }
  return r2.cwiseMax(0.0).cwiseSqrt();  // cancellation can leave tiny negatives at an exact fit
}

bool L21Residual::update_weights(const ChainState& s) const {
  const Vector norms = residual_norms(s);
  weights_.resize(norms.size());
  wq_ = 0.0;
  inverse_ = 0.0;
  for (Index j = 0; j < norms.size(); ++j) {
    weights_(j) = irls_weight(norms(j) * norms(j));
    wq_ += weights_(j) * squared_(j);
    inverse_ += 0.25 / weights_(j);
  }
  weights_version_ = ++weight_versions;
  return true;
}

const Dense& L21Residual::XtWH(const ChainState& s) const {
  if (cached_h_ != s.h_version() || cached_w_ != weights_version_) {
    wh_ = weights_.asDiagonal() * s.H();
    s.X().transpose_times(wh_, xtwh_);
    dense_transpose_times(s.H(), wh_, hwh_);
    cached_h_ = s.h_version();
    cached_w_ = weights_version_;
  }
  return xtwh_;
}

const Dense& L21Residual::XUP(const ChainState& s) const {
  if (cached_p_ != s.p_version() || cached_w2_ != weights_version_) {
    const Dense up = weights_.asDiagonal() * s.P();
    s.X().times(up, xup_);
    hwh_ = s.P().transpose() * up;  // PᵀUP, k×k (features mode only)
    cached_p_ = s.p_version();
    cached_w2_ = weights_version_;
  }
  return xup_;
}

double L21Residual::value(const ChainState& s) const {
  if (weights_.size() == 0) throw InvalidOption("l21-residual: update_weights must run before value");
  double fit;
  if (mode_ == L21Mode::samples && s.has_XP()) {
    // After an H step or a re-weighting XP is at hand: Σ_i w_i r_i² from the rows,
    // O(n·k²), instead of a new Xᵀ(WH).
    const Dense& XP = s.XP();
    const Dense& H = s.H();
    fit = reduce_row_blocks(H.rows(), H.cols(), 0.0, [&](Index b, Index c) {
      const auto h = H.middleRows(b, c);
      const Vector r2 = squared_.segment(b, c) - 2.0 * XP.middleRows(b, c).cwiseProduct(h).rowwise().sum() +
                        (h * s.PtP()).cwiseProduct(h).rowwise().sum();
      return weights_.segment(b, c).dot(r2);
    });
  } else if (mode_ == L21Mode::samples) {
    const Dense& xtwh = XtWH(s);
    fit = wq_ - 2.0 * (s.P().array() * xtwh.array()).sum() + (s.PtP().array() * hwh_.array()).sum();
  } else {
    const Dense up = weights_.asDiagonal() * s.P();
    fit = wq_ - 2.0 * (up.array() * s.XtH().array()).sum() +
          (Dense(s.P().transpose() * up).array() * s.HtH().array()).sum();
  }
  return std::max(fit, 0.0) + inverse_;
}

void L21Residual::add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const {
  if (mode_ == L21Mode::samples) {
    negative += 2.0 * XtWH(s);
    positive.noalias() += 2.0 * s.P() * hwh_;
  } else {
    negative += 2.0 * (weights_.asDiagonal() * s.XtH());
    positive += 2.0 * (weights_.asDiagonal() * Dense(s.P() * s.HtH()));
  }
}

void L21Residual::prepare_gradient_H(const ChainState& s) const {
  if (mode_ == L21Mode::samples) {
    s.XP();
    s.PtP();
  } else {
    XUP(s);
  }
}

void L21Residual::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                                      Eigen::Ref<Dense> positive) const {
  const Index c = negative.rows();
  const auto H = s.H().middleRows(begin, c);
  if (mode_ == L21Mode::samples) {
    const auto w = weights_.segment(begin, c).asDiagonal();
    negative += 2.0 * (w * s.XP().middleRows(begin, c));
    positive += 2.0 * (w * Dense(H * s.PtP()));
  } else {
    negative += 2.0 * xup_.middleRows(begin, c);
    positive.noalias() += 2.0 * H * hwh_;
  }
}

// ---- variance ---------------------------------------------------------------------

VarianceTerm::VarianceTerm(double beta) : beta_(beta) {
  require_weight(beta, "variance weight beta");
}

double VarianceTerm::value(const ChainState& s) const {
  const Dense& H = s.H();
  const double n = static_cast<double>(H.rows());
  return -beta_ * (H.squaredNorm() - H.colwise().sum().squaredNorm() / n);
}

void VarianceTerm::prepare_gradient_H(const ChainState& s) const {
  column_sums_ = s.H().colwise().sum();
}

void VarianceTerm::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                                       Eigen::Ref<Dense> positive) const {
  if (beta_ == 0.0) return;
  const Index c = negative.rows();
  const double n = static_cast<double>(s.H().rows());
  negative += (2.0 * beta_) * s.H().middleRows(begin, c);
  positive.rowwise() += (2.0 * beta_ / n) * column_sums_;
}

// ---- inner-product sparsity -------------------------------------------------------

InnerProductSparsity::InnerProductSparsity(double nu) : nu_(nu) {
  require_weight(nu, "sparsity weight nu");
}

double InnerProductSparsity::value(const ChainState& s) const {
  const Dense& H = s.H();
  return nu_ * (H.colwise().sum().squaredNorm() - H.squaredNorm());
}

void InnerProductSparsity::prepare_gradient_H(const ChainState& s) const {
  column_sums_ = s.H().colwise().sum();
}

void InnerProductSparsity::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                                               Eigen::Ref<Dense> positive) const {
  if (nu_ == 0.0) return;
  const Index c = negative.rows();
  negative += (2.0 * nu_) * s.H().middleRows(begin, c);
  positive.rowwise() += (2.0 * nu_) * column_sums_;
}

}  // namespace dnmf
