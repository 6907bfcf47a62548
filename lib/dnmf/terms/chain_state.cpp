#include "dnmf/terms/chain_state.hpp"

#include <algorithm>
#include <atomic>
#include <limits>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"

namespace dnmf {

namespace {

constexpr Index kGramBlock = 64;

/// Calls visit(first, block) for consecutive column blocks of AᵀA, where A is m×c
/// given with its transpose At (c×m): block = Aᵀ·A[:, first:first+b] (c×b), obtained
/// as At·E with E the dense m×b copy of those columns. O(nnz(A)·c) time over all
/// blocks, O((m + c)·b) memory. Deterministic, and the Gram comes out exactly symmetric:
/// entry (f, g) and entry (g, f) sum the same nonzero products in the same (sample)
/// order. The blocked gather reads E 256 rows at a time (csr_times_dense gathered rows
/// of the m×64 E at random: 4 s against 0.7 s for MNIST-70k's 784×784 Gram).
template <class Visit>
void for_each_gram_block(const Csr& At, Visit visit) {
  const Index m = At.cols(), c = At.rows();
  Dense E, block;
  for (Index first = 0; first < c; first += kGramBlock) {
    const Index b = std::min(kGramBlock, c - first);
    E.setZero(m, b);
    for (Index f = 0; f < b; ++f)
      for (auto p = At.row_ptr()[first + f]; p < At.row_ptr()[first + f + 1]; ++p)
        E(At.col_idx()[p], f) = At.values()[p];
    csr_wide_times_tall(At, E, block);
    visit(first, block);
  }
}

}  // namespace

bool ChainState::gram_is_worthwhile(const DataMatrix& X) {
  const double d = static_cast<double>(X.cols());
  // G·P costs d²k; the two SpMMs it replaces cost 2·nnz·k.
  return X.cols() <= 4096 && d * d <= 2.0 * static_cast<double>(X.stored_entries());
}

ChainState::ChainState(const DataMatrix& X, bool use_gram) : x_(&X), x_norm2_(X.squared_norm()) {
  if (!use_gram) return;
  if (X.cols() > 4096) throw InvalidOption("a dense d×d Gram is refused for d > 4096");
  Dense G;
  if (const Dense* dense = X.dense()) {
    dense_transpose_times(*dense, *dense, G);
  } else {
    G.resize(X.cols(), X.cols());
    for_each_gram_block(*X.sparse_transpose(),
                        [&](Index first, const Dense& block) { G.middleCols(first, block.cols()) = block; });
  }
  gram_ = std::move(G);
}

namespace {
std::atomic<std::uint64_t> h_versions{0};  // versions of P and H, unique across states
}

void ChainState::set_P(Dense P) {
  p_.swap(P);
  p_version_ = ++h_versions;
  inner_xp_h_.reset();
  xp_norm2_.reset();
  xp_.reset();
  xtxp_.reset();
  ptp_.reset();
}

void ChainState::set_H(Dense H) {
  Dense h = std::move(H);
  swap_H(h);
}

void ChainState::swap_H(Dense& other) {
  h_.swap(other);
  h_version_ = ++h_versions;
  inner_xp_h_.reset();
  xth_.reset();
  xxth_.reset();
  h_summary_.reset();
}

const Dense& ChainState::XP() const {
  if (!xp_) {
    xp_.emplace();
    x_->times(p_, *xp_);
  }
  return *xp_;
}

const Dense& ChainState::XtH() const {
  if (!xth_) {
    xth_.emplace();
    x_->transpose_times(h_, *xth_);
  }
  return *xth_;
}

const Dense& ChainState::XtXP() const {
  if (!xtxp_) {
    xtxp_.emplace();
    if (gram_)
      dense_times(*gram_, p_, *xtxp_);
    else
      x_->transpose_times(XP(), *xtxp_);
  }
  return *xtxp_;
}

const Dense& ChainState::XXtH() const {
  if (!xxth_) {
    xxth_.emplace();
    x_->times(XtH(), *xxth_);
  }
  return *xxth_;
}

void ChainState::prefetch_XP_and_XXtH() const {
  if (xp_ && xxth_) return;
  if (xp_) {
    XXtH();
    return;
  }
  if (xxth_) {
    XP();
    return;
  }
  xp_.emplace();
  xxth_.emplace();
  x_->times_pair(p_, XtH(), *xp_, *xxth_);
}

const Dense& ChainState::PtP() const {
  if (!ptp_) ptp_ = Dense(p_.transpose() * p_);
  return *ptp_;
}

const ChainState::HSummary& ChainState::h_summary() const {
  if (!h_summary_) {
    const Index k = h_.cols();
    const Vector& q = sample_squared_norms();
    HSummary zero;
    zero.gram = Dense::Zero(k, k);
    zero.sums = Eigen::RowVectorXd::Zero(k);
    zero.weighted_sums = Eigen::RowVectorXd::Zero(k);
    zero.max = h_.size() ? -std::numeric_limits<double>::infinity() : 0.0;
    HSummary total = reduce_row_blocks(
        h_.rows(), k, zero,
        [&](Index b, Index c) {
          HSummary part = zero;
          const auto rows = h_.middleRows(b, c);
          part.gram.selfadjointView<Eigen::Lower>().rankUpdate(rows.transpose());  // lower half only
          part.sums = rows.colwise().sum();
          part.weighted_sums.noalias() = q.segment(b, c).transpose() * rows;
          part.max = c ? rows.maxCoeff() : part.max;
          return part;
        },
        [](const HSummary& a, const HSummary& b) {
          HSummary sum = a;
          sum.gram += b.gram;
          sum.sums += b.sums;
          sum.weighted_sums += b.weighted_sums;
          sum.max = std::max(a.max, b.max);
          return sum;
        });
    total.gram.triangularView<Eigen::StrictlyUpper>() = total.gram.transpose();
    h_summary_ = std::move(total);
  }
  return *h_summary_;
}

const Vector& ChainState::sample_squared_norms() const {
  if (!q_) {
    if (const Csr* s = x_->sparse())
      q_ = s->row_squared_norms();
    else
      q_ = x_->dense()->rowwise().squaredNorm();
  }
  return *q_;
}

double ChainState::gram_squared_norm() const {
  if (!gram_norm2_) {
    if (gram_) {
      gram_norm2_ = gram_->squaredNorm();
    } else if (const Dense* dense = x_->dense()) {
      // ‖XᵀX‖² = ‖XXᵀ‖²: the smaller Gram, formed once.
      Dense G;
      if (dense->cols() <= dense->rows())
        dense_transpose_times(*dense, *dense, G);
      else
        G = *dense * dense->transpose();
      gram_norm2_ = G.squaredNorm();
    } else {
      // Column blocks of the smaller Gram: O(nnz·min(n, d)), O((n + d)·64) memory.
      double total = 0.0;
      const auto add = [&](Index, const Dense& block) { total += block.squaredNorm(); };
      if (x_->cols() <= x_->rows())
        for_each_gram_block(*x_->sparse_transpose(), add);  // XᵀX, blocks of d×64
      else
        for_each_gram_block(*x_->sparse(), add);  // XXᵀ, blocks of n×64
      gram_norm2_ = total;
    }
  }
  return *gram_norm2_;
}

double ChainState::xp_squared_norm() const {
  if (!xp_norm2_) {
    if (gram_) {  // ⟨P, G·P⟩: d×k, and G·P is needed by the P gradients anyway
      xp_norm2_ = (p_.array() * XtXP().array()).sum();
    } else {
      const Dense& xp = XP();
      xp_norm2_ = reduce_row_blocks(xp.rows(), xp.cols(), 0.0,
                                    [&](Index b, Index c) { return xp.middleRows(b, c).squaredNorm(); });
    }
  }
  return *xp_norm2_;
}

double ChainState::inner_XP_H() const {
  if (!inner_xp_h_) {
    if (xth_ || !xp_) {
      inner_xp_h_ = (p_.array() * XtH().array()).sum();
    } else {
      const Dense& xp = *xp_;
      inner_xp_h_ = reduce_row_blocks(h_.rows(), h_.cols(), 0.0, [&](Index b, Index c) {
        return (xp.middleRows(b, c).array() * h_.middleRows(b, c).array()).sum();
      });
    }
  }
  return *inner_xp_h_;
}

}  // namespace dnmf
