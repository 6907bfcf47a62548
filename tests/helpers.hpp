// Small helpers shared by the model test suites.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dnmf/core/rng.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/terms/chain_terms.hpp"

namespace test {

inline double rel_err(double a, double b) {
  return std::abs(a - b) / std::max({std::abs(a), std::abs(b), 1e-300});
}

inline double rel_err(const dnmf::Dense& a, const dnmf::Dense& b) {
  return (a - b).norm() / std::max({a.norm(), b.norm(), 1e-300});
}

/// Nonnegative n×d data with about `density` of the entries stored (uniform values).
inline dnmf::Dense test_data(dnmf::Index n, dnmf::Index d, double density, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  dnmf::Dense x = dnmf::Dense::Zero(n, d);
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = 0; j < d; ++j)
      if (rng.uniform() < density) x(i, j) = rng.uniform();
  return x;
}

/// Counts of a planted three-group structure, n×d (rows are samples): entry (i, j) is
/// stored with probability own_rate when j ≡ i (mod 3), else other_rate, with a value in
/// {1, 2, 3, 4}.
inline dnmf::Dense planted_counts(dnmf::Index n, dnmf::Index d, std::uint64_t seed, double own_rate = 0.8,
                                  double other_rate = 0.35) {
  dnmf::Rng rng(seed);
  dnmf::Dense x = dnmf::Dense::Zero(n, d);
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = 0; j < d; ++j)
      if (rng.uniform() < ((j % 3) == (i % 3) ? own_rate : other_rate))
        x(i, j) = 1.0 + std::floor(4.0 * rng.uniform());
  return x;
}

/// Rand index between the argmax of each row of R and the planted groups i mod 3.
inline double planted_rand_index(const dnmf::Dense& R) {
  const dnmf::Index n = R.rows();
  std::vector<dnmf::Index> label(static_cast<size_t>(n));
  for (dnmf::Index i = 0; i < n; ++i) R.row(i).maxCoeff(&label[static_cast<size_t>(i)]);
  double agree = 0.0;
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = i + 1; j < n; ++j)
      agree += ((i % 3) == (j % 3)) == (label[static_cast<size_t>(i)] == label[static_cast<size_t>(j)]);
  return agree / (static_cast<double>(n) * static_cast<double>(n - 1) / 2.0);
}

/// Value of a term at (P, H) for data X through a fresh state (no Gram).
inline double term_value(const dnmf::ChainTerm& t, const dnmf::DataMatrix& X, const dnmf::Dense& P,
                         const dnmf::Dense& H) {
  dnmf::ChainState s(X, false);
  s.set_P(P);
  s.set_H(H);
  return t.value(s);
}

/// Central finite differences of a term along every entry of P (or H); returns the
/// relative error of positive − negative against them. Checks both parts are >= 0
/// (include after <boost/test/unit_test.hpp>). Re-weighted terms keep their weights.
inline double gradient_check(const dnmf::ChainTerm& t, const dnmf::DataMatrix& X, const dnmf::Dense& P,
                             const dnmf::Dense& H, bool wrt_P) {
  dnmf::ChainState s(X, false);
  s.set_P(P);
  s.set_H(H);
  const dnmf::Dense& theta = wrt_P ? P : H;
  dnmf::Dense neg = dnmf::Dense::Zero(theta.rows(), theta.cols()), pos = neg;
  if (wrt_P)
    t.add_gradient_P(s, neg, pos);
  else
    t.add_gradient_H(s, neg, pos);
  BOOST_TEST((neg.array() >= 0).all());
  BOOST_TEST((pos.array() >= 0).all());
  dnmf::Dense numeric(theta.rows(), theta.cols());
  for (dnmf::Index i = 0; i < theta.rows(); ++i)
    for (dnmf::Index j = 0; j < theta.cols(); ++j) {
      const double h = 1e-5 * std::max(1.0, std::abs(theta(i, j)));
      dnmf::Dense plus = theta, minus = theta;
      plus(i, j) += h;
      minus(i, j) -= h;
      const double fp = wrt_P ? term_value(t, X, plus, H) : term_value(t, X, P, plus);
      const double fm = wrt_P ? term_value(t, X, minus, H) : term_value(t, X, P, minus);
      numeric(i, j) = (fp - fm) / (2 * h);
    }
  return rel_err(dnmf::Dense(pos - neg), numeric);
}

}  // namespace test
