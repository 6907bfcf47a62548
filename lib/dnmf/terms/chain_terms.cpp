#include "dnmf/terms/chain_terms.hpp"

#include <algorithm>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/parallel.hpp"
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

void DecoderLoss::prepare_gradient_H(const ChainState& s) const {
  s.XP();
  s.PtP();
}

void DecoderLoss::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                                      Eigen::Ref<Dense> positive) const {
  const Index c = negative.rows();
  negative += 2.0 * s.XP().middleRows(begin, c);
  positive.noalias() += 2.0 * s.H().middleRows(begin, c) * s.PtP();
}

// ---- encoder ----------------------------------------------------------------------

double EncoderLoss::value(const ChainState& s) const {
  // ‖H‖² = tr(HᵀH): the k×k Gram is cached for the decoder, so no pass over H.
  const double f = s.HtH().trace() - 2.0 * s.inner_XP_H() + s.xp_squared_norm();
  return std::max(f, 0.0);
}

void EncoderLoss::add_gradient_P(const ChainState& s, Dense& negative, Dense& positive) const {
  negative += 2.0 * s.XtH();
  positive += 2.0 * s.XtXP();
}

void EncoderLoss::prepare_gradient_H(const ChainState& s) const {
  s.XP();
}

void EncoderLoss::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                                      Eigen::Ref<Dense> positive) const {
  const Index c = negative.rows();
  negative += 2.0 * s.XP().middleRows(begin, c);
  positive += 2.0 * s.H().middleRows(begin, c);
}

// ---- repulsive --------------------------------------------------------------------

RepulsiveTerm::RepulsiveTerm(double lambda) : lambda_(lambda) {
  require_weight(lambda, "repulsive");
}

double RepulsiveTerm::value(const ChainState& s) const {
  const ChainState::HSummary& h = s.h_summary();  // qᵀH and 1ᵀH
  const double f = 2.0 * (h.weighted_sums.dot(h.sums) - s.XtH().squaredNorm());
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

void RepulsiveTerm::prepare_gradient_H(const ChainState& s) const {
  if (lambda_ == 0.0) return;
  s.XXtH();
  s.h_summary();
}

void RepulsiveTerm::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> /*negative*/,
                                        Eigen::Ref<Dense> positive) const {
  if (lambda_ == 0.0) return;
  // 2λ₁·(rows of times_H(s)), without the n×k temporary.
  const Index c = positive.rows();
  const Vector& q = s.sample_squared_norms();
  const ChainState::HSummary& h = s.h_summary();
  positive += (2.0 * lambda_) * ((q.segment(begin, c) * h.sums).rowwise() + h.weighted_sums -
                                 2.0 * s.XXtH().middleRows(begin, c))
                                    .cwiseMax(0.0);
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

const Dense& AttractiveTerm::half_sym_times_H(const ChainState& s) const {
  if (cached_version_ != s.h_version() || s.h_version() == 0) {
    const Dense& H = s.H();
    if (H.rows() != s_.rows()) throw InvalidOption("affinity matrix and H have different numbers of samples");
    ht_.resize(H.cols(), H.rows());  // reused buffer: no n×k allocation per call
    for_row_blocks(H.rows(), H.cols(),
                   [&](Index b, Index c) { ht_.middleCols(b, c) = H.middleRows(b, c).transpose(); });
    csr_times_transposed(s_, ht_, cached_);
    if (!symmetric_) {  // (SH + SᵀH)/2; for symmetric S the product itself, no extra pass
      csr_times_transposed(st_, ht_, scratch_);
      cached_ += scratch_;
      cached_ *= 0.5;
    }
    cached_version_ = s.h_version();
  }
  return cached_;
}

double AttractiveTerm::value(const ChainState& s) const {
  // ⟨H, SH⟩ = ⟨H, ½(S + Sᵀ)H⟩.
  const Dense& H = s.H();
  const Dense& SH = half_sym_times_H(s);
  const double f = reduce_row_blocks(H.rows(), H.cols(), 0.0, [&](Index b, Index c) {
    const auto h = H.middleRows(b, c);
    return (degree_.segment(b, c).array() * h.rowwise().squaredNorm().array()).sum() -
           2.0 * (h.array() * SH.middleRows(b, c).array()).sum();
  });
  return lambda_ * std::max(f, 0.0);
}

void AttractiveTerm::prepare_gradient_H(const ChainState& s) const {
  if (lambda_ != 0.0) half_sym_times_H(s);
}

void AttractiveTerm::add_gradient_H_rows(const ChainState& s, Index begin, Eigen::Ref<Dense> negative,
                                         Eigen::Ref<Dense> positive) const {
  if (lambda_ == 0.0) return;
  const Index c = negative.rows();
  const double w = 2.0 * lambda_;
  negative += (2.0 * w) * cached_.middleRows(begin, c);  // (S + Sᵀ)H, from prepare_gradient_H
  positive += w * (degree_.segment(begin, c).asDiagonal() * s.H().middleRows(begin, c));
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
