// Graph substrate: GraphBLAS layer, PageRank influence, second-order similarity and
// connected components, each against a naive dense (or Boost.Graph) reference.
#define BOOST_TEST_MODULE graph
#include <boost/test/unit_test.hpp>

#include <omp.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/page_rank.hpp>
#include <cmath>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/graph/components.hpp"
#include "dnmf/graph/pagerank.hpp"
#include "dnmf/graph/reorder.hpp"
#include "dnmf/graph/second_order.hpp"
#include "dnmf/linalg/graphblas.hpp"
#include "dnmf/linalg/products.hpp"

namespace grb = dnmf::grb;
using dnmf::Csr;
using dnmf::Dense;
using dnmf::Index;
using dnmf::Vector;

namespace {

/// rows x cols with about `density` of the entries in (0, 1]; rows listed in `empty_rows` stay empty.
Dense random_nonnegative(Index rows, Index cols, double density, std::uint64_t seed,
                         const std::vector<Index>& empty_rows = {}) {
  dnmf::Rng rng(seed);
  Dense d = Dense::Zero(rows, cols);
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j)
      if (rng.uniform() < density) d(i, j) = 1.0 - rng.uniform();
  for (Index i : empty_rows) d.row(i).setZero();
  return d;
}

Dense pattern(const Dense& d) {
  return (d.array() != 0.0).cast<double>();
}

double relative_error(const Dense& a, const Dense& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

bool same_csr(const Csr& a, const Csr& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && a.row_ptr() == b.row_ptr() &&
         a.col_idx() == b.col_idx() && a.values() == b.values();
}

/// Dense power iteration of standard PageRank (edge i→j for a_ij ≠ 0, dangling mass
/// spread uniformly), run for a fixed 3000 steps: the error 0.85^3000 is far below
/// rounding. `weights` = use a_ij/Σ_j a_ij as transition probabilities.
Vector dense_pagerank(const Dense& a, double rho, bool weights = false) {
  const Index n = a.rows();
  const Dense m = weights ? a : pattern(a);
  const Vector out = m.rowwise().sum();
  Dense P = Dense::Zero(n, n);  // row-stochastic on non-dangling rows
  for (Index i = 0; i < n; ++i)
    if (out[i] > 0) P.row(i) = m.row(i) / out[i];
  Vector c = Vector::Constant(n, 1.0 / n);
  for (int it = 0; it < 3000; ++it) {
    double dangling = 0;
    for (Index i = 0; i < n; ++i)
      if (out[i] == 0) dangling += c[i];
    c = Vector::Constant(n, (1 - rho) / n + rho * dangling / n) + rho * P.transpose() * c;
  }
  return c;
}

/// Asymmetric cosine of docs/models.md §5.5 straight from the formula, dense n x n.
Dense dense_second_order(const Dense& a, bool zero_diagonal) {
  const Dense b = pattern(a);
  const Dense c = b * b.transpose();
  const Vector d = b.rowwise().sum();
  Dense s = Dense::Zero(a.rows(), a.rows());
  for (Index u = 0; u < a.rows(); ++u)
    for (Index v = 0; v < a.rows(); ++v) {
      if (c(u, v) == 0 || (zero_diagonal && u == v)) continue;
      const double cuv = c(u, v);
      s(u, v) = (cuv / std::sqrt(d[u] * d[v])) * (cuv / d[u]) * (2 * cuv / (d[u] + d[v]));
    }
  return s;
}

/// Expected top-q of S: per row, sort by (value desc, column asc), keep q, back to column order.
Csr expected_top(const Csr& all, int q) {
  std::vector<dnmf::Triplet> kept;
  for (Index u = 0; u < all.rows(); ++u) {
    std::vector<std::pair<double, Index>> row;
    for (Csr::Offset p = all.row_ptr()[u]; p < all.row_ptr()[u + 1]; ++p)
      row.push_back({-all.values()[p], all.col_idx()[p]});
    std::sort(row.begin(), row.end());
    row.resize(std::min<size_t>(row.size(), static_cast<size_t>(q)));
    for (const auto& [negative, v] : row) kept.push_back({u, v, -negative});
  }
  return Csr::from_triplets(all.rows(), all.cols(), std::move(kept));
}

Index longest_row(const Csr& a) {
  Index longest = 0;
  for (Index u = 0; u < a.rows(); ++u)
    longest = std::max<Index>(longest, a.row_ptr()[u + 1] - a.row_ptr()[u]);
  return longest;
}

/// Labels renumbered in order of first appearance, so two labellings of the same
/// partition compare equal.
std::vector<int> canonical(const std::vector<int>& label) {
  std::map<int, int> renamed;
  std::vector<int> out;
  for (int l : label) out.push_back(renamed.emplace(l, static_cast<int>(renamed.size())).first->second);
  return out;
}

/// Plain BFS on the symmetrised dense pattern (i ~ j iff a_ij ≠ 0 or a_ji ≠ 0).
std::vector<int> bfs_components(const Dense& a) {
  const Index n = a.rows();
  std::vector<int> label(static_cast<size_t>(n), -1);
  int next = 0;
  for (Index s = 0; s < n; ++s) {
    if (label[s] >= 0) continue;
    std::queue<Index> q;
    q.push(s);
    label[s] = next;
    while (!q.empty()) {
      const Index u = q.front();
      q.pop();
      for (Index v = 0; v < n; ++v)
        if ((a(u, v) != 0 || a(v, u) != 0) && label[v] < 0) {
          label[v] = next;
          q.push(v);
        }
    }
    ++next;
  }
  return label;
}

/// Random digraph containing the cycle 0→1→…→n−1→0: strongly connected, no dangling node.
Dense strongly_connected(Index n, double density, std::uint64_t seed) {
  Dense a = pattern(random_nonnegative(n, n, density, seed));
  for (Index i = 0; i < n; ++i) a(i, (i + 1) % n) = 1.0;
  return a;
}

/// Boost's page_rank: r ← (1−ρ)·1 + ρ·Pᵀr from r = 1/n, i.e. our fixed point times n,
/// and it divides by out_degree without any dangling-node handling.
template <class Graph>
Vector boost_pagerank(const Graph& g, Index n, double rho) {
  std::vector<double> rank(static_cast<size_t>(n));
  // 600 steps: 0.85^600 ≈ 1e-42, converged far beyond double precision.
  boost::graph::page_rank(g, boost::make_iterator_property_map(rank.begin(), get(boost::vertex_index, g)),
                          boost::graph::n_iterations(600), rho);
  return Eigen::Map<Vector>(rank.data(), n);
}

}  // namespace

// ================================================================================
BOOST_AUTO_TEST_SUITE(graphblas)

BOOST_AUTO_TEST_CASE(csr_round_trip_is_identical) {
  std::vector<Csr> cases;
  for (std::uint64_t seed = 1; seed <= 4; ++seed)
    cases.push_back(Csr::from_dense(random_nonnegative(13 + seed, 29, 0.2, seed, {0, 5})));
  cases.push_back(Csr(0, 0));
  cases.push_back(Csr(5, 0));
  cases.push_back(Csr(0, 4));
  cases.push_back(Csr(3, 3));
  // An explicitly stored zero and a negative value must survive unchanged.
  cases.push_back(Csr(2, 4, {0, 2, 3}, {1, 3, 0}, {0.0, -2.5, 1e-300}));
  for (const Csr& a : cases) {
    BOOST_TEST_CONTEXT(a.rows() << " x " << a.cols() << ", nnz " << a.nnz()) {
      const grb::Matrix g = grb::from_csr(a);
      BOOST_TEST(g.rows() == a.rows());
      BOOST_TEST(g.cols() == a.cols());
      BOOST_TEST(g.nvals() == a.nnz());
      BOOST_TEST(same_csr(grb::to_csr(g), a));
      BOOST_TEST(same_csr(grb::to_csr(g.dup()), a));
    }
  }
}

/// Csr from possibly jumbled RowArrays, sorting each row (test helper).
Csr sorted_csr(const grb::RowArrays& r) {
  std::vector<dnmf::Triplet> t;
  for (Index i = 0; i < r.rows(); ++i)
    for (std::uint64_t p = r.row_ptr()[i]; p < r.row_ptr()[i + 1]; ++p)
      t.push_back({i, static_cast<Index>(r.col_idx()[p]), r.values()[p]});
  return Csr::from_triplets(r.rows(), r.cols(), std::move(t), dnmf::Duplicates::error, /*keep_zeros=*/true);
}

BOOST_AUTO_TEST_CASE(unpack_rows_hands_over_the_entries) {
  const Csr a = Csr::from_dense(pattern(random_nonnegative(300, 200, 0.05, 31)));
  const grb::Matrix g = grb::from_csr(a);
  grb::MxmOptions t;
  t.transpose_b = true;
  grb::Matrix product = grb::mxm(g, g, grb::Semiring::plus_pair, t);
  const Csr expected = grb::to_csr(product.dup());  // sorted reference
  const grb::RowArrays rows = grb::unpack_rows(std::move(product));
  BOOST_TEST(!product);  // consumed
  BOOST_TEST(rows.nnz() == expected.nnz());
  BOOST_TEST(same_csr(sorted_csr(rows), expected));  // same entries, whatever the row order
  // Iso values are expanded; an empty matrix gives NULL index/value arrays.
  const grb::RowArrays iso = grb::unpack_rows(grb::constant(3, 2, 4.0));
  BOOST_CHECK(sorted_csr(iso).to_dense() == Dense::Constant(3, 2, 4.0));
  const grb::RowArrays none = grb::unpack_rows(grb::Matrix(5, 5));
  BOOST_TEST(none.nnz() == 0);
  BOOST_TEST(none.rows() == 5);
}

BOOST_AUTO_TEST_CASE(dense_round_trip_both_layouts) {
  dnmf::Rng rng(3);
  const Dense d = rng.uniform_matrix(17, 5);
  for (auto layout : {grb::Layout::by_row, grb::Layout::by_col}) {
    const grb::Matrix g = grb::from_dense(d, layout);
    BOOST_TEST(g.nvals() == d.size());
    BOOST_CHECK(grb::to_dense(g) == d);
  }
  const Dense s = random_nonnegative(9, 11, 0.3, 4);
  BOOST_CHECK(grb::to_dense(grb::from_csr(Csr::from_dense(s))) == s);
  // Iso matrices (one shared value) expand on both exports.
  BOOST_CHECK(grb::to_dense(grb::constant(3, 4, 2.5)) == Dense::Constant(3, 4, 2.5));
  const Csr c = grb::to_csr(grb::constant(2, 3, 1.5));
  BOOST_TEST(c.nnz() == 6);
  BOOST_CHECK(c.to_dense() == Dense::Constant(2, 3, 1.5));
  BOOST_CHECK(grb::to_dense(grb::Matrix(4, 2)) == Dense::Zero(4, 2));
}

BOOST_AUTO_TEST_CASE(transpose_and_symmetrisations_equal_dense) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Dense a = random_nonnegative(23, 23, 0.15, seed);
    const grb::Matrix g = grb::from_csr(Csr::from_dense(a));
    // Each entry is one floating-point operation on the same operands: exact equality.
    BOOST_CHECK(grb::to_dense(grb::transpose(g)) == a.transpose());
    const Dense at = a.transpose();
    BOOST_CHECK(grb::to_dense(grb::symmetrize(g, grb::Symmetrization::max)) == a.cwiseMax(at));
    BOOST_CHECK(grb::to_dense(grb::symmetrize(g, grb::Symmetrization::mean)) == Dense((a + at) * 0.5));
    const Dense both = (a.array() != 0 && at.array() != 0).cast<double>();
    const Dense mutual = both.cwiseProduct(a.cwiseMin(at));
    const grb::Matrix m = grb::symmetrize(g, grb::Symmetrization::mutual);
    BOOST_CHECK(grb::to_dense(m) == mutual);
    BOOST_TEST(m.nvals() == static_cast<Index>(both.sum()));  // only mutual pairs stored
  }
  BOOST_CHECK_THROW(grb::symmetrize(grb::Matrix(2, 3), grb::Symmetrization::max), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(elementwise_scaling_and_diagonal) {
  const Dense a = random_nonnegative(12, 12, 0.4, 8), b = random_nonnegative(12, 12, 0.4, 9);
  const grb::Matrix ga = grb::from_csr(Csr::from_dense(a)), gb = grb::from_csr(Csr::from_dense(b));
  BOOST_CHECK(grb::to_dense(grb::ewise_add(ga, gb, grb::BinaryOp::plus)) == Dense(a + b));
  BOOST_CHECK(grb::to_dense(grb::ewise_mult(ga, gb, grb::BinaryOp::times)) == Dense(a.cwiseProduct(b)));
  BOOST_CHECK(grb::to_dense(grb::scaled(ga, 0.3)) == Dense(a * 0.3));
  Dense off = a;
  off.diagonal().setZero();
  const Dense ones = Dense::Ones(12, 12);
  const grb::Matrix full = grb::from_dense(ones);
  Dense ones_off = ones;
  ones_off.diagonal().setZero();
  BOOST_CHECK(grb::to_dense(grb::drop_diagonal(ga)) == off);
  BOOST_TEST(grb::drop_diagonal(full).nvals() == 12 * 11);  // removed, not stored as zeros
  BOOST_CHECK(grb::to_dense(grb::drop_diagonal(full)) == ones_off);
}

BOOST_AUTO_TEST_CASE(degree_reductions) {
  const Dense a = random_nonnegative(31, 17, 0.2, 10, {3, 4});
  const grb::Matrix g = grb::from_csr(Csr::from_dense(a));
  // Sums of up to 31 terms in another order: a few ulps; 1e-14 relative is ample.
  BOOST_TEST((grb::row_sums(g) - a.rowwise().sum()).norm() <= 1e-14 * a.norm());
  BOOST_TEST((grb::col_sums(g) - a.colwise().sum().transpose()).norm() <= 1e-14 * a.norm());
  BOOST_CHECK(grb::row_counts(g) == Vector(pattern(a).rowwise().sum()));  // small integers: exact
  BOOST_CHECK(grb::col_counts(g) == Vector(pattern(a).colwise().sum().transpose()));
  BOOST_TEST(grb::row_counts(g)[3] == 0.0);
}

BOOST_AUTO_TEST_CASE(products_masks_and_accumulation) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Dense a = random_nonnegative(20, 15, 0.25, seed), b = random_nonnegative(15, 18, 0.25, seed + 50);
    const grb::Matrix ga = grb::from_csr(Csr::from_dense(a)), gb = grb::from_csr(Csr::from_dense(b));
    // Same products summed in another order: 1e-13 relative (terms are positive, no cancellation).
    BOOST_TEST(relative_error(grb::to_dense(grb::mxm(ga, gb, grb::Semiring::plus_times)), a * b) < 1e-13);
    // Pattern Gram matrix: counts are exact integers.
    const Dense pa = pattern(a);
    grb::MxmOptions t;
    t.transpose_b = true;
    BOOST_CHECK(grb::to_dense(grb::mxm(ga, ga, grb::Semiring::plus_pair, t)) == Dense(pa * pa.transpose()));
    grb::MxmOptions ta;
    ta.transpose_a = true;
    BOOST_CHECK(grb::to_dense(grb::mxm(ga, ga, grb::Semiring::plus_pair, ta)) == Dense(pa.transpose() * pa));
    // Restricted product C⟨M⟩ = A·B and its complement split A·B exactly in two.
    const Dense mask = random_nonnegative(20, 18, 0.3, seed + 99);
    const grb::Matrix gm = grb::from_csr(Csr::from_dense(mask));
    grb::MxmOptions masked;
    masked.mask = &gm;
    const Dense inside = grb::to_dense(grb::mxm(ga, gb, grb::Semiring::plus_times, masked));
    masked.mask_complement = true;
    const Dense outside = grb::to_dense(grb::mxm(ga, gb, grb::Semiring::plus_times, masked));
    const Dense full = grb::to_dense(grb::mxm(ga, gb, grb::Semiring::plus_times));
    BOOST_CHECK(inside == Dense(full.cwiseProduct(pattern(mask))));
    BOOST_CHECK(outside == Dense(full - inside));
    // C += A·B into a full C.
    grb::Matrix c = grb::constant(20, 18, 1.0);
    grb::mxm(c, ga, gb, grb::Semiring::plus_times, {.accumulate = true});
    BOOST_TEST(relative_error(grb::to_dense(c), Dense::Ones(20, 18) + a * b) < 1e-13);
  }
}

BOOST_AUTO_TEST_CASE(sparse_times_full_matches_our_kernel) {
  const Csr s = Csr::from_dense(random_nonnegative(200, 150, 0.05, 21));
  dnmf::Rng rng(22);
  const Dense m = rng.uniform_matrix(150, 7);
  const Dense ours = dnmf::csr_times_dense(s, m);
  for (auto layout : {grb::Layout::by_row, grb::Layout::by_col}) {
    const Dense theirs =
        grb::to_dense(grb::mxm(grb::from_csr(s), grb::from_dense(m, layout), grb::Semiring::plus_times));
    BOOST_TEST(relative_error(theirs, ours) < 1e-13);  // same terms, possibly another order
  }
}

BOOST_AUTO_TEST_CASE(graphblas_errors_become_dnmf_errors) {
  try {
    (void)grb::mxm(grb::Matrix(3, 4), grb::Matrix(5, 2), grb::Semiring::plus_times);
    BOOST_FAIL("dimension mismatch accepted");
  } catch (const dnmf::Error& e) {
    const std::string what = e.what();
    BOOST_TEST_MESSAGE("GraphBLAS error text: " << what);
    BOOST_TEST(what.find("GrB_mxm") != std::string::npos);
    BOOST_TEST(what.find("GrB_DIMENSION_MISMATCH") != std::string::npos);
  }
  BOOST_CHECK_THROW(grb::Matrix().rows(), dnmf::Error);  // null handle
  BOOST_CHECK_THROW(grb::set_threads(0), dnmf::InvalidOption);
  const int before = grb::threads();
  grb::set_threads(1);
  BOOST_TEST(grb::threads() == 1);
  grb::set_threads(before);
}

BOOST_AUTO_TEST_SUITE_END()

// ================================================================================
BOOST_AUTO_TEST_SUITE(pagerank)

// Stopping at L1 change < 1e-10 leaves at most ρ/(1−ρ)·1e-10 ≈ 5.7e-10 L1 error to the
// fixed point; 1e-9 bounds that plus rounding.
constexpr double kPageRankL1 = 1e-9;

BOOST_AUTO_TEST_CASE(sums_to_one_and_matches_dense_power_iteration) {
  for (Index n : {1, 2, 7, 30, 64})
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      // Rows 0 and n/2 dangling (and random sparsity makes more).
      const Dense a = random_nonnegative(n, n, 3.0 / n, seed, {0, n / 2});
      const auto r = dnmf::pagerank(Csr::from_dense(a));
      BOOST_TEST_CONTEXT("n=" << n << " seed=" << seed) {
        BOOST_TEST(r.converged);
        BOOST_TEST(r.iterations <= 1000);
        BOOST_TEST(std::abs(r.scores.sum() - 1.0) < 1e-12);  // preserved up to rounding
        BOOST_TEST(r.scores.minCoeff() > 0.0);
        BOOST_TEST((r.scores - dense_pagerank(a, 0.85)).lpNorm<1>() < kPageRankL1);
      }
    }
}

BOOST_AUTO_TEST_CASE(matches_boost_on_strongly_connected_graphs) {
  for (Index n : {3, 10, 40})
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const Dense a = strongly_connected(n, 0.1, seed);
      using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
      const Vector reference = boost_pagerank(dnmf::to_boost_digraph<G>(Csr::from_dense(a)), n, 0.85);
      const auto r = dnmf::pagerank(Csr::from_dense(a));
      BOOST_TEST_CONTEXT("n=" << n << " seed=" << seed) {
        BOOST_TEST(reference.sum() == static_cast<double>(n), boost::test_tools::tolerance(1e-12));
        BOOST_TEST((r.scores - reference / n).lpNorm<1>() < kPageRankL1);
      }
    }
}

// Boost's page_rank divides by out_degree and drops the mass of dangling nodes.
// Our uniform redistribution is the same as giving each dangling node an edge to
// every node (itself included), so that augmented graph must give Boost our scores.
BOOST_AUTO_TEST_CASE(matches_boost_with_dangling_nodes_emulated) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Index n = 25;
    const Dense a = pattern(random_nonnegative(n, n, 0.08, seed, {1, 7, 13}));
    Dense augmented = a;
    for (Index i = 0; i < n; ++i)
      if (a.row(i).sum() == 0) augmented.row(i).setOnes();
    using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
    const Vector reference = boost_pagerank(dnmf::to_boost_digraph<G>(Csr::from_dense(augmented)), n, 0.85);
    const auto r = dnmf::pagerank(Csr::from_dense(a));
    BOOST_TEST((r.scores - reference / n).lpNorm<1>() < kPageRankL1);
  }
}

BOOST_AUTO_TEST_CASE(weighted_transitions) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Dense a = random_nonnegative(30, 30, 0.15, seed, {2});
    dnmf::PageRankOptions opt;
    opt.use_weights = true;
    const auto r = dnmf::pagerank(Csr::from_dense(a), opt);
    BOOST_TEST((r.scores - dense_pagerank(a, 0.85, /*weights=*/true)).lpNorm<1>() < kPageRankL1);
    // The pattern variant differs (weights are not uniform), so the option matters.
    BOOST_TEST((r.scores - dnmf::pagerank(Csr::from_dense(a)).scores).lpNorm<1>() > 1e-6);
  }
  Dense negative = Dense::Ones(3, 3);
  negative(0, 1) = -1;
  dnmf::PageRankOptions opt;
  opt.use_weights = true;
  BOOST_CHECK_THROW(dnmf::pagerank(Csr::from_dense(negative), opt), dnmf::InputError);
}

BOOST_AUTO_TEST_CASE(edge_cases_and_failure_paths) {
  // No edges at all: every node dangling, uniform scores after one step.
  const auto empty = dnmf::pagerank(Csr(4, 4));
  BOOST_TEST(empty.converged);
  BOOST_TEST(empty.iterations == 1);
  BOOST_TEST((empty.scores - Vector::Constant(4, 0.25)).norm() < 1e-15);
  const auto none = dnmf::pagerank(Csr(0, 0));
  BOOST_TEST(none.scores.size() == 0);
  // Iteration cap: reported, not thrown, and the iterate is still a distribution.
  dnmf::PageRankOptions capped;
  capped.max_iterations = 2;
  const auto r = dnmf::pagerank(Csr::from_dense(strongly_connected(50, 0.05, 3)), capped);
  BOOST_TEST(!r.converged);
  BOOST_TEST(r.iterations == 2);
  BOOST_TEST(std::abs(r.scores.sum() - 1.0) < 1e-12);
  // Explicitly stored zeros are not edges.
  const Csr with_zero(2, 2, {0, 2, 2}, {0, 1}, {1.0, 0.0});
  const Csr without(2, 2, {0, 1, 1}, {0}, {1.0});
  BOOST_CHECK(dnmf::pagerank(with_zero).scores == dnmf::pagerank(without).scores);
  for (auto bad : {[] {
                     dnmf::PageRankOptions o;
                     o.damping = 1.0;
                     return o;
                   }(),
                   [] {
                     dnmf::PageRankOptions o;
                     o.damping = -0.1;
                     return o;
                   }(),
                   [] {
                     dnmf::PageRankOptions o;
                     o.tolerance = -1;
                     return o;
                   }(),
                   [] {
                     dnmf::PageRankOptions o;
                     o.max_iterations = 0;
                     return o;
                   }()})
    BOOST_CHECK_THROW(dnmf::pagerank(Csr(3, 3), bad), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::pagerank(Csr(3, 4)), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(result_does_not_depend_on_thread_count) {
  // n = 20000 spans several 4096-node summation chunks; ~4 random out-edges per node.
  const Index n = 20000;
  dnmf::Rng rng(5);
  std::vector<dnmf::Triplet> edges;
  for (Index i = 0; i < n; ++i)
    for (int e = 0; e < 4; ++e) edges.push_back({i, static_cast<Index>(rng.below(n)), 1.0});
  const Csr a = Csr::from_triplets(n, n, std::move(edges));
  omp_set_num_threads(1);
  const auto one = dnmf::pagerank(a);
  omp_set_num_threads(2);
  const auto two = dnmf::pagerank(a);
  BOOST_TEST(one.iterations == two.iterations);
  BOOST_CHECK(one.scores == two.scores);  // bit-identical: fixed-order sums
}

BOOST_AUTO_TEST_CASE(influence_matrix_has_the_pattern_of_a_and_row_values_c) {
  const Dense a = random_nonnegative(15, 15, 0.2, 6, {4});
  const Vector c = dnmf::pagerank(Csr::from_dense(a)).scores;
  const Csr C = dnmf::influence_matrix(Csr::from_dense(a), c);
  BOOST_CHECK(C.to_dense() == Dense(c.asDiagonal() * pattern(a)));
  BOOST_TEST(C.nnz() == static_cast<Index>(pattern(a).sum()));
  BOOST_CHECK(C.col_idx() == Csr::from_dense(a).col_idx());
  // Stored zeros of A do not enter C.
  const Csr z(2, 2, {0, 2, 2}, {0, 1}, {1.0, 0.0});
  BOOST_TEST(dnmf::influence_matrix(z, Vector::Constant(2, 0.5)).nnz() == 1);
  BOOST_CHECK_THROW(dnmf::influence_matrix(Csr::from_dense(a), Vector::Ones(3)), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()

// ================================================================================
BOOST_AUTO_TEST_SUITE(second_order)

BOOST_AUTO_TEST_CASE(equals_the_dense_formula) {
  for (Index n : {1, 5, 20, 60})
    for (std::uint64_t seed = 1; seed <= 4; ++seed)
      for (bool zero_diagonal : {true, false}) {
        // Weighted input with self-loops and an empty row: S must see only the pattern.
        const Dense a = random_nonnegative(n, n, std::min(1.0, 4.0 / n), seed, {n / 3});
        dnmf::SecondOrderOptions opt;
        opt.top = 0;
        opt.zero_diagonal = zero_diagonal;
        const Csr s = dnmf::second_order_similarity(Csr::from_dense(a), opt);
        const Dense reference = dense_second_order(a, zero_diagonal);
        BOOST_TEST_CONTEXT("n=" << n << " seed=" << seed << " zero_diagonal=" << zero_diagonal) {
          // Same three factors in the same order, c and d exact integers: agreement
          // to rounding; 1e-10 is the project bound for "same formula".
          BOOST_TEST(relative_error(s.to_dense(), reference) < 1e-10);
          BOOST_CHECK(pattern(s.to_dense()) == pattern(reference));
          BOOST_TEST(s.max_value() <= 1.0 + 1e-15);  // product of three ratios ≤ 1
          const Vector d = pattern(a).rowwise().sum();
          for (Index u = 0; u < n; ++u)
            BOOST_TEST(s.coeff(u, u) == (zero_diagonal || d[u] == 0 ? 0.0 : 1.0),
                       boost::test_tools::tolerance(1e-15));
        }
      }
}

// n = 3000: large enough that GraphBLAS returns the rows of AAᵀ unsorted (jumbled),
// which the small dense cases never do. Reference: c_uv counted naively row by row
// (for w ∈ Γ_u, for v with w ∈ Γ_v: ++count[v]), then the formula.
BOOST_AUTO_TEST_CASE(large_graph_matches_a_naive_sparse_count) {
  const Index n = 3000;
  dnmf::Rng rng(41);
  std::vector<dnmf::Triplet> t;
  for (Index i = 0; i < n; ++i)
    for (int e = 0; e < 6; ++e) t.push_back({i, static_cast<Index>(rng.below(n)), 1.0});
  const Csr a = Csr::from_triplets(n, n, std::move(t), dnmf::Duplicates::keep_last);
  const Csr at = a.transpose();
  const Vector d = a.row_sums();
  {
    const grb::Matrix g = grb::from_csr(a);
    const grb::RowArrays rows = grb::unpack_rows(grb::mxm(g, grb::from_csr(at), grb::Semiring::plus_pair));
    BOOST_WARN(!rows.sorted());  // the purpose of this case; GraphBLAS may change its heuristics
  }
  std::vector<dnmf::Triplet> expected;
  std::vector<double> count(static_cast<size_t>(n), 0.0);
  for (Index u = 0; u < n; ++u) {
    std::vector<Index> touched;
    for (Csr::Offset p = a.row_ptr()[u]; p < a.row_ptr()[u + 1]; ++p) {
      const Index w = a.col_idx()[p];
      for (Csr::Offset q = at.row_ptr()[w]; q < at.row_ptr()[w + 1]; ++q) {
        const Index v = at.col_idx()[q];
        if (count[v]++ == 0) touched.push_back(v);
      }
    }
    for (Index v : touched) {
      const double c = count[v];
      if (v != u)
        expected.push_back({u, v, (c / std::sqrt(d[u] * d[v])) * (c / d[u]) * (2 * c / (d[u] + d[v]))});
      count[v] = 0;
    }
  }
  const Csr reference = Csr::from_triplets(n, n, std::move(expected));
  const Csr all = dnmf::second_order_similarity(a, {.top = 0});
  BOOST_CHECK(all.row_ptr() == reference.row_ptr());
  BOOST_CHECK(all.col_idx() == reference.col_idx());
  // Same formula on the same exact integers: identical up to rounding (1e-10 project bound).
  double worst = 0;
  for (size_t p = 0; p < all.values().size(); ++p)
    worst = std::max(worst, std::abs(all.values()[p] - reference.values()[p]) / reference.values()[p]);
  BOOST_TEST(worst < 1e-10);
  // Truncation on rows of ~40 candidates (some above the default 50), and exactness
  // once q reaches the longest row.
  BOOST_TEST(longest_row(all) > 50);
  for (int q : {5, 50})
    BOOST_TEST(same_csr(dnmf::second_order_similarity(a, {.top = q}), expected_top(all, q)));
  BOOST_TEST(same_csr(dnmf::second_order_similarity(a, {.top = static_cast<int>(longest_row(all))}), all));
}

BOOST_AUTO_TEST_CASE(zero_diagonal_is_structural) {
  const Dense a = random_nonnegative(30, 30, 0.2, 7);
  const Csr s = dnmf::second_order_similarity(Csr::from_dense(a), {.top = 0});
  for (Index u = 0; u < s.rows(); ++u)
    for (Csr::Offset p = s.row_ptr()[u]; p < s.row_ptr()[u + 1]; ++p) BOOST_TEST(s.col_idx()[p] != u);
}

BOOST_AUTO_TEST_CASE(top_q_keeps_largest_with_index_tie_break) {
  // Dense random patterns (many equal c and d, hence many exact ties) and sparse ones.
  for (double density : {0.5, 0.1})
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      const Csr a = Csr::from_dense(random_nonnegative(40, 40, density, seed));
      const Csr all = dnmf::second_order_similarity(a, {.top = 0});
      const Index longest = longest_row(all);
      for (int q : {1, 2, 3, 7}) BOOST_TEST_CONTEXT("density=" << density << " seed=" << seed << " q=" << q) {
          BOOST_TEST(same_csr(dnmf::second_order_similarity(a, {.top = q}), expected_top(all, q)));
        }
      // Bound never hit: exactly the untruncated S.
      BOOST_TEST(same_csr(dnmf::second_order_similarity(a, {.top = static_cast<int>(longest)}), all));
      BOOST_TEST(same_csr(dnmf::second_order_similarity(a, {.top = static_cast<int>(longest) + 5}), all));
    }
  // Hand-made tie: rows 1, 2, 3 all equal Γ = {0}; for u = 1 the candidates 2 and 3 tie
  // (S = 1), so top = 1 must keep column 2.
  const Csr ties =
      Csr::from_dense((Dense(4, 4) << 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0).finished());
  const Csr t1 = dnmf::second_order_similarity(ties, {.top = 1});
  BOOST_TEST(t1.coeff(1, 2) == 1.0);
  BOOST_TEST(t1.coeff(1, 3) == 0.0);
  BOOST_TEST(t1.coeff(3, 1) == 1.0);
}

BOOST_AUTO_TEST_CASE(row_blocks_do_not_change_the_result) {
  const Csr a = Csr::from_dense(random_nonnegative(80, 80, 0.08, 12, {5}));
  const Csr reference = dnmf::second_order_similarity(a);
  for (std::int64_t budget : {1, 7, 100, 1000}) {
    dnmf::SecondOrderOptions opt;
    opt.block_products = budget;  // 1: every row its own GraphBLAS product
    BOOST_TEST(same_csr(dnmf::second_order_similarity(a, opt), reference));
  }
  BOOST_CHECK_THROW(dnmf::second_order_similarity(a, {.top = -1}), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::second_order_similarity(a, {.block_products = 0}), dnmf::InvalidOption);
  BOOST_TEST(dnmf::second_order_similarity(Csr(6, 6)).nnz() == 0);
}

BOOST_AUTO_TEST_CASE(add_scaled_equals_dense) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Dense a = random_nonnegative(25, 25, 0.1, seed);
    const Csr s = dnmf::second_order_similarity(Csr::from_dense(a));
    const Csr as = dnmf::add_scaled(Csr::from_dense(a), s, 0.2);
    // One multiply and one add per entry, in the same order as Eigen's: exact.
    BOOST_CHECK(as.to_dense() == Dense(a + 0.2 * s.to_dense()));
    BOOST_TEST(same_csr(dnmf::add_scaled(Csr::from_dense(a), s, 0.0), Csr::from_dense(a)));
  }
  BOOST_CHECK_THROW(dnmf::add_scaled(Csr(3, 3), Csr(3, 4), 0.1), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::add_scaled(Csr(3, 3), Csr(3, 3), -0.1), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()

// ================================================================================
BOOST_AUTO_TEST_SUITE(components)

BOOST_AUTO_TEST_CASE(equal_naive_bfs_up_to_relabelling) {
  for (Index n : {1, 2, 10, 50, 200})
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      // About one out-edge per node: many components of varied size, directed edges.
      const Dense a = random_nonnegative(n, n, 1.0 / n, seed);
      const auto c = dnmf::connected_components(Csr::from_dense(a));
      const auto reference = bfs_components(a);
      BOOST_TEST_CONTEXT("n=" << n << " seed=" << seed) {
        BOOST_TEST(c.label.size() == static_cast<size_t>(n));
        BOOST_CHECK(canonical(c.label) == canonical(reference));
        BOOST_TEST(c.count == *std::max_element(reference.begin(), reference.end()) + 1);
        BOOST_CHECK(c.label == canonical(c.label));  // documented: numbered by smallest node
      }
    }
}

BOOST_AUTO_TEST_CASE(edge_cases) {
  BOOST_TEST(dnmf::connected_components(Csr(0, 0)).count == 0);
  const auto isolated = dnmf::connected_components(Csr::identity(4));  // self-loops only
  BOOST_TEST(isolated.count == 4);
  // A stored zero is not an edge; a one-way edge connects.
  const Csr z(3, 3, {0, 2, 2, 2}, {1, 2}, {0.0, 1.0});
  const auto c = dnmf::connected_components(z);
  BOOST_TEST(c.count == 2);
  BOOST_CHECK(c.label == (std::vector<int>{0, 1, 0}));
  BOOST_CHECK_THROW(dnmf::connected_components(Csr(2, 3)), dnmf::InvalidOption);
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  BOOST_CHECK_THROW(dnmf::to_boost_digraph<G>(Csr(2, 3)), dnmf::InvalidOption);
  BOOST_TEST(num_edges(dnmf::to_boost_digraph<G>(z)) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

Index bandwidth(const Csr& s) {
  Index b = 0;
  for (Index i = 0; i < s.rows(); ++i)
    for (auto p = s.row_ptr()[i]; p < s.row_ptr()[i + 1]; ++p)
      b = std::max<Index>(b, std::abs(i - static_cast<Index>(s.col_idx()[p])));
  return b;
}

Dense permutation_matrix(const std::vector<Index>& order) {  // (Π M).row(r) = M.row(order[r])
  Dense p = Dense::Zero(static_cast<Index>(order.size()), static_cast<Index>(order.size()));
  for (size_t r = 0; r < order.size(); ++r) p(static_cast<Index>(r), order[r]) = 1.0;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(locality_order_untangles_a_shuffled_path_and_permutes_exactly) {
  // A path 0-1-…-59 whose nodes carry shuffled labels, plus a separate triangle:
  // any Cuthill–McKee order lays each path out with bandwidth 1 (triangle: 2).
  const Index n = 63;
  std::vector<Index> label(n);
  for (Index i = 0; i < n; ++i) label[i] = i;
  dnmf::Rng rng(17);
  for (Index i = n - 1; i > 0; --i) std::swap(label[i], label[static_cast<Index>(rng.uniform() * (i + 1))]);
  std::vector<dnmf::Triplet> t;
  const auto link = [&](Index a, Index b, double w) {
    t.push_back({label[a], label[b], w});
    t.push_back({label[b], label[a], w});
  };
  for (Index i = 0; i + 1 < 60; ++i) link(i, i + 1, 1.0 + static_cast<double>(i));
  link(60, 61, 2.0);
  link(61, 62, 3.0);
  link(60, 62, 4.0);
  const Csr s = Csr::from_triplets(n, n, std::move(t));
  BOOST_TEST(bandwidth(s) > 10);
  const std::vector<Index> order = dnmf::locality_order(s);
  std::vector<Index> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (Index i = 0; i < n; ++i) BOOST_TEST(sorted[i] == i);  // a permutation
  const Csr p = dnmf::permute_symmetric(s, order);
  BOOST_TEST(bandwidth(p) <= 2);
  // Against dense Π S Πᵀ, entry for entry; rows only: Π A.
  const Dense pm = permutation_matrix(order);
  BOOST_TEST((p.to_dense() - pm * s.to_dense() * pm.transpose()).norm() == 0.0);
  const Dense a = rng.uniform_matrix(n, 5);
  const Csr ar = dnmf::permute_rows(Csr::from_dense(a), order);
  BOOST_TEST((ar.to_dense() - pm * a).norm() == 0.0);
  BOOST_TEST((dnmf::permute_samples(dnmf::DataMatrix(a), order).to_dense() - pm * a).norm() == 0.0);
  const std::vector<Index> position = dnmf::inverse_permutation(order);
  for (Index r = 0; r < n; ++r) BOOST_TEST(position[order[r]] == r);
  BOOST_CHECK_THROW(dnmf::permute_rows(Csr::from_dense(a), std::vector<Index>(n, 0)), dnmf::InvalidOption);
}

// ---------------------------------------------------------------- spectral clustering

#include "dnmf/graph/spectral.hpp"
#include "dnmf/metrics/metrics.hpp"

BOOST_AUTO_TEST_SUITE(spectral)

BOOST_AUTO_TEST_CASE(normalized_affinity_equals_dense_and_clusters_planted_blocks) {
  // Four planted blocks of 40 nodes: the NJW embedding separates them exactly.
  dnmf::Rng rng(5);
  const dnmf::Index n = 160;
  std::vector<dnmf::Triplet> t;
  std::vector<int> truth(n);
  for (dnmf::Index i = 0; i < n; ++i) {
    truth[static_cast<size_t>(i)] = static_cast<int>(i / 40);
    for (dnmf::Index j = 0; j < i; ++j) {
      const bool same = i / 40 == j / 40;
      if (rng.uniform() < (same ? 0.3 : 0.01)) {
        const double w = 0.5 + rng.uniform();
        t.push_back({i, j, w});
        t.push_back({j, i, w});
      }
    }
  }
  const dnmf::Csr S = dnmf::Csr::from_triplets(n, n, t);
  const dnmf::Dense s = S.to_dense();
  const dnmf::Vector d = s.rowwise().sum();
  const dnmf::Dense ref =
      d.cwiseSqrt().cwiseInverse().asDiagonal() * s * d.cwiseSqrt().cwiseInverse().asDiagonal();
  BOOST_TEST((dnmf::normalized_affinity(S).to_dense() - ref).norm() < 1e-12 * ref.norm());
  const auto labels = dnmf::spectral_clustering(S, 4, 10, 3);
  BOOST_TEST(dnmf::evaluate(truth, labels).nmi > 0.99);
  const dnmf::Dense E = dnmf::spectral_embedding(S, 4);
  for (dnmf::Index i = 0; i < n; ++i) BOOST_TEST(std::abs(E.row(i).norm() - 1.0) < 1e-12);
}

BOOST_AUTO_TEST_SUITE_END()
