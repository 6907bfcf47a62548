#include "dnmf/models/asym_rules.hpp"

#include <algorithm>

#include "dnmf/linalg/parallel.hpp"
#include "dnmf/models/mu.hpp"

namespace dnmf {

namespace detail {

namespace {

constexpr Index kRuleBlock = 256;  // rows per block: R, T and their Φ products stay in cache

/// R and T (rows×k) of rows [begin, begin + count).
void rule_block(const AsymRuleInputs& in, Index begin, Index count, Dense& R, Dense& T) {
  R.noalias() = in.N1->middleRows(begin, count) * in.W;
  R.noalias() += in.N2->middleRows(begin, count) * in.W.transpose();
  T.noalias() = in.Psi->middleRows(begin, count) * in.core;
  if (in.lambda > 0.0) {
    R += in.lambda * (in.E1->middleRows(begin, count) + in.E2->middleRows(begin, count));
    T += in.lambda * (in.degree->segment(begin, count).asDiagonal() * in.Psi->middleRows(begin, count));
  }
}

}  // namespace

bool apply_asym_rule(const AsymRuleInputs& in, Dense& target, double epsilon, double exponent) {
  const Index n = in.Psi->rows();
  const Index blocks = (n + kRuleBlock - 1) / kRuleBlock;
  bool finite = true;
#pragma omp parallel if (n * target.cols() >= (Index{1} << 16))
  {
    Dense R, T, num, den;
    bool ok = true;
#pragma omp for schedule(static)
    for (Index b = 0; b < blocks; ++b) {
      const Index begin = b * kRuleBlock, count = std::min(kRuleBlock, n - begin);
      rule_block(in, begin, count, R, T);
      auto rows = target.middleRows(begin, count);
      if (in.PhiT.size() == 0) {
        ok = multiplicative_update_block(rows, R, T, epsilon, exponent, 0.0, rows) && ok;
      } else {
        num.noalias() = R * in.PhiT;
        den.noalias() = T * in.PhiT;
        ok = multiplicative_update_block(rows, num, den, epsilon, exponent, 0.0, rows) && ok;
      }
    }
    if (!ok) {
#pragma omp atomic write
      finite = false;
    }
  }
  return finite;
}

void asym_rule_parts(const AsymRuleInputs& in, Dense& numerator, Dense& denominator) {
  const Index n = in.Psi->rows(), r = in.PhiT.size() == 0 ? in.W.rows() : in.PhiT.cols();
  numerator.resize(n, r);
  denominator.resize(n, r);
  Dense R, T;
  for (Index b = 0; b < n; b += kRuleBlock) {
    const Index c = std::min(kRuleBlock, n - b);
    rule_block(in, b, c, R, T);
    if (in.PhiT.size() == 0) {
      numerator.middleRows(b, c) = R;
      denominator.middleRows(b, c) = T;
    } else {
      numerator.middleRows(b, c).noalias() = R * in.PhiT;
      denominator.middleRows(b, c).noalias() = T * in.PhiT;
    }
  }
}

void asym_parts_projected(const AsymRuleInputs& in, const Dense& L, Dense& LtR, Dense& LtT) {
  const Index n = in.Psi->rows(), k = in.W.rows();
  // Partial sums [LᵀR | LᵀT] over at most 16 fixed super-blocks, added in order.
  const Dense zero = Dense::Zero(L.cols(), 2 * k);
  Dense total = reduce_row_blocks(n, L.cols() + k, zero, [&](Index begin, Index count) {
    Dense part = zero, R, T;
    for (Index b = begin; b < begin + count; b += kRuleBlock) {
      const Index c = std::min(kRuleBlock, begin + count - b);
      rule_block(in, b, c, R, T);
      part.leftCols(k).noalias() += L.middleRows(b, c).transpose() * R;
      part.rightCols(k).noalias() += L.middleRows(b, c).transpose() * T;
    }
    return part;
  });
  LtR = total.leftCols(k);
  LtT = total.rightCols(k);
}

}  // namespace detail

}  // namespace dnmf
