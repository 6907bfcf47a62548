// Deep β-NMF (docs/models.md §11): Wright's ω, the sparse layer-1 KL path against the dense
// one, monotone sweeps for KL and β = 3/2 (the per-layer objective included), rows of every
// H_l summing to one, the default weights, each closed-form W entry being the minimiser of its
// scalar problem, determinism and refusals.
#define BOOST_TEST_MODULE deep_beta
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/deep_beta.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/registry.hpp"

#include "graph_helpers.hpp"
#include "helpers.hpp"

using dnmf::Csr;
using dnmf::DataMatrix;
using dnmf::Dense;
using dnmf::Index;
using test::increases;
using test::rel_err;

namespace {

dnmf::DeepBetaOptions options(std::vector<int> layers, double beta, int iterations) {
  dnmf::DeepBetaOptions o;
  o.layers = std::move(layers);
  o.beta = beta;
  o.max_iterations = iterations;
  o.pretrain_iterations = 30;
  o.seed = 7;
  return o;
}

/// Planted counts, about half stored so that dense input stays on the dense path.
Dense count_data(Index n, Index d, std::uint64_t seed, double own_rate = 0.8, double other_rate = 0.35) {
  return test::planted_counts(n, d, seed, own_rate, other_rate);
}

/// A random start with rows of every H_l summing to one.
void random_start(Index n, Index d, const std::vector<int>& layers, std::uint64_t seed, std::vector<Dense>& W,
                  std::vector<Dense>& H) {
  dnmf::Rng rng(seed);
  Index prev = d;
  for (const int r : layers) {
    W.push_back(rng.uniform_matrix(n, r, 2.0));
    Dense h = rng.uniform_matrix(r, prev, 1.0).array() + 0.01;
    for (Index k = 0; k < h.rows(); ++k) h.row(k) /= h.row(k).sum();
    H.push_back(std::move(h));
    prev = r;
  }
}

double weighted(const std::vector<double>& lambdas, const std::vector<double>& errors) {
  double f = 0.0;
  for (size_t l = 0; l < errors.size(); ++l) f += lambdas[l] * errors[l];
  return f;
}

}  // namespace

BOOST_AUTO_TEST_CASE(wright_omega_solves_w_plus_log_w_equals_z) {
  for (const double z : {-800.0, -40.0, -3.0, -1.0, 0.0, 0.5, 1.0, 2.0, 10.0, 1e3, 1e8, 1e300}) {
    const double w = dnmf::wright_omega(z);
    BOOST_TEST_CONTEXT("z = " << z) {
      BOOST_TEST(w >= 0.0);
      if (z > -700.0) {
        BOOST_TEST(std::abs(w + std::log(w) - z) <= 1e-13 * (1.0 + std::abs(z)));
      } else {
        BOOST_TEST(w <= std::exp(z) * (1.0 + 1e-12));  // eᶻ underflows: ω ≈ eᶻ
      }
    }
  }
  BOOST_TEST(std::abs(dnmf::wright_omega(0.0) - 0.5671432904097838) < 1e-15);  // the omega constant
  BOOST_TEST(dnmf::wright_omega(-std::numeric_limits<double>::infinity()) == 0.0);
}

BOOST_AUTO_TEST_CASE(sparse_kl_layer_equals_the_dense_computation) {
  const Dense x = count_data(40, 60, 1);
  const DataMatrix dense(x), sparse(Csr::from_dense(x));
  std::vector<Dense> W, H;
  random_start(40, 60, {12, 6, 3}, 3, W, H);
  const auto o = options({12, 6, 3}, 1.0, 15);
  const auto a = dnmf::fine_tune_deep_beta(dense, o, W, H);
  const auto b = dnmf::fine_tune_deep_beta(sparse, o, W, H);
  BOOST_TEST(a.objective.size() == b.objective.size());
  for (size_t i = 0; i < a.objective.size(); ++i) BOOST_TEST(rel_err(a.objective[i], b.objective[i]) < 1e-10);
  for (size_t l = 0; l < 3; ++l) {
    BOOST_TEST(rel_err(a.W[l], b.W[l]) < 1e-9);
    BOOST_TEST(rel_err(a.H[l], b.H[l]) < 1e-9);
  }
  // The layer errors reported equal an independent evaluation.
  const auto e = dnmf::deep_beta_layer_errors(sparse, b.W, b.H, 1.0);
  for (size_t l = 0; l < 3; ++l) BOOST_TEST(rel_err(e[l], b.layer_errors[l]) < 1e-10);
  // ... and layer 1's equals the naive dense sum.
  const Dense V = (b.W[0] * b.H[0]).cwiseMax(o.epsilon);
  double naive = 0.0;
  for (Index i = 0; i < x.rows(); ++i)
    for (Index j = 0; j < x.cols(); ++j)
      naive += (x(i, j) > 0 ? x(i, j) * std::log(x(i, j) / V(i, j)) : 0.0) - x(i, j) + V(i, j);
  BOOST_TEST(rel_err(naive, e[0]) < 1e-10);
}

BOOST_AUTO_TEST_CASE(sweeps_never_increase_the_objective_and_keep_rows_of_h_on_the_simplex) {
  for (const double beta : {1.0, 1.5})
    for (const bool sparse : {false, true})
      for (const std::uint64_t seed : {1, 2, 3}) {
        BOOST_TEST_CONTEXT("beta " << beta << (sparse ? " sparse" : " dense") << " seed " << seed) {
          const Dense x = count_data(40, 60, seed);
          const DataMatrix X = sparse ? DataMatrix(Csr::from_dense(x)) : DataMatrix(x);
          std::vector<Dense> W, H;
          random_start(40, 60, {12, 6, 3}, seed + 10, W, H);
          const auto fit = dnmf::fine_tune_deep_beta(X, options({12, 6, 3}, beta, 100), W, H);
          BOOST_TEST(fit.objective.size() == 100u);
          BOOST_TEST(increases(fit.objective) == 0);
          BOOST_TEST(fit.objective.back() < 0.8 * fit.objective.front());
          // Default weights: every weighted layer error starts at 1.
          BOOST_TEST(std::abs(weighted(fit.lambdas, fit.initial_errors) - 3.0) < 1e-12);
          for (const Dense& h : fit.H) {
            BOOST_TEST((h.array() > 0.0).all());
            BOOST_TEST(((h.rowwise().sum().array() - 1.0).abs() < 1e-9).all());
          }
        }
      }
}

BOOST_AUTO_TEST_CASE(each_w_entry_minimises_its_scalar_problem) {
  // One sweep's W_1 update solves, entry by entry, min_w  −b log w + (H1)_k w + λ d_KL(w | w̄)
  // (the majoriser in w plus the next layer's term). Perturbing a result entry up or down
  // must not lower that scalar function.
  const Dense x = count_data(20, 30, 4);
  const DataMatrix X(x);
  std::vector<Dense> W, H;
  random_start(20, 30, {6, 3}, 5, W, H);
  auto o = options({6, 3}, 1.0, 1);
  o.lambdas = {1.0, 0.7};
  // Reproduce the update's inputs: H_1 after its own step, from a one-sweep fit of layer 1's H.
  const auto fit = dnmf::fine_tune_deep_beta(X, o, W, H);
  const Dense& h1 = fit.H[0];
  const Dense V = (W[0] * h1).cwiseMax(o.epsilon);
  const Dense Q = x.cwiseQuotient(V) * h1.transpose();
  const Dense wbar = (W[1] * H[1]).cwiseMax(o.epsilon);  // layer 2 before its own update
  const double lambda = 0.7;
  for (Index i = 0; i < 20; i += 7)
    for (Index k = 0; k < 6; ++k) {
      const double b = W[0](i, k) * Q(i, k), s = h1.row(k).sum(), wb = wbar(i, k);
      auto g = [&](double w) { return -b * std::log(w) + s * w + lambda * (w * std::log(w / wb) - w + wb); };
      const double w = fit.W[0](i, k);
      BOOST_TEST_CONTEXT("entry " << i << "," << k) {
        BOOST_TEST(g(w) <= g(w * 1.001) + 1e-12 * std::abs(g(w)));
        BOOST_TEST(g(w) <= g(w * 0.999) + 1e-12 * std::abs(g(w)));
      }
    }
}

BOOST_AUTO_TEST_CASE(full_fit_is_deterministic_and_refuses_bad_options) {
  const Dense x = count_data(60, 45, 9, 0.6, 0.1);
  const DataMatrix X(Csr::from_dense(x));
  const auto o = options({9, 3}, 1.0, 20);
  const auto a = dnmf::fit_deep_beta(X, o);
  const auto b = dnmf::fit_deep_beta(X, o);
  BOOST_TEST(a.objective == b.objective);
  BOOST_TEST((a.W.back().array() == b.W.back().array()).all());
  BOOST_TEST(a.pretrain_iterations.size() == 2u);
  BOOST_TEST(increases(a.objective) == 0);
  // The representation separates the three planted groups.
  BOOST_TEST(test::planted_rand_index(a.W.back()) > 0.9);

  auto bad = o;
  bad.beta = 2.0;
  BOOST_CHECK_THROW(dnmf::fit_deep_beta(X, bad), dnmf::InvalidOption);
  bad = o;
  bad.layers = {9, 50};
  BOOST_CHECK_THROW(dnmf::fit_deep_beta(X, bad), dnmf::InvalidOption);
  bad = o;
  bad.lambdas = {1.0};
  BOOST_CHECK_THROW(dnmf::fit_deep_beta(X, bad), dnmf::InvalidOption);
  Dense negative = x;
  negative(0, 0) = -1.0;
  BOOST_CHECK_THROW(dnmf::fit_deep_beta(DataMatrix(negative), o), dnmf::InputError);
}

BOOST_AUTO_TEST_CASE(registered_model_runs_with_its_defaults) {
  const Dense x = count_data(60, 45, 11);
  DataMatrix X(x);
  const auto& spec = dnmf::find_model("deep-beta");
  dnmf::FitInput in;
  in.data = &X;
  in.n_clusters = 3;
  dnmf::OptionValues v = spec.defaults();
  v.set("iter", std::int64_t{10});
  const auto fit = dnmf::fit_model(spec, in, v);
  BOOST_TEST(fit.representation.rows() == 60);
  BOOST_TEST(fit.representation.cols() == 3);
  BOOST_TEST(fit.iterations == 10);
  const auto labels = dnmf::assign_labels(fit, v, 3).labels;
  BOOST_TEST(labels.size() == 60u);
}
