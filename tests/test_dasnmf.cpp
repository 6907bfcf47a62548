// Deep graph factorisations (DAsNMF, DSNMF; docs/models.md §7–§8): objective values against
// naive dense maths (A_S, C, D formed explicitly), gradient parts against central finite
// differences, monotone fine-tuning where docs/models.md §10.2 says the rules are monotone, planted
// partitions (undirected, directed, and blocks that differ only by edge direction),
// determinism and refusals.
#define BOOST_TEST_MODULE dasnmf
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/dasnmf.hpp"
#include "dnmf/models/graph_nmf.hpp"

#include "graph_helpers.hpp"
#include "helpers.hpp"

using dnmf::Csr;
using dnmf::Dense;
using dnmf::Index;
using test::blocks_of;
using test::increases;
using test::rel_err;
using test::sbm;

namespace {

std::vector<Dense> random_chain(Index n, const std::vector<int>& layers, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  std::vector<Dense> H;
  Index previous = n;
  for (int r : layers) {
    H.push_back(rng.uniform_matrix(previous, r, 1.0 / std::sqrt(static_cast<double>(previous))));
    previous = r;
  }
  return H;
}

Dense product(const std::vector<Dense>& H) {
  Dense P = H[0];
  for (size_t i = 1; i < H.size(); ++i) P = P * H[i];
  return P;
}

/// The DAsNMF objective written the naive way, with dense n×n A_S and C:
///   ‖A_S − ΨWΨᵀ‖² + λ·(Σ_ij C_ij‖ψ_i − ψ_j‖²   or   2tr(ΨᵀDΨ) − tr(ΨᵀCΨ) − tr(ΨᵀCᵀΨ)).
double dense_dasnmf(const Csr& A, const dnmf::DasnmfProblem& p, const Dense& Psi, const Dense& W,
                    bool exact) {
  const Dense AS = p.AS.to_dense();
  const Dense C = p.row_weight.asDiagonal() * Dense((A.to_dense().array() != 0.0).cast<double>()) *
                  p.col_weight.asDiagonal();
  double f = (AS - Psi * W * Psi.transpose()).squaredNorm();
  double reg = 0.0;
  if (exact) {
    for (Index i = 0; i < C.rows(); ++i)
      for (Index j = 0; j < C.cols(); ++j) reg += C(i, j) * (Psi.row(i) - Psi.row(j)).squaredNorm();
  } else {
    const Dense D = C.rowwise().sum().asDiagonal();
    reg = 2.0 * (Psi.transpose() * D * Psi).trace() - (Psi.transpose() * C * Psi).trace() -
          (Psi.transpose() * C.transpose() * Psi).trace();
  }
  return f + p.lambda * reg;
}

dnmf::DasnmfOptions dasnmf_options(std::vector<int> layers, double eta, double lambda) {
  dnmf::DasnmfOptions o;
  o.layers = std::move(layers);
  o.eta = eta;
  o.lambda = lambda;
  o.tolerance = 0.0;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dasnmf_objective_equals_dense_computation) {
  for (bool directed : {true, false})
    for (auto reg : {dnmf::DasnmfRegulariser::exact, dnmf::DasnmfRegulariser::paper})
      for (auto norm : {dnmf::DasnmfNormalization::regularized, dnmf::DasnmfNormalization::none}) {
        const Csr A = sbm(30, 3, 0.3, 0.08, directed, 21);
        auto o = dasnmf_options({10, 4, 3}, 0.3, 0.7);
        o.regulariser = reg;
        o.normalization = norm;
        const auto problem = dnmf::DasnmfProblem::build(A, o);
        BOOST_TEST(problem.second_order_entries > 0);
        BOOST_TEST(rel_err(problem.c.sum(), 1.0) < 1e-12);
        const auto H = random_chain(30, o.layers, 5);
        const Dense W = dnmf::Rng(6).uniform_matrix(3, 3);
        const bool exact = reg == dnmf::DasnmfRegulariser::exact;
        BOOST_TEST_CONTEXT("directed " << directed << ", exact " << exact << ", normalised "
                                       << (norm == dnmf::DasnmfNormalization::regularized)) {
          BOOST_TEST(rel_err(dnmf::dasnmf_objective(problem, H, W),
                             dense_dasnmf(A, problem, product(H), W, exact)) < 1e-10);
          if (norm == dnmf::DasnmfNormalization::regularized) {
            // Â = (D_out + τ)^{-1/2} A_S (D_in + τ)^{-1/2} and C̃ = diag(n c ⊙ ℓ) B diag(m), written densely.
            auto raw = o;
            raw.normalization = dnmf::DasnmfNormalization::none;
            const Dense AS = dnmf::DasnmfProblem::build(A, raw).AS.to_dense();
            const dnmf::Vector out = AS.rowwise().sum(), in = AS.colwise().sum().transpose();
            const double tau = out.sum() / 30.0;
            const dnmf::Vector ell = (out.array() + tau).rsqrt(), m = (in.array() + tau).rsqrt();
            BOOST_TEST(rel_err(problem.AS.to_dense(), Dense(ell.asDiagonal() * AS * m.asDiagonal())) < 1e-12);
            BOOST_TEST(rel_err(problem.row_weight, dnmf::Vector(30.0 * problem.c.cwiseProduct(ell))) < 1e-12);
            BOOST_TEST(rel_err(problem.col_weight, m) < 1e-12);
          }
        }
      }
}

BOOST_AUTO_TEST_CASE(lifted_chain_reproduces_the_shallow_memberships) {
  const Dense Psi0 = dnmf::Rng(3).uniform_matrix(50, 4);
  for (const std::vector<int>& layers : {std::vector<int>{4}, {20, 4}, {30, 12, 4}}) {
    const auto H = dnmf::lift_into_chain(Psi0, layers, 7);
    BOOST_TEST(H.size() == layers.size());
    BOOST_TEST((product(H).array() > 0).all());
    BOOST_TEST(rel_err(product(H), Psi0) < 1e-4);  // O(ε) with ε = 1e-3, mostly ε²
  }
  BOOST_CHECK_THROW(dnmf::lift_into_chain(Psi0, {3, 4}, 7), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(the_deep_model_never_ends_above_its_shallow_start) {
  // The default start: shallow AsNMF of Â at rank k, rescaled (‖W‖_F = √k) and lifted.
  // The fine-tuning rules are monotone, so the deep objective ends at or below the
  // objective of that start (docs/models.md §8.4). Checked by rebuilding the start here.
  for (std::uint64_t seed : {1u, 2u, 3u})
    for (bool directed : {true, false}) {
      const Csr A = sbm(90, 3, 0.25, 0.04, directed, seed);
      auto o = dasnmf_options({20, 8, 3}, 0.2, 0.1);
      o.tolerance = dnmf::DasnmfOptions{}.tolerance;
      o.seed = seed;
      const auto problem = dnmf::DasnmfProblem::build(A, o);
      dnmf::GraphNmfOptions g;
      g.rank = 3;
      g.max_iterations = o.pretrain_iterations;
      g.tolerance = o.tolerance;
      g.seed = seed;
      const auto shallow = dnmf::fit_asymnmf(problem.AS, g);
      const double a = std::sqrt(shallow.W.norm() / std::sqrt(3.0));
      const auto lifted = dnmf::lift_into_chain(a * shallow.H, o.layers, seed);
      const double start = dnmf::dasnmf_objective(problem, lifted, shallow.W / (a * a));
      const auto deep = dnmf::fit_dasnmf(A, o);
      BOOST_TEST_CONTEXT("seed " << seed << " directed " << directed) {
        BOOST_TEST(deep.objective.back() <= start * (1 + 1e-12));
        BOOST_TEST(increases(deep.objective) == 0);
      }
    }
}

BOOST_AUTO_TEST_CASE(dasnmf_gradient_parts_match_finite_differences) {
  // ∇_{H_i} f = 2(denominator − numerator) for the exact regulariser.
  const Csr A = sbm(24, 3, 0.35, 0.1, true, 31);
  const auto o = dasnmf_options({8, 5, 3}, 0.25, 0.5);
  const auto problem = dnmf::DasnmfProblem::build(A, o);
  std::vector<Dense> H = random_chain(24, o.layers, 8);
  const Dense W = dnmf::Rng(9).uniform_matrix(3, 3);
  for (size_t layer = 0; layer < H.size(); ++layer) {
    Dense num, den;
    dnmf::dasnmf_gradient_parts(problem, H, W, layer, num, den);
    BOOST_TEST((num.array() >= 0).all());
    BOOST_TEST((den.array() >= 0).all());
    Dense numeric(H[layer].rows(), H[layer].cols());
    for (Index i = 0; i < numeric.rows(); ++i)
      for (Index j = 0; j < numeric.cols(); ++j) {
        const double h = 1e-6, keep = H[layer](i, j);
        H[layer](i, j) = keep + h;
        const double up = dnmf::dasnmf_objective(problem, H, W);
        H[layer](i, j) = keep - h;
        const double down = dnmf::dasnmf_objective(problem, H, W);
        H[layer](i, j) = keep;
        numeric(i, j) = (up - down) / (2 * h);
      }
    BOOST_TEST_CONTEXT("layer " << layer + 1) {
      BOOST_TEST(rel_err(Dense(2.0 * (den - num)), numeric) < 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(dasnmf_fine_tuning_never_increases_the_objective) {
  // docs/models.md §10.2: with the exact regulariser (D_out + D_in) the quarter-power H rules
  // and the W rule never increased the objective for λ up to 1000, and it stays ≥ 0.
  for (std::uint64_t seed = 1; seed <= 4; ++seed)
    for (double lambda : {0.0, 1e-2, 1.0, 100.0, 1000.0}) {
      const Csr A = sbm(60, 4, 0.2, 0.05, true, seed);
      auto o = dasnmf_options({30, 12, 4}, 0.2, lambda);
      o.max_iterations = 100;
      const auto problem = dnmf::DasnmfProblem::build(A, o);
      const auto r = dnmf::fit_dasnmf(problem, o, random_chain(60, o.layers, seed + 40),
                                      dnmf::Rng(seed).uniform_matrix(4, 4));
      BOOST_TEST_CONTEXT("seed " << seed << ", lambda " << lambda) {
        BOOST_TEST(r.iterations == 100);
        BOOST_TEST(increases(r.objective) == 0);
        BOOST_TEST(r.objective.back() >= 0.0);
        BOOST_TEST(rel_err(r.objective.back(), dnmf::dasnmf_objective(problem, r.H, r.W)) < 1e-10);
        BOOST_TEST(rel_err(r.Psi, product(r.H)) < 1e-12);
      }
    }
}

BOOST_AUTO_TEST_CASE(dasnmf_recovers_planted_partitions) {
  const Index n = 200;
  const std::vector<int> truth = blocks_of(n, 4);
  auto o = dasnmf_options({16, 4}, 0.2, dnmf::DasnmfOptions{}.lambda);
  o.max_iterations = 1000;
  o.tolerance = dnmf::DasnmfOptions{}.tolerance;
  o.seed = 3;
  const Csr U = sbm(n, 4, 0.3, 0.02, false, 11);
  const Csr D = sbm(n, 4, 0.3, 0.02, true, 12);
  BOOST_TEST(dnmf::evaluate(truth, dnmf::fit_dasnmf(U, o).labels).nmi >= 0.95);
  const auto d = dnmf::fit_dasnmf(D, o);
  BOOST_TEST(dnmf::evaluate(truth, d.labels).nmi >= 0.95);
  BOOST_TEST(increases(d.objective) == 0);
  BOOST_TEST((d.status == dnmf::Status::converged), "directed fit ran " << d.iterations << " sweeps");
  // Blocks told apart only by direction: no edges inside a block, block b → block b+1.
  const Csr C = sbm(n, 4, 0.0, 0.0, true, 13, 0.3);
  const auto c = dnmf::fit_dasnmf(C, o);
  BOOST_TEST(dnmf::evaluate(truth, c.labels).nmi >= 0.95);
  const auto again = dnmf::fit_dasnmf(C, o);
  BOOST_TEST((again.Psi.array() == c.Psi.array()).all());  // same seed, same bits
  BOOST_TEST(again.objective == c.objective);
}

BOOST_AUTO_TEST_CASE(dasnmf_refuses_bad_options) {
  const Csr A = sbm(20, 2, 0.3, 0.1, true, 1);
  BOOST_CHECK_THROW(dnmf::fit_dasnmf(A, dasnmf_options({21, 2}, 0.2, 0.1)), dnmf::InvalidOption);  // r₁ > n
  BOOST_CHECK_THROW(dnmf::fit_dasnmf(A, dasnmf_options({2, 4}, 0.2, 0.1)), dnmf::InvalidOption);   // grows
  BOOST_CHECK_THROW(dnmf::fit_dasnmf(A, dasnmf_options({}, 0.2, 0.1)), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::fit_dasnmf(A, dasnmf_options({4, 2}, -1.0, 0.1)), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::fit_dasnmf(A, dasnmf_options({4, 2}, 0.2, NAN)), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::fit_dasnmf(Csr::from_dense(Dense::Ones(3, 4)), dasnmf_options({2}, 0.2, 0.1)),
                    dnmf::InvalidOption);
}

// ---------------------------------------------------------------------------------
// DSNMF
