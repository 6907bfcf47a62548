#include "dnmf/terms/chain_terms.hpp"

#include <algorithm>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/products.hpp"

namespace dnmf {

namespace {

void require_weight(double lambda, const char* what) {
  if (!(lambda >= 0.0) || !std::isfinite(lambda))
    throw InvalidOption(std::string(what) + " weight must be finite and >= 0");
}

}  // namespace

// ---- decoder ----------------------------------------------------------------------

double DecoderLoss::value(const ChainState& s) const {
  const double f = s.x_squared_norm() - 2.0 * s.inner_XP_H() + (s.PtP().array() * s.HtH().array()).sum();
  return std::max(f, 0.0);  // cancellation can leave a tiny negative value at an exact fit
}

void DecoderLoss::add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const {
  negative += 2.0 * s.XtH();
  positive.noalias() += 2.0 * s.P() * s.HtH();
}

void DecoderLoss::add_gradient_H(const ChainState& s, Dense& negative, Dense& positive) const {
  negative += 2.0 * s.XP();
  Dense hg;
  dense_times(s.H(), s.PtP(), hg);
  positive += 2.0 * hg;
}

// ---- encoder ----------------------------------------------------------------------

double EncoderLoss::value(const ChainState& s) const {
  const double f = s.H().squaredNorm() - 2.0 * s.inner_XP_H() + s.xp_squared_norm();
  return std::max(f, 0.0);
}

void EncoderLoss::add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const {
  negative += 2.0 * s.XtH();
  positive += 2.0 * s.XtXP();
}

void EncoderLoss::add_gradient_H(const ChainState& s, Dense& negative, Dense& positive) const {
  negative += 2.0 * s.XP();
  positive += 2.0 * s.H();
}

// ---- repulsive --------------------------------------------------------------------

RepulsiveTerm::RepulsiveTerm(double lambda) : lambda_(lambda) {
  require_weight(lambda, "repulsive");
}

double RepulsiveTerm::value(const ChainState& s) const {
  const Vector& q = s.sample_squared_norms();
  const Eigen::RowVectorXd qH = q.transpose() * s.H();
  const Eigen::RowVectorXd oneH = s.H().colwise().sum();
  const double f = 2.0 * (qH.dot(oneH) - s.XtH().squaredNorm());
  return lambda_ * std::max(f, 0.0);  // Σ S⁻_ij⟨h_i,h_j⟩ >= 0 since S⁻, H >= 0
}

Dense RepulsiveTerm::times_H(const ChainState& s) {
  const Vector& q = s.sample_squared_norms();
  const Dense& H = s.H();
  const Eigen::RowVectorXd qH = q.transpose() * H;
  const Eigen::RowVectorXd oneH = H.colwise().sum();
  Dense out = -2.0 * s.XXtH();
  out += q * oneH;
  out.rowwise() += qH;
  return out.cwiseMax(0.0);
}

void RepulsiveTerm::add_gradient_H(const ChainState& s, Dense& /*negative*/, Dense& positive) const {
  if (lambda_ == 0.0) return;
  positive += (2.0 * lambda_) * times_H(s);
}

// ---- attractive -------------------------------------------------------------------

AttractiveTerm::AttractiveTerm(Csr S, double lambda) : s_(std::move(S)), lambda_(lambda) {
  require_weight(lambda, "attractive");
  if (s_.rows() != s_.cols()) throw InvalidOption("the attractive term needs a square affinity matrix");
  if (s_.nnz() > 0 && s_.min_value() < 0.0) throw InvalidOption("the affinity matrix must be >= 0");
  symmetric_ = s_.is_symmetric();
  if (!symmetric_) st_ = s_.transpose();
  degree_ = s_.row_sums() + s_.col_sums();
}

const Dense& AttractiveTerm::sym_times_H(const ChainState& s) const {
  if (cached_version_ != s.h_version() || s.h_version() == 0) {
    const Dense& H = s.H();
    if (H.rows() != s_.rows()) throw InvalidOption("affinity matrix and H have different numbers of samples");
    csr_times_dense(s_, H, cached_);
    if (symmetric_)
      cached_ *= 2.0;
    else
      cached_ += csr_times_dense(st_, H);
    cached_version_ = s.h_version();
  }
  return cached_;
}

double AttractiveTerm::value(const ChainState& s) const {
  // ⟨H, SH⟩ = ½⟨H, (S + Sᵀ)H⟩.
  const Dense& H = s.H();
  const double f = (degree_.array() * H.rowwise().squaredNorm().array()).sum() -
                   (H.array() * sym_times_H(s).array()).sum();
  return lambda_ * std::max(f, 0.0);
}

void AttractiveTerm::add_gradient_H(const ChainState& s, Dense& negative, Dense& positive) const {
  if (lambda_ == 0.0) return;
  negative += (2.0 * lambda_) * sym_times_H(s);
  positive += (2.0 * lambda_) * (degree_.asDiagonal() * s.H());
}

// ---- feature relationship ---------------------------------------------------------

FeatureRelationTerm::FeatureRelationTerm(double lambda) : lambda_(lambda) {
  require_weight(lambda, "feature-relation");
}

double FeatureRelationTerm::value(const ChainState& s) const {
  const double f =
      s.gram_squared_norm() - 2.0 * lambda_ * s.xp_squared_norm() + lambda_ * lambda_ * s.PtP().squaredNorm();
  return std::max(f, 0.0);
}

void FeatureRelationTerm::add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const {
  if (lambda_ == 0.0) return;
  negative += (4.0 * lambda_) * s.XtXP();
  positive.noalias() += (4.0 * lambda_ * lambda_) * s.P() * s.PtP();
}

}  // namespace dnmf
