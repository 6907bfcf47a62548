// Synthetic stochastic block model: structure (labels, simple binary graph, symmetry),
// determinism, and the planted statistics (home-block fraction, shifted blocks, degree).
#define BOOST_TEST_MODULE sbm
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/sbm.hpp"

using dnmf::Csr;
using dnmf::Index;
using dnmf::SbmGraph;
using dnmf::SbmOptions;

namespace {

SbmOptions options(Index nodes, int blocks, double average_degree, double within, bool directed,
                   int shift = 0, std::uint64_t seed = 1) {
  SbmOptions o;
  o.nodes = nodes;
  o.blocks = blocks;
  o.average_degree = average_degree;
  o.within = within;
  o.directed = directed;
  o.shift = shift;
  o.seed = seed;
  return o;
}

/// counts[b][c] = stored entries (i, j) with i in block b and j in block c.
std::vector<std::vector<double>> block_counts(const SbmGraph& g, int blocks) {
  std::vector<std::vector<double>> counts(blocks, std::vector<double>(blocks, 0.0));
  const Csr& a = g.adjacency;
  for (Index i = 0; i < a.rows(); ++i)
    for (Csr::Offset p = a.row_ptr()[i]; p < a.row_ptr()[i + 1]; ++p)
      counts[g.labels[i]][g.labels[a.col_idx()[p]]] += 1;
  return counts;
}

/// Number of endpoint draws the generator makes: n·m with m = d (directed) or d/2
/// (undirected) per node. Exact when m is an integer (a fixed count per node).
double total_draws(const SbmOptions& o) {
  return static_cast<double>(o.nodes) * (o.directed ? o.average_degree : o.average_degree / 2);
}

/// Distinct kept edges (each undirected edge is stored twice).
double kept_edges(const SbmOptions& o, const SbmGraph& g) {
  return static_cast<double>(g.adjacency.nnz()) / (o.directed ? 1.0 : 2.0);
}

/// Tolerance for a realised fraction of kept edges whose draws hit a set with probability p.
/// Draws are independent, so the draw fraction is Binomial(D, p)/D with standard error
/// sqrt(p(1−p)/D); 6 SE is exceeded with probability < 1e-8. Dropping X of the D draws
/// (self-loops, repeats) moves a fraction by at most X/(D − X) whichever draws they were.
double fraction_tolerance(double p, double draws, double kept) {
  return 6 * std::sqrt(p * (1 - p) / draws) + (draws - kept) / kept;
}

bool same_graph(const SbmGraph& a, const SbmGraph& b) {
  return a.labels == b.labels && a.adjacency.row_ptr() == b.adjacency.row_ptr() &&
         a.adjacency.col_idx() == b.adjacency.col_idx() && a.adjacency.values() == b.adjacency.values();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sbm_structure)

BOOST_AUTO_TEST_CASE(shape_and_labels) {
  // 1003 = 7·143 + 2: blocks of 143 or 144 nodes, the formula i·k/n must place every node.
  const Index n = 1003;
  const int k = 7;
  for (bool directed : {true, false}) {
    BOOST_TEST_CONTEXT("directed=" << directed) {
      const SbmGraph g = dnmf::generate_sbm(options(n, k, 6, 0.8, directed));
      BOOST_TEST(g.adjacency.rows() == n);
      BOOST_TEST(g.adjacency.cols() == n);
      BOOST_REQUIRE(g.labels.size() == static_cast<size_t>(n));
      std::vector<Index> sizes(k, 0);
      for (Index i = 0; i < n; ++i) {
        BOOST_TEST(g.labels[i] == static_cast<int>(i * k / n), "node " << i);
        ++sizes.at(g.labels[i]);
      }
      for (int b = 0; b < k; ++b) BOOST_TEST((sizes[b] == n / k || sizes[b] == n / k + 1), "block " << b);
    }
  }
}

// Small blocks (10 nodes) with 20 draws per node make self-loops and repeats frequent, so
// the checks below would fail if they were not dropped.
BOOST_AUTO_TEST_CASE(simple_binary_graph) {
  for (bool directed : {true, false}) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      BOOST_TEST_CONTEXT("directed=" << directed << " seed=" << seed) {
        const SbmGraph g = dnmf::generate_sbm(options(50, 5, 20, 0.9, directed, 0, seed));
        const Csr& a = g.adjacency;
        BOOST_TEST(a.nnz() > 0);
        for (Index i = 0; i < a.rows(); ++i) {
          for (Csr::Offset p = a.row_ptr()[i]; p < a.row_ptr()[i + 1]; ++p) {
            BOOST_TEST(a.col_idx()[p] != i, "self-loop at node " << i);
            if (p > a.row_ptr()[i]) BOOST_TEST(a.col_idx()[p] > a.col_idx()[p - 1], "repeat in row " << i);
            BOOST_TEST(a.values()[p] == 1.0);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(undirected_is_symmetric) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    BOOST_TEST_CONTEXT("seed=" << seed) {
      const SbmGraph g = dnmf::generate_sbm(options(300, 3, 8, 0.7, false, 0, seed));
      BOOST_TEST(g.adjacency.is_symmetric());
      const dnmf::Dense d = g.adjacency.to_dense();
      BOOST_TEST((d - d.transpose()).cwiseAbs().maxCoeff() == 0.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(directed_is_not_symmetric) {
  // Guards against the directed path silently mirroring edges.
  const SbmGraph g = dnmf::generate_sbm(options(300, 3, 8, 0.7, true));
  BOOST_TEST(!g.adjacency.is_symmetric());
}

// within = 1 sends every edge into the target block, so the sampler's block boundaries must
// agree with labels[i] = i·k/n also when k does not divide n (1003 = 7·143 + 2).
BOOST_AUTO_TEST_CASE(within_one_keeps_every_edge_in_the_target_block) {
  const int k = 7;
  for (const auto& [directed, shift] : std::vector<std::pair<bool, int>>{{true, 0}, {true, 3}, {false, 0}}) {
    BOOST_TEST_CONTEXT("directed=" << directed << " shift=" << shift) {
      const SbmGraph g = dnmf::generate_sbm(options(1003, k, 12, 1.0, directed, shift));
      const auto counts = block_counts(g, k);
      for (int b = 0; b < k; ++b) {
        BOOST_TEST(counts[b][(b + shift) % k] > 0, "block " << b);
        for (int c = 0; c < k; ++c)
          if (c != (b + shift) % k) BOOST_TEST(counts[b][c] == 0, "block " << b << " -> " << c);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(deterministic_for_a_seed) {
  for (bool directed : {true, false}) {
    BOOST_TEST_CONTEXT("directed=" << directed) {
      const SbmGraph a = dnmf::generate_sbm(options(2000, 4, 9.5, 0.6, directed, 0, 42));
      const SbmGraph b = dnmf::generate_sbm(options(2000, 4, 9.5, 0.6, directed, 0, 42));
      const SbmGraph c = dnmf::generate_sbm(options(2000, 4, 9.5, 0.6, directed, 0, 43));
      BOOST_TEST(same_graph(a, b));
      BOOST_TEST(!same_graph(a, c));
      BOOST_TEST((a.labels == c.labels));  // labels depend only on n and k
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sbm_statistics)

// A draw lands in its home target block with probability within + (1 − within)·|B|/n, and
// |B|/n = 1/k exactly here (20000 = 4·5000). within = 1 must give exactly 1.
BOOST_AUTO_TEST_CASE(home_block_fraction) {
  const int k = 4;
  for (bool directed : {true, false}) {
    for (double within : {0.0, 0.6, 1.0}) {
      const SbmOptions o = options(20000, k, 10, within, directed, 0, 7);
      const SbmGraph g = dnmf::generate_sbm(o);
      const auto counts = block_counts(g, k);
      double home = 0;
      for (int b = 0; b < k; ++b) home += counts[b][b];
      const double fraction = home / static_cast<double>(g.adjacency.nnz());
      const double p = within + (1 - within) / k;
      const double tolerance = fraction_tolerance(p, total_draws(o), kept_edges(o, g));
      BOOST_TEST_CONTEXT("directed=" << directed << " within=" << within << " tolerance=" << tolerance) {
        BOOST_TEST(std::abs(fraction - p) <= tolerance, "fraction " << fraction << " vs expected " << p);
      }
    }
  }
}

// shift = 1: block b sends a fraction within + (1 − within)/k of its edges to b + 1 mod k and
// (1 − within)/k to each other block (its own included). Checks the full k×k distribution.
BOOST_AUTO_TEST_CASE(shift_one_targets_next_block) {
  const int k = 5;
  const double within = 0.8;
  const SbmOptions o = options(20000, k, 10, within, true, 1, 3);
  const SbmGraph g = dnmf::generate_sbm(o);
  const auto counts = block_counts(g, k);
  for (int b = 0; b < k; ++b) {
    double row_total = 0;
    for (int c = 0; c < k; ++c) row_total += counts[b][c];
    const double draws = total_draws(o) / k;  // 4000 nodes per block
    for (int c = 0; c < k; ++c) {
      const double p = (1 - within) / k + (c == (b + 1) % k ? within : 0.0);
      const double fraction = counts[b][c] / row_total;
      BOOST_TEST_CONTEXT("block " << b << " -> " << c) {
        BOOST_TEST(std::abs(fraction - p) <= fraction_tolerance(p, draws, row_total),
                   "fraction " << fraction << " vs expected " << p);
      }
    }
    BOOST_TEST(counts[b][(b + 1) % k] > 10 * counts[b][b]);
  }
}

// Mean degree: each node makes floor(m) or floor(m) + 1 draws (expected m, variance
// ≤ 1/4), m = d directed and d/2 undirected where each draw adds 2 to the degree sum. So the
// mean degree over n nodes has SE ≤ s·0.5/√n (s = 1 or 2). Drops only lower it: a draw is
// lost when it hits the node itself or a target already linked to it by at most 2·⌈m⌉
// other draws, each with probability ≤ p_max = within/⌊n/k⌋ + (1 − within)/n; the expected
// loss is ≤ (1 + 2⌈m⌉)·p_max·d and we allow twice that for its own fluctuation.
BOOST_AUTO_TEST_CASE(mean_degree) {
  const Index n = 20000;
  const int k = 4;
  const double within = 0.7;
  const std::vector<std::pair<bool, double>> cases = {{true, 7.5}, {true, 0.3}, {false, 7.0}, {false, 0.6}};
  for (const auto& [directed, degree] : cases) {
    const SbmOptions o = options(n, k, degree, within, directed, 0, 11);
    const SbmGraph g = dnmf::generate_sbm(o);
    const double mean = static_cast<double>(g.adjacency.nnz()) / n;
    const double m = directed ? degree : degree / 2;
    const double se = (directed ? 1.0 : 2.0) * 0.5 / std::sqrt(static_cast<double>(n));
    const double p_max = within / static_cast<double>(n / k) + (1 - within) / n;
    const double loss = 2 * (1 + 2 * std::ceil(m)) * p_max * degree;
    BOOST_TEST_CONTEXT("directed=" << directed << " degree=" << degree << " mean=" << mean) {
      BOOST_TEST(mean <= degree + 6 * se);
      BOOST_TEST(mean >= degree - 6 * se - loss);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sbm_options)

BOOST_AUTO_TEST_CASE(invalid_options_throw_naming_the_field) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    std::string field;
    std::function<void(SbmOptions&)> change;
  };
  const std::vector<Case> cases = {
      {"blocks", [](SbmOptions& o) { o.blocks = 0; }},
      {"nodes", [](SbmOptions& o) { o.nodes = 0; }},
      {"nodes", [](SbmOptions& o) { o.nodes = 3, o.blocks = 4; }},
      {"nodes", [](SbmOptions& o) { o.nodes = Index{1} << 31; }},
      {"average_degree", [](SbmOptions& o) { o.average_degree = 0; }},
      {"average_degree", [](SbmOptions& o) { o.average_degree = -1; }},
      {"average_degree", [=](SbmOptions& o) { o.average_degree = nan; }},
      {"average_degree", [=](SbmOptions& o) { o.average_degree = inf; }},
      {"average_degree", [](SbmOptions& o) { o.average_degree = 100; }},  // = nodes
      {"within", [](SbmOptions& o) { o.within = -0.1; }},
      {"within", [](SbmOptions& o) { o.within = 1.1; }},
      {"within", [=](SbmOptions& o) { o.within = nan; }},
      {"shift", [](SbmOptions& o) { o.shift = -1; }},
      {"shift", [](SbmOptions& o) { o.shift = 4; }},  // = blocks
      {"shift", [](SbmOptions& o) { o.shift = 1, o.directed = false; }},
  };
  const SbmOptions valid = options(100, 4, 10, 0.8, true);
  BOOST_CHECK_NO_THROW(valid.validate());
  for (size_t c = 0; c < cases.size(); ++c) {
    SbmOptions o = valid;
    cases[c].change(o);
    BOOST_TEST_CONTEXT("case " << c << " (" << cases[c].field << ")") {
      BOOST_CHECK_THROW(dnmf::generate_sbm(o), dnmf::InvalidOption);
      try {
        o.validate();
      } catch (const dnmf::InvalidOption& e) {
        BOOST_TEST(std::string(e.what()).find(cases[c].field + " = ") != std::string::npos, e.what());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(boundary_options_are_valid) {
  // Edges of each range: one block, one node per block, within 0 and 1, shift k − 1,
  // degree just below n, and the largest node count (validated only, not generated).
  std::vector<SbmOptions> valid = {
      options(1, 1, 0.5, 1.0, true),
      options(6, 6, 5.9, 1.0, true, 5),
      options(6, 6, 5.9, 0.0, false),
      options(10, 1, 2, 0.5, false),
  };
  for (const SbmOptions& o : valid) {
    BOOST_CHECK_NO_THROW(dnmf::generate_sbm(o));
    const SbmGraph g = dnmf::generate_sbm(o);
    BOOST_TEST(g.adjacency.rows() == o.nodes);
  }
  SbmOptions largest = options(std::numeric_limits<std::int32_t>::max(), 20, 10, 0.8, true);
  BOOST_CHECK_NO_THROW(largest.validate());
}

BOOST_AUTO_TEST_SUITE_END()
