// Minimum-volume deep KL-NMF (docs/models.md §11.9): column-stochastic W_l after every
// update (the column multiplier solve), a monotone objective where every step is an exact
// BSUM step (one layer: the last-layer W step and the H steps), the ADMM inner layers
// decreasing the objective with the exact W step, sparse = dense, planted groups,
// determinism and refusals.
#define BOOST_TEST_MODULE minvol_deep_kl
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/minvol_deep_kl.hpp"
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

Dense counts(Index n, Index d, std::uint64_t seed, double own_rate = 0.8, double other_rate = 0.35) {
  return test::planted_counts(n, d, seed, own_rate, other_rate);
}

/// A random start on the feature side: W[l] d×r_l with columns summing to one.
void start(Index n, Index d, const std::vector<int>& layers, std::uint64_t seed, std::vector<Dense>& W,
           std::vector<Dense>& H) {
  dnmf::Rng rng(seed);
  Index prev = n;
  for (const int r : layers) {
    Dense w = rng.uniform_matrix(d, r, 1.0).array() + 0.01;
    for (Index k = 0; k < r; ++k) w.col(k) /= w.col(k).sum();
    W.push_back(std::move(w));
    H.push_back(rng.uniform_matrix(r, prev, 3.0));
    prev = r;
  }
}

dnmf::MinvolDeepKlOptions options(std::vector<int> layers, int iterations) {
  dnmf::MinvolDeepKlOptions o;
  o.layers = std::move(layers);
  o.max_iterations = iterations;
  o.pretrain_iterations = 30;
  o.admm_iterations = 50;
  o.seed = 3;
  return o;
}

void columns_sum_to_one(const std::vector<Dense>& W) {
  for (const Dense& w : W) BOOST_TEST(((w.colwise().sum().array() - 1.0).abs() < 1e-9).all());
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_layer_is_monotone_and_column_stochastic) {
  for (const std::uint64_t seed : {1, 2, 3})
    for (const double alpha : {0.05, 0.5}) {
      BOOST_TEST_CONTEXT("seed " << seed << " alpha " << alpha) {
        const Dense x = counts(30, 24, seed);
        std::vector<Dense> W, H;
        start(30, 24, {5}, seed + 10, W, H);
        auto o = options({5}, 60);
        o.alpha_tilde = alpha;
        const auto fit = dnmf::fine_tune_minvol_deep_kl(DataMatrix(x), o, W, H);
        BOOST_TEST(fit.objective.size() == 60u);
        BOOST_TEST(increases(fit.objective) == 0);
        BOOST_TEST(fit.objective.back() < fit.objective.front());
        columns_sum_to_one(fit.W);
      }
    }
}

BOOST_AUTO_TEST_CASE(deep_fit_decreases_its_objective_with_either_w_step) {
  for (const auto step : {dnmf::MinvolWStep::paper, dnmf::MinvolWStep::exact}) {
    BOOST_TEST_CONTEXT((step == dnmf::MinvolWStep::paper ? "paper" : "exact")) {
      const Dense x = counts(36, 30, 4);
      std::vector<Dense> W, H;
      start(36, 30, {9, 6, 3}, 5, W, H);
      auto o = options({9, 6, 3}, 40);
      o.w_step = step;
      const auto fit = dnmf::fine_tune_minvol_deep_kl(DataMatrix(x), o, W, H);
      // The exact step descends; the paper's printed step is not a descent step (its
      // penalty curvature ρ/w̃ pulls W towards W̃ ⊙ (Z − U)): only its constraints are checked.
      if (step == dnmf::MinvolWStep::exact) {
        BOOST_TEST(fit.objective.back() < 0.9 * fit.objective.front());
        BOOST_TEST(increases(fit.objective) <= 2);
      }
      BOOST_TEST(fit.admm_iterations > 0);
      columns_sum_to_one(fit.W);
      for (const Dense& h : fit.H) BOOST_TEST((h.array() > 0.0).all());
    }
  }
}

BOOST_AUTO_TEST_CASE(sparse_input_equals_dense_input) {
  const Dense x = counts(30, 24, 6);
  std::vector<Dense> W, H;
  start(30, 24, {6, 3}, 7, W, H);
  const auto o = options({6, 3}, 10);
  const auto a = dnmf::fine_tune_minvol_deep_kl(DataMatrix(x), o, W, H);
  const auto b = dnmf::fine_tune_minvol_deep_kl(DataMatrix(Csr::from_dense(x)), o, W, H);
  BOOST_TEST(a.objective.size() == b.objective.size());
  for (size_t i = 0; i < a.objective.size(); ++i) BOOST_TEST(rel_err(a.objective[i], b.objective[i]) < 1e-8);
  BOOST_TEST(rel_err(a.representation(), b.representation()) < 1e-8);
}

BOOST_AUTO_TEST_CASE(full_fit_clusters_planted_groups_and_is_deterministic) {
  const Dense x = counts(60, 45, 9, 0.6, 0.1);
  const DataMatrix X(Csr::from_dense(x));
  const auto o = options({9, 3}, 15);
  const auto a = dnmf::fit_minvol_deep_kl(X, o);
  const auto b = dnmf::fit_minvol_deep_kl(X, o);
  BOOST_TEST(a.objective == b.objective);
  const Dense R = a.representation();
  BOOST_TEST(R.rows() == 60);
  BOOST_TEST(R.cols() == 3);
  columns_sum_to_one(a.W);
  BOOST_TEST(test::planted_rand_index(R) > 0.9);

  auto bad = o;
  bad.alpha_tilde = 0.0;
  BOOST_CHECK_THROW(dnmf::fit_minvol_deep_kl(X, bad), dnmf::InvalidOption);
  bad = o;
  bad.layers = {9, 100};
  BOOST_CHECK_THROW(dnmf::fit_minvol_deep_kl(X, bad), dnmf::InvalidOption);
  Dense negative = x;
  negative(2, 3) = -1.0;
  BOOST_CHECK_THROW(dnmf::fit_minvol_deep_kl(DataMatrix(negative), o), dnmf::InputError);
}

BOOST_AUTO_TEST_CASE(registered_model_runs) {
  Dense x = counts(45, 30, 12);
  DataMatrix X(x);
  const auto& spec = dnmf::find_model("minvol-deep-kl");
  dnmf::FitInput in;
  in.data = &X;
  in.n_clusters = 3;
  dnmf::OptionValues v = spec.defaults();
  v.set("iter", std::int64_t{5});
  v.set("pretrain-iter", std::int64_t{20});
  const auto fit = dnmf::fit_model(spec, in, v);
  BOOST_TEST(fit.representation.rows() == 45);
  BOOST_TEST(fit.representation.cols() == 3);
  BOOST_TEST(dnmf::assign_labels(fit, v, 3).labels.size() == 45u);
}
