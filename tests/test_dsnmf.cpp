// Deep graph factorisations (DAsNMF, DSNMF; docs/models.md §7–§8): objective values against
// naive dense maths (A_S, C, D formed explicitly), gradient parts against central finite
// differences, monotone fine-tuning where docs/models.md §10.2 says the rules are monotone, planted
// partitions (undirected, directed, and blocks that differ only by edge direction),
// determinism and refusals.
#define BOOST_TEST_MODULE dsnmf
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/dsnmf.hpp"

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

dnmf::DsnmfOptions dsnmf_options(std::vector<int> layers) {
  dnmf::DsnmfOptions o;
  o.layers = std::move(layers);
  o.tolerance = 0.0;
  return o;
}

/// Layer-centric objective of docs/models.md §7.1 with every product formed densely (X n×n).
double dense_dsnmf(const Dense& X, const dnmf::DsnmfOptions& o, const std::vector<Dense>& W,
                   const std::vector<Dense>& H) {
  const size_t L = H.size();
  auto mu = [&](size_t l) { return o.mu.empty() ? 1.0 : o.mu[l]; };
  auto lam = [&](size_t l) { return o.lambda.empty() ? 1.0 : o.lambda[l]; };
  double f = (X - W[0] * H[0]).squaredNorm() + mu(0) * (W[0] - H[0].transpose()).squaredNorm();
  Dense P = H[0];
  for (size_t l = 1; l < L; ++l) {
    P = H[l] * P;
    f += lam(l - 1) * ((W[l - 1] - W[l] * H[l]).squaredNorm() + mu(l) * (W[l] - P.transpose()).squaredNorm());
  }
  return 0.5 * f;
}

void random_dsnmf_factors(Index n, const std::vector<int>& layers, std::uint64_t seed, std::vector<Dense>& W,
                          std::vector<Dense>& H) {
  dnmf::Rng rng(seed);
  W.clear();
  H.clear();
  Index previous = n;
  for (int r : layers) {
    W.push_back(rng.uniform_matrix(n, r, 0.5));
    H.push_back(rng.uniform_matrix(r, previous, 0.5));
    previous = r;
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(dsnmf_objective_equals_dense_computation) {
  const Csr X = sbm(40, 3, 0.3, 0.05, false, 17);
  auto o = dsnmf_options({12, 6, 3});
  o.mu = {10, 5, 0.1};
  o.lambda = {0.1, 3};
  std::vector<Dense> W, H;
  random_dsnmf_factors(40, o.layers, 2, W, H);
  BOOST_TEST(rel_err(dnmf::dsnmf_objective(X, o, W, H), dense_dsnmf(X.to_dense(), o, W, H)) < 1e-10);
}

BOOST_AUTO_TEST_CASE(dsnmf_sweeps_never_increase_the_objective) {
  // docs/models.md §10.2: the derived DSNMF rules (all numerators linear, exponent 1) never
  // increased the objective in 200 sweeps (n = 60, r = (12, 6, 3), 5 seeds, also with
  // μ = (10, 5, 0.1), λ = (0.1, 3)).
  for (std::uint64_t seed = 1; seed <= 5; ++seed)
    for (bool weighted : {false, true}) {
      const Csr X = sbm(60, 3, 0.3, 0.05, false, seed);
      auto o = dsnmf_options({12, 6, 3});
      o.max_iterations = 200;
      if (weighted) {
        o.mu = {10, 5, 0.1};
        o.lambda = {0.1, 3};
      }
      std::vector<Dense> W, H;
      random_dsnmf_factors(60, o.layers, seed + 100, W, H);
      const auto r = dnmf::fit_dsnmf(X, o, W, H);
      BOOST_TEST_CONTEXT("seed " << seed << ", weighted " << weighted) {
        BOOST_TEST(r.iterations == 200);
        BOOST_TEST(increases(r.objective) == 0);
        BOOST_TEST(rel_err(r.objective.back(), dense_dsnmf(X.to_dense(), o, r.W, r.H)) < 1e-10);
      }
    }
}

BOOST_AUTO_TEST_CASE(dsnmf_recovers_planted_partition_and_is_deterministic) {
  const Index n = 200;
  auto o = dsnmf_options({16, 4});
  o.max_iterations = 300;
  o.tolerance = dnmf::DsnmfOptions{}.tolerance;
  o.seed = 5;
  const Csr U = sbm(n, 4, 0.3, 0.02, false, 11);
  const auto r = dnmf::fit_dsnmf(U, o);
  BOOST_TEST(dnmf::evaluate(blocks_of(n, 4), r.labels).nmi >= 0.95);
  const auto again = dnmf::fit_dsnmf(U, o);
  BOOST_TEST(again.objective == r.objective);
  BOOST_CHECK_THROW(dnmf::fit_dsnmf(sbm(20, 2, 0.3, 0.1, true, 1), dsnmf_options({4, 2})),
                    dnmf::InvalidOption);
  auto bad = dsnmf_options({4, 2});
  bad.lambda = {1, 2};  // one entry too many
  BOOST_CHECK_THROW(dnmf::fit_dsnmf(U, bad), dnmf::InvalidOption);
}
