// Plain NMF: monotone objective, exact recovery of planted factorisations,
// determinism, validation and the sparse/dense agreement of the fit.
#define BOOST_TEST_MODULE nmf
#include <boost/test/unit_test.hpp>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/nmf.hpp"

#include <cmath>
#include <limits>

using dnmf::Csr;
using dnmf::DataMatrix;
using dnmf::Dense;
using dnmf::Index;

namespace {

double dense_objective(const Dense& x, const dnmf::NmfResult& r) {
  return (x - r.H * r.W.transpose()).squaredNorm();
}

}  // namespace

BOOST_AUTO_TEST_CASE(objective_never_increases_over_200_iterations) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    dnmf::Rng rng(seed);
    // Mix of scales: Lee–Seung is scale-free, so the property must hold at any scale.
    const double scale = seed % 3 == 0 ? 100.0 : (seed % 3 == 1 ? 0.01 : 1.0);
    const Dense x = rng.uniform_matrix(30 + 5 * seed, 20, scale);
    dnmf::NmfOptions opt;
    opt.rank = 4;
    opt.max_iterations = 200;
    opt.tolerance = 0.0;
    opt.seed = seed;
    const auto r = dnmf::fit_nmf(DataMatrix(x), opt);
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(r.iterations == 200);
      BOOST_TEST(r.objective.size() == 200u);
      for (size_t t = 1; t < r.objective.size(); ++t)
        // Relative slack 1e-12 absorbs the rounding of the identity-based objective.
        BOOST_TEST(r.objective[t] <= r.objective[t - 1] * (1 + 1e-12) + 1e-300);
      // The recorded objective is the true one (identity vs dense residual).
      BOOST_TEST(r.objective.back() == dense_objective(x, r), boost::test_tools::tolerance(1e-9));
    }
  }
}

BOOST_AUTO_TEST_CASE(objective_identity_matches_dense_residual) {
  dnmf::Rng rng(3);
  const Dense x = rng.uniform_matrix(25, 12);
  const Dense w = rng.uniform_matrix(12, 3), h = rng.uniform_matrix(25, 3);
  const double dense = (x - h * w.transpose()).squaredNorm();
  BOOST_TEST(dnmf::nmf_objective(DataMatrix(x), w, h) == dense, boost::test_tools::tolerance(1e-10));
  BOOST_TEST(dnmf::nmf_objective(DataMatrix(Csr::from_dense(x)), w, h) == dense,
             boost::test_tools::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(planted_factorisation_is_recovered) {
  // X = H* W*ᵀ exactly, with sparse (hence identifiable) nonnegative factors.
  dnmf::Rng rng(17);
  const dnmf::Index n = 60, d = 40, k = 3;
  Dense h = Dense::Zero(n, k), w = Dense::Zero(d, k);
  for (dnmf::Index i = 0; i < n; ++i) h(i, i % k) = 0.5 + rng.uniform();
  for (dnmf::Index j = 0; j < d; ++j) w(j, j % k) = 0.5 + rng.uniform();
  const Dense x = h * w.transpose();
  dnmf::NmfOptions opt;
  opt.rank = 3;
  opt.max_iterations = 5000;
  opt.tolerance = 0.0;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    opt.seed = seed;
    const auto r = dnmf::fit_nmf(DataMatrix(Csr::from_dense(x)), opt);
    const double relative = std::sqrt(dense_objective(x, r)) / x.norm();
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(relative < 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(sparse_and_dense_fits_agree) {
  dnmf::Rng rng(5);
  Dense x = rng.uniform_matrix(40, 30);
  x = (x.array() < 0.7).select(0.0, x);  // about 30 % stored
  dnmf::NmfOptions opt;
  opt.rank = 5;
  opt.max_iterations = 50;
  opt.tolerance = 0.0;
  const auto a = dnmf::fit_nmf(DataMatrix(x), opt);
  const auto b = dnmf::fit_nmf(DataMatrix(Csr::from_dense(x)), opt);
  // Same start, same updates; only summation order differs, and MU does not amplify
  // rounding much over 50 steps.
  BOOST_TEST((a.H - b.H).norm() / a.H.norm() < 1e-8);
  BOOST_TEST((a.W - b.W).norm() / a.W.norm() < 1e-8);
}

BOOST_AUTO_TEST_CASE(same_seed_same_result) {
  dnmf::Rng rng(8);
  const Dense x = rng.uniform_matrix(50, 10);
  dnmf::NmfOptions opt;
  opt.rank = 3;
  opt.seed = 99;
  const auto a = dnmf::fit_nmf(DataMatrix(x), opt);
  const auto b = dnmf::fit_nmf(DataMatrix(x), opt);
  BOOST_CHECK(a.H == b.H);
  BOOST_CHECK(a.W == b.W);
  BOOST_TEST(a.objective == b.objective);
  opt.seed = 100;
  const auto c = dnmf::fit_nmf(DataMatrix(x), opt);
  BOOST_CHECK(a.H != c.H);
}

BOOST_AUTO_TEST_CASE(tolerance_stops_early_and_callback_can_stop) {
  dnmf::Rng rng(9);
  const Dense x = rng.uniform_matrix(30, 10);
  dnmf::NmfOptions opt;
  opt.rank = 2;
  opt.max_iterations = 100000;
  opt.tolerance = 1e-4;
  const auto r = dnmf::fit_nmf(DataMatrix(x), opt);
  BOOST_TEST((r.status == dnmf::Status::converged));
  BOOST_TEST(r.iterations < 100000);
  int calls = 0;
  const auto s = dnmf::fit_nmf(DataMatrix(x), opt, [&](const dnmf::IterationInfo& info) {
    ++calls;
    BOOST_TEST(info.iteration == calls);
    return calls < 5;
  });
  BOOST_TEST((s.status == dnmf::Status::stopped_by_callback));
  BOOST_TEST(s.iterations == 5);
}

BOOST_AUTO_TEST_CASE(invalid_input_is_refused) {
  Dense x = Dense::Ones(5, 4);
  dnmf::NmfOptions opt;
  opt.rank = 5;  // > min(n, d) = 4
  BOOST_CHECK_THROW(dnmf::fit_nmf(DataMatrix(x), opt), dnmf::InvalidOption);
  opt.rank = 2;
  x(3, 1) = -1.0;
  BOOST_CHECK_THROW(dnmf::fit_nmf(DataMatrix(x), opt), dnmf::InputError);
}

BOOST_AUTO_TEST_CASE(a_non_finite_factor_is_reported_with_iteration_and_factor) {
  Dense w = Dense::Ones(3, 2);
  BOOST_CHECK_NO_THROW(dnmf::check_finite(w, "W", 4, "nmf"));
  w(2, 1) = std::numeric_limits<double>::quiet_NaN();
  try {
    dnmf::check_finite(w, "W", 4, "nmf");
    BOOST_FAIL("NaN accepted");
  } catch (const dnmf::NumericalError& e) {
    BOOST_TEST(std::string(e.what()) == "NaN/Inf in W after iteration 4 (nmf)");
  }
}

BOOST_AUTO_TEST_CASE(data_too_large_to_square_is_refused_before_fitting) {
  // 1e300 overflows ‖X‖² (and every Gram): refused up front as an input error naming
  // the scale, rather than failing with NaN at some iteration.
  const Dense x = Dense::Constant(6, 5, 1e300);
  dnmf::NmfOptions opt;
  opt.rank = 2;
  try {
    dnmf::fit_nmf(DataMatrix(x), opt);
    BOOST_FAIL("no InputError");
  } catch (const dnmf::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("overflows double precision") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(update_into_equals_the_elementwise_rule) {
  // θ·(N/max(D, δ))^γ floored, written by hand entry by entry, against both forms of the
  // update; large enough (600×70) to be split across threads.
  dnmf::Rng rng(77);
  const Dense theta = rng.uniform_matrix(600, 70), num = rng.uniform_matrix(600, 70);
  Dense den = rng.uniform_matrix(600, 70);
  den(3, 4) = 0.0;  // guarded by δ
  for (double gamma : {1.0, 0.5, 0.25, 0.3}) {
    for (double floor : {0.0, 0.2}) {
      Dense expected(600, 70);
      for (dnmf::Index j = 0; j < 70; ++j)
        for (dnmf::Index i = 0; i < 600; ++i)
          expected(i, j) =
              std::max(theta(i, j) * std::pow(num(i, j) / std::max(den(i, j), 1e-9), gamma), floor);
      Dense into;
      BOOST_TEST(dnmf::multiplicative_update_into(theta, num, den, 1e-9, gamma, floor, into));
      BOOST_TEST((into - expected).norm() / expected.norm() < 1e-14);
      Dense in_place = theta;
      dnmf::multiplicative_update(in_place, num, den, 1e-9, gamma, floor);
      BOOST_TEST((in_place - expected).norm() / expected.norm() < 1e-14);
    }
  }
  Dense bad = num, into;
  bad(10, 10) = std::numeric_limits<double>::infinity();
  BOOST_TEST(!dnmf::multiplicative_update_into(theta, bad, den, 1e-9, 1.0, 0.0, into));
  bad(10, 10) = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(!dnmf::multiplicative_update_into(theta, bad, den, 1e-9, 1.0, 0.0, into));
}

// ---------------------------------------------------------------- NNDSVD starts

#include "dnmf/models/init.hpp"

BOOST_AUTO_TEST_CASE(nndsvd_starts_are_nonnegative_and_follow_the_svd) {
  dnmf::Rng rng(4);
  Dense x(40, 15);
  for (dnmf::Index i = 0; i < x.rows(); ++i)
    for (dnmf::Index j = 0; j < x.cols(); ++j) x(i, j) = rng.uniform() < 0.6 ? rng.uniform() : 0.0;
  const DataMatrix X(x);
  const auto plain = dnmf::nmf_start(X, 5, dnmf::NmfInit::nndsvd, 1);
  BOOST_TEST((plain.W.array() >= 0).all());
  BOOST_TEST((plain.H.array() >= 0).all());
  // Component 1 is √σ₁ (|u₁|, |v₁|): its outer product is the (nonnegative) leading rank-one term.
  Eigen::JacobiSVD<Dense> svd(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Dense first =
      svd.singularValues()(0) * (svd.matrixU().col(0) * svd.matrixV().col(0).transpose()).cwiseAbs();
  BOOST_TEST((plain.H.col(0) * plain.W.col(0).transpose() - first).norm() < 1e-8 * first.norm());
  // NNDSVD keeps zeros; nndsvda fills them with mean(X); nndsvdar with values below mean/100.
  const auto a = dnmf::nmf_start(X, 5, dnmf::NmfInit::nndsvda, 1);
  const auto ar = dnmf::nmf_start(X, 5, dnmf::NmfInit::nndsvdar, 1);
  const double mean = x.mean();
  for (dnmf::Index i = 0; i < plain.H.rows(); ++i)
    for (dnmf::Index j = 0; j < 5; ++j)
      if (plain.H(i, j) == 0) {
        BOOST_TEST(a.H(i, j) == mean);
        BOOST_TEST(ar.H(i, j) >= 0.0);
        BOOST_TEST(ar.H(i, j) < mean / 100);
      }
  // A fit from NNDSVD starts below a random start's first objective and stays monotone.
  dnmf::NmfOptions o;
  o.rank = 5;
  o.max_iterations = 50;
  const auto fit = dnmf::fit_nmf(X, o, plain.W, plain.H);
  for (size_t t = 1; t < fit.objective.size(); ++t)
    BOOST_TEST(fit.objective[t] <= fit.objective[t - 1] * (1 + 1e-12));
  BOOST_CHECK_THROW(dnmf::nmf_start(X, 16, dnmf::NmfInit::nndsvd, 1), dnmf::InvalidOption);
}

namespace {

/// D_β(X ‖ V) entry by entry, straight from the definition (docs/models.md §2.1).
double reference_divergence(const Dense& x, const Dense& v, double beta) {
  double f = 0.0;
  for (dnmf::Index i = 0; i < x.rows(); ++i)
    for (dnmf::Index j = 0; j < x.cols(); ++j) {
      const double a = x(i, j), b = v(i, j);
      if (beta == 1.0)
        f += (a > 0 ? a * std::log(a / b) : 0.0) - a + b;
      else if (beta == 0.0)
        f += a / b - std::log(a / b) - 1.0;
      else
        f += (std::pow(a, beta) + (beta - 1) * std::pow(b, beta) - beta * a * std::pow(b, beta - 1)) /
             (beta * (beta - 1));
    }
  return f;
}

/// Sparse nonnegative data with about `density` of the entries nonzero.
Dense sparse_data(dnmf::Index n, dnmf::Index d, double density, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  Dense x = Dense::Zero(n, d);
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = 0; j < d; ++j)
      if (rng.uniform() < density) x(i, j) = 5.0 * rng.uniform();
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(beta_divergences_equal_their_definition_sparse_and_dense) {
  // The sparse KL objective (stored entries + (1ᵀH)(Wᵀ1)) and the dense β values equal
  // the entrywise definition; β ≤ 0 refuses zero entries.
  dnmf::Rng rng(8);
  const Dense x = sparse_data(20, 15, 0.3, 4);
  const Dense w = rng.uniform_matrix(15, 3), h = rng.uniform_matrix(20, 3);
  const Dense v = h * w.transpose();
  for (double beta : {1.0, 1.5, 2.0, 3.0}) {
    BOOST_TEST_CONTEXT("beta " << beta) {
      const double expected = reference_divergence(x, v, beta);
      BOOST_TEST(dnmf::beta_divergence(DataMatrix(x), w, h, beta) == expected,
                 boost::test_tools::tolerance(1e-11));
      BOOST_TEST(dnmf::beta_divergence(DataMatrix(Csr::from_dense(x)), w, h, beta) == expected,
                 boost::test_tools::tolerance(1e-11));
    }
  }
  const Dense positive = x.array() + 0.5;
  BOOST_TEST(dnmf::beta_divergence(DataMatrix(positive), w, h, 0.0) == reference_divergence(positive, v, 0.0),
             boost::test_tools::tolerance(1e-11));
  BOOST_CHECK_THROW(dnmf::beta_divergence(DataMatrix(x), w, h, 0.0), dnmf::InputError);
}

BOOST_AUTO_TEST_CASE(beta_rules_never_increase_the_divergence) {
  // Multiplicative rules with γ(β) are majorisation–minimisation steps for every β
  // (docs/models.md §2.1): KL (sparse and dense, which must agree), IS, β = 1.5 and 3.
  struct Case {
    dnmf::NmfLoss loss;
    double beta;
  };
  for (const Case c :
       {Case{dnmf::NmfLoss::kl, 1.0}, Case{dnmf::NmfLoss::is, 0.0}, Case{dnmf::NmfLoss::beta, 1.5},
        Case{dnmf::NmfLoss::beta, 3.0}, Case{dnmf::NmfLoss::beta, -0.5}})
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      Dense x = sparse_data(30, 18, 0.4, seed);
      if (c.beta <= 0.0) x.array() += 0.1;  // IS and β < 0 need positive data
      dnmf::NmfOptions o;
      o.rank = 3;
      o.max_iterations = 150;
      o.seed = seed;
      o.loss = c.loss;
      o.beta = c.beta;
      const auto r = dnmf::fit_nmf(DataMatrix(x), o);
      BOOST_TEST_CONTEXT(dnmf::to_string(c.loss) << " beta " << c.beta << " seed " << seed) {
        for (size_t t = 1; t < r.objective.size(); ++t)
          BOOST_TEST(r.objective[t] <= r.objective[t - 1] * (1 + 1e-12) + 1e-300);
        BOOST_TEST(r.objective.back() < 0.9 * r.objective.front());
        BOOST_TEST(r.objective.back() == reference_divergence(x, r.H * r.W.transpose(), c.beta),
                   boost::test_tools::tolerance(1e-9));
        const auto again = dnmf::fit_nmf(DataMatrix(x), o);
        BOOST_TEST((again.H.array() == r.H.array()).all());  // same seed, same bits
        if (c.loss == dnmf::NmfLoss::kl) {                   // the sparse path follows the dense rules
          const auto s = dnmf::fit_nmf(DataMatrix(Csr::from_dense(x)), o);
          BOOST_TEST((s.H - r.H).norm() <= 1e-8 * r.H.norm());
          BOOST_TEST((s.W - r.W).norm() <= 1e-8 * r.W.norm());
        }
      }
    }
}

BOOST_AUTO_TEST_CASE(kl_rules_equal_a_finite_difference_gradient_split) {
  // The KL rule is H ← H ⊙ N ⊘ D with ∇_H D_KL = D − N, N = (X ⊘ V)W and D = 1_{n×d}W
  // (every row the column sums of W): the two parts must make the gradient, checked
  // against a central finite difference of the sparse divergence.
  const Dense x = sparse_data(8, 6, 0.5, 2);
  dnmf::Rng rng(5);
  const Dense w = rng.uniform_matrix(6, 2, 1.0) + Dense::Constant(6, 2, 0.1);
  Dense h = rng.uniform_matrix(8, 2, 1.0) + Dense::Constant(8, 2, 0.1);
  const DataMatrix X{Csr::from_dense(x)};
  const Dense v = h * w.transpose();
  const Dense N = (x.array() / v.array()).matrix() * w;
  const Dense D = Dense::Ones(8, 6) * w;
  const Dense grad = D - N;
  const double step = 1e-6;
  for (dnmf::Index i = 0; i < 8; ++i)
    for (dnmf::Index c = 0; c < 2; ++c) {
      Dense hp = h, hm = h;
      hp(i, c) += step;
      hm(i, c) -= step;
      const double fd =
          (dnmf::beta_divergence(X, w, hp, 1.0) - dnmf::beta_divergence(X, w, hm, 1.0)) / (2 * step);
      BOOST_TEST(fd == grad(i, c), boost::test_tools::tolerance(1e-5));
    }
}

BOOST_AUTO_TEST_CASE(loss_names_parse_and_refuse) {
  BOOST_TEST((dnmf::parse_nmf_loss("kl") == dnmf::NmfLoss::kl));
  BOOST_TEST((dnmf::parse_nmf_loss("is") == dnmf::NmfLoss::is));
  BOOST_CHECK_THROW(dnmf::parse_nmf_loss("l1"), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(hals_is_monotone_and_gets_further_than_mu_in_as_many_iterations) {
  // Each HALS column step is the exact minimiser over that column (docs/models.md §2.2):
  // the objective never rises, it equals the dense residual, sparse = dense, and after
  // the same 60 iterations from the same start it is at or below the MU value.
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Dense x = sparse_data(40, 25, 0.3, seed);
    dnmf::NmfOptions o;
    o.rank = 5;
    o.max_iterations = 60;
    o.seed = seed;
    const auto mu = dnmf::fit_nmf(DataMatrix(x), o);
    o.solver = dnmf::NmfSolver::hals;
    const auto hals = dnmf::fit_nmf(DataMatrix(x), o);
    const auto sparse = dnmf::fit_nmf(DataMatrix(Csr::from_dense(x)), o);
    BOOST_TEST_CONTEXT("seed " << seed) {
      for (size_t t = 1; t < hals.objective.size(); ++t)
        BOOST_TEST(hals.objective[t] <= hals.objective[t - 1] * (1 + 1e-12) + 1e-300);
      BOOST_TEST(hals.objective.back() == dense_objective(x, hals), boost::test_tools::tolerance(1e-9));
      BOOST_TEST(hals.objective.back() <= mu.objective.back());
      BOOST_TEST((sparse.H - hals.H).norm() <= 1e-9 * hals.H.norm());
      BOOST_TEST((hals.H.array() >= 0).all());
    }
  }
  dnmf::NmfOptions bad;
  bad.rank = 2;
  bad.solver = dnmf::NmfSolver::hals;
  bad.loss = dnmf::NmfLoss::kl;
  BOOST_CHECK_THROW(dnmf::fit_nmf(DataMatrix(sparse_data(10, 6, 0.5, 1)), bad), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::parse_nmf_solver("anls"), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(the_floor_holds_on_every_kl_path) {
  // A feature never observed (column 2 empty) drives its row of W to 0 under the KL rules;
  // `floor` must keep every entry at or above it on the sparse, the sparse-copy and the
  // dense paths alike (deep models pre-train with floor = eps and divide by these entries).
  dnmf::Rng rng(5);
  Dense x = Dense::Zero(40, 12);
  for (Index i = 0; i < 40; ++i)
    for (Index j = 0; j < 12; ++j)
      if (j != 2 && rng.uniform() < 0.7) x(i, j) = 1.0 + std::floor(3.0 * rng.uniform());
  dnmf::NmfOptions o;
  o.rank = 3;
  o.loss = dnmf::NmfLoss::kl;
  o.max_iterations = 200;
  o.floor = 1e-6;
  for (const bool sparse : {true, false}) {
    const DataMatrix X = sparse ? DataMatrix(Csr::from_dense(x)) : DataMatrix(x);
    const auto r = dnmf::fit_nmf(X, o);
    BOOST_TEST(r.W.minCoeff() >= o.floor);
    BOOST_TEST(r.H.minCoeff() >= o.floor);
  }
}
