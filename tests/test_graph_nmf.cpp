// Graph factorisations (SymNMF, AsNMF) and graph metrics (modularity, conductance):
// objectives against dense computations, monotone traces (docs/models.md §10.2), recovery of
// planted partitions (undirected, directed, and blocks told apart only by direction),
// and hand-computed metric values.
#define BOOST_TEST_MODULE graph_nmf
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/graph_nmf.hpp"

#include "graph_helpers.hpp"
#include "helpers.hpp"

using dnmf::Csr;
using dnmf::Dense;
using dnmf::Index;
using test::rel_err;

using test::blocks_of;
using test::increases;
using test::sbm;

BOOST_AUTO_TEST_CASE(objectives_equal_dense_computation) {
  for (bool directed : {false, true}) {
    const Csr A = sbm(40, 3, 0.3, 0.05, directed, 3);
    dnmf::Rng rng(4);
    const Dense H = rng.uniform_matrix(40, 3), W = rng.uniform_matrix(3, 3);
    const Dense a = A.to_dense();
    BOOST_TEST(rel_err(dnmf::asymnmf_objective(A, H, W), (a - H * W * H.transpose()).squaredNorm()) < 1e-10);
    if (!directed)
      BOOST_TEST(rel_err(dnmf::symnmf_objective(A, H), (a - H * H.transpose()).squaredNorm()) < 1e-10);
  }
}

BOOST_AUTO_TEST_CASE(updates_never_increase_the_objective) {
  // docs/models.md §10.2: the cube-root SymNMF rule and the quarter-power AsNMF rule (with the
  // exact W rule) were monotone in every test; the exponent-1 SymNMF rule oscillates,
  // which is why it is not offered as a default.
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    dnmf::GraphNmfOptions o;
    o.rank = 4;
    o.max_iterations = 150;
    o.tolerance = 0.0;
    o.seed = seed;
    const Csr U = sbm(60, 4, 0.25, 0.05, false, seed);
    const Csr D = sbm(60, 4, 0.25, 0.05, true, seed + 10);
    const auto s = dnmf::fit_symnmf(U, o);
    const auto a = dnmf::fit_asymnmf(U, o);
    const auto d = dnmf::fit_asymnmf(D, o);
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(increases(s.objective) == 0);
      BOOST_TEST(increases(a.objective) == 0);
      BOOST_TEST(increases(d.objective) == 0);
      // The recorded values are the true objectives of the returned factors.
      BOOST_TEST(rel_err(s.objective.back(), dnmf::symnmf_objective(U, s.H)) < 1e-10);
      BOOST_TEST(rel_err(d.objective.back(), dnmf::asymnmf_objective(D, d.H, d.W)) < 1e-10);
    }
  }
}

BOOST_AUTO_TEST_CASE(planted_partitions_are_recovered) {
  const Index n = 200;
  const std::vector<int> truth = blocks_of(n, 4);
  dnmf::GraphNmfOptions o;
  o.rank = 4;
  o.max_iterations = 300;
  o.seed = 7;
  const Csr U = sbm(n, 4, 0.3, 0.02, false, 11);
  const Csr D = sbm(n, 4, 0.3, 0.02, true, 12);
  BOOST_TEST(dnmf::evaluate(truth, dnmf::fit_symnmf(U, o).labels).nmi >= 0.95);
  BOOST_TEST(dnmf::evaluate(truth, dnmf::fit_asymnmf(U, o).labels).nmi >= 0.95);
  BOOST_TEST(dnmf::evaluate(truth, dnmf::fit_asymnmf(D, o).labels).nmi >= 0.95);
  // Blocks that differ only by direction: no edges inside a block, block b links to
  // block b+1 (mod 4). Undirected, blocks 0/2 and 1/3 look alike; A ≈ HWHᵀ with a
  // cyclic W tells all four apart.
  const Csr C = sbm(n, 4, 0.0, 0.0, true, 13, 0.3);
  const auto c = dnmf::fit_asymnmf(C, o);
  BOOST_TEST(dnmf::evaluate(truth, c.labels).nmi >= 0.95);
  const auto again = dnmf::fit_asymnmf(C, o);
  BOOST_TEST((again.H.array() == c.H.array()).all());  // same seed, same bits
}

namespace {
/// Generalised KL divergence D(A‖HHᵀ) over all n² ordered pairs, computed densely.
double dense_kl(const Dense& a, const Dense& H) {
  const Dense p = H * H.transpose();
  double f = 0.0;
  for (Index i = 0; i < a.rows(); ++i)
    for (Index j = 0; j < a.cols(); ++j)
      f += (a(i, j) > 0 ? a(i, j) * std::log(a(i, j) / p(i, j)) - a(i, j) : 0.0) + p(i, j);
  return f;
}
}  // namespace

BOOST_AUTO_TEST_CASE(kl_symnmf_objective_is_the_dense_divergence_and_never_increases) {
  // docs/models.md §6.1: the EM rules work on the stored entries only (O(nnz·k)); the
  // recorded objective equals the divergence over all n² pairs, and EM cannot raise it.
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Csr A = sbm(60, 3, 0.3, 0.04, false, seed);
    dnmf::GraphNmfOptions o;
    o.rank = 3;
    o.max_iterations = 120;
    o.tolerance = 0.0;
    o.seed = seed;
    o.loss = dnmf::SymLoss::kl;
    dnmf::Rng rng(seed);
    const Dense start = rng.uniform_matrix(60, 3, 0.5);
    const auto r = dnmf::fit_symnmf_kl(A, o, start);
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(increases(r.objective) == 0);
      BOOST_TEST(rel_err(r.objective.back(), dense_kl(A.to_dense(), r.H)) < 1e-10);
      const auto again = dnmf::fit_symnmf_kl(A, o, start);
      BOOST_TEST((again.H.array() == r.H.array()).all());  // same start, same bits
    }
  }
}

BOOST_AUTO_TEST_CASE(spectral_start_is_seeded_and_already_finds_planted_blocks) {
  // The start alone (argmax of its rows) recovers clear planted blocks, is the same for
  // the same seed, and its total mass matches A's (Σ HHᵀ = Σ A).
  const Csr A = sbm(90, 3, 0.3, 0.03, false, 7);
  const Dense h1 = dnmf::spectral_start(A, 3, 5), h2 = dnmf::spectral_start(A, 3, 5);
  BOOST_TEST((h1.array() == h2.array()).all());
  BOOST_TEST(h1.minCoeff() >= 0.0);
  std::vector<int> labels(90);
  for (Index i = 0; i < 90; ++i) h1.row(i).maxCoeff(&labels[static_cast<std::size_t>(i)]);
  const double start_nmi = dnmf::evaluate(blocks_of(90, 3), labels).nmi;
  BOOST_TEST(start_nmi > 0.9);
  double mass = 0.0;
  for (double v : A.values()) mass += v;
  BOOST_TEST(rel_err(h1.colwise().sum().squaredNorm(), mass) < 1e-8);
  dnmf::GraphNmfOptions o;
  o.rank = 3;
  o.loss = dnmf::SymLoss::kl;
  o.start = dnmf::GraphStart::spectral;
  o.max_iterations = 200;
  // The KL fit from that start keeps the partition (a few nodes of this graph are
  // closer to another block than to their own, so neither reaches 1).
  const double fit_nmi = dnmf::evaluate(blocks_of(90, 3), dnmf::fit_symnmf(A, o).labels).nmi;
  BOOST_TEST(fit_nmi > 0.9);
  BOOST_TEST(fit_nmi >= start_nmi - 0.02);
}

BOOST_AUTO_TEST_CASE(bad_inputs_are_refused) {
  dnmf::GraphNmfOptions o;
  o.rank = 2;
  BOOST_CHECK_THROW(dnmf::fit_symnmf(sbm(20, 2, 0.3, 0.1, true, 1), o), dnmf::InvalidOption);  // directed
  o.rank = 21;
  BOOST_CHECK_THROW(dnmf::fit_asymnmf(sbm(20, 2, 0.3, 0.1, false, 1), o), dnmf::InvalidOption);
  o.rank = 2;
  BOOST_CHECK_THROW(dnmf::fit_asymnmf(Csr::from_dense(Dense::Ones(3, 4)), o), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(modularity_and_conductance_match_hand_computation) {
  // Two triangles {0,1,2}, {3,4,5} joined by the edge 2–3 (undirected, 7 edges):
  // Q = 2·(6/14 − (7/14)²) = 5/14; each side has cut 1 and volume 7: φ = 1/7.
  std::vector<dnmf::Triplet> t;
  for (auto [a, b] :
       std::vector<std::pair<Index, Index>>{{0, 1}, {1, 2}, {0, 2}, {3, 4}, {4, 5}, {3, 5}, {2, 3}}) {
    t.push_back({a, b, 1.0});
    t.push_back({b, a, 1.0});
  }
  const Csr A = Csr::from_triplets(6, 6, std::move(t));
  const std::vector<int> split{0, 0, 0, 1, 1, 1};
  BOOST_TEST(std::abs(dnmf::modularity(A, split) - 5.0 / 14.0) < 1e-15);
  BOOST_TEST(std::abs(dnmf::mean_conductance(A, split) - 1.0 / 7.0) < 1e-15);
  BOOST_TEST(std::abs(dnmf::modularity(A, std::vector<int>(6, 0))) < 1e-15);  // one cluster: Q = 0
  // Directed (Leicht–Newman) against the pairwise definition on a random digraph.
  const Csr D = sbm(30, 3, 0.3, 0.1, true, 5);
  const std::vector<int> labels = blocks_of(30, 3);
  const Dense a = D.to_dense();
  const double m = a.sum();
  double q = 0.0;
  for (Index i = 0; i < 30; ++i)
    for (Index j = 0; j < 30; ++j)
      if (labels[static_cast<size_t>(i)] == labels[static_cast<size_t>(j)])
        q += a(i, j) - a.row(i).sum() * a.col(j).sum() / m;
  BOOST_TEST(rel_err(dnmf::modularity(D, labels), q / m) < 1e-12);
  // Conductance in the undirected view B = A + Aᵀ, against dense sums.
  const Dense b = a + a.transpose();
  const auto phi = dnmf::cluster_conductance(D, labels);
  for (int c = 0; c < 3; ++c) {
    double cut = 0.0, vol = 0.0;
    for (Index i = 0; i < 30; ++i) {
      if (labels[static_cast<size_t>(i)] != c) continue;
      vol += b.row(i).sum();
      for (Index j = 0; j < 30; ++j)
        if (labels[static_cast<size_t>(j)] != c) cut += b(i, j);
    }
    BOOST_TEST(rel_err(phi[static_cast<size_t>(c)], cut / std::min(vol, b.sum() - vol)) < 1e-12);
  }
  BOOST_CHECK_THROW(dnmf::modularity(A, std::vector<int>(5, 0)), dnmf::InvalidOption);
}
