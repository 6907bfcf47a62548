// kNN search, affinity graphs and Laplacians against naive dense computations.
#define BOOST_TEST_MODULE knn
#include <boost/test/unit_test.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/graph/knn.hpp"
#include "dnmf/graph/laplacian.hpp"

namespace tt = boost::test_tools;
using dnmf::Csr;
using dnmf::DataMatrix;
using dnmf::Dense;
using dnmf::Index;

namespace {

/// Naive O(n²·d) reference: all distances, sorted by (distance, index), self excluded.
void naive_knn(const Dense& x, int k, std::vector<std::int32_t>& ids, std::vector<double>& dist) {
  const Index n = x.rows();
  ids.clear();
  dist.clear();
  for (Index i = 0; i < n; ++i) {
    std::vector<std::pair<double, std::int32_t>> all;
    for (Index j = 0; j < n; ++j) {
      if (j == i) continue;
      double s = 0;
      for (Index f = 0; f < x.cols(); ++f) s += (x(i, f) - x(j, f)) * (x(i, f) - x(j, f));
      all.emplace_back(s, static_cast<std::int32_t>(j));
    }
    std::sort(all.begin(), all.end());
    for (int j = 0; j < k; ++j) {
      ids.push_back(all[j].second);
      dist.push_back(all[j].first);
    }
  }
}

/// Random data with duplicated rows and integer coordinates (many exact ties).
Dense tricky_data(Index n, Index d, std::uint64_t seed, bool integers) {
  dnmf::Rng rng(seed);
  Dense x(n, d);
  for (Index i = 0; i < n; ++i)
    for (Index f = 0; f < d; ++f) x(i, f) = integers ? static_cast<double>(rng.below(3)) : rng.uniform();
  for (Index i = 0; i + 7 < n; i += 7) x.row(i + 3) = x.row(i);  // exact duplicates
  return x;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(knn_search)

BOOST_AUTO_TEST_CASE(both_methods_equal_naive_search) {
  for (Index d : {1, 3, 16, 100}) {
    for (bool integers : {false, true}) {
      const Dense x = tricky_data(150, d, static_cast<std::uint64_t>(d) + integers, integers);
      const int k = 6;
      std::vector<std::int32_t> ids;
      std::vector<double> dist;
      naive_knn(x, k, ids, dist);
      for (auto method : {dnmf::KnnMethod::kd_tree, dnmf::KnnMethod::brute_force}) {
        for (bool sparse : {false, true}) {
          const DataMatrix data = sparse ? DataMatrix(Csr::from_dense(x)) : DataMatrix(x);
          const auto r = dnmf::knn(data, {k, method});
          BOOST_TEST_CONTEXT("d=" << d << " integers=" << integers << " method=" << dnmf::to_string(method)
                                  << " sparse=" << sparse) {
            BOOST_TEST(r.indices == ids);
            BOOST_TEST(r.squared_distances == dist);
          }
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(very_sparse_input_uses_the_inverted_index_exactly) {
  // Under 1 % stored entries: the brute force goes through the inverted index.
  dnmf::Rng rng(21);
  Dense x = Dense::Zero(300, 500);
  for (Index i = 0; i < 300; ++i)
    for (int e = 0; e < 3; ++e)
      x(i, static_cast<Index>(rng.below(500))) = static_cast<double>(1 + rng.below(2));
  for (Index i = 0; i + 5 < 300; i += 5) x.row(i + 2) = x.row(i);  // duplicates and many ties
  std::vector<std::int32_t> ids;
  std::vector<double> dist;
  naive_knn(x, 4, ids, dist);
  const auto r = dnmf::knn(DataMatrix(Csr::from_dense(x)), {4, dnmf::KnnMethod::brute_force});
  BOOST_TEST(r.indices == ids);
  BOOST_TEST(r.squared_distances == dist);
}

BOOST_AUTO_TEST_CASE(moderately_sparse_input_uses_sparse_tiles_exactly) {
  // 1–30 % stored entries and d > 32: tiles are sparse rows against dense blocks. 600
  // points give full and partial 256-point tiles; integer values make exact ties.
  for (bool integers : {false, true}) {
    dnmf::Rng rng(23 + static_cast<std::uint64_t>(integers));
    Dense x = Dense::Zero(600, 90);
    for (Index i = 0; i < 600; ++i)
      for (int e = 0; e < 14; ++e)
        x(i, static_cast<Index>(rng.below(90))) =
            integers ? static_cast<double>(1 + rng.below(2)) : rng.uniform();
    for (Index i = 0; i + 9 < 600; i += 9) x.row(i + 4) = x.row(i);  // exact duplicates
    std::vector<std::int32_t> ids;
    std::vector<double> dist;
    naive_knn(x, 5, ids, dist);
    omp_set_num_threads(1);
    const auto one = dnmf::knn(DataMatrix(Csr::from_dense(x)), {5, dnmf::KnnMethod::brute_force});
    omp_set_num_threads(2);
    const auto two = dnmf::knn(DataMatrix(Csr::from_dense(x)), {5, dnmf::KnnMethod::brute_force});
    BOOST_TEST(one.indices == ids);
    BOOST_TEST(one.squared_distances == dist);
    BOOST_TEST(two.indices == ids);
  }
}

BOOST_AUTO_TEST_CASE(large_enough_to_tile_and_thread_independent) {
  // 5000 points span several query and point tiles of the brute-force path.
  dnmf::Rng rng(7);
  const Dense x = rng.uniform_matrix(5000, 20);
  omp_set_num_threads(1);
  const auto one = dnmf::knn(DataMatrix(x), {5, dnmf::KnnMethod::brute_force});
  omp_set_num_threads(2);
  const auto two = dnmf::knn(DataMatrix(x), {5, dnmf::KnnMethod::brute_force});
  const auto tree = dnmf::knn(DataMatrix(x), {5, dnmf::KnnMethod::kd_tree});
  BOOST_TEST(one.indices == two.indices);
  BOOST_TEST(one.indices == tree.indices);
  BOOST_TEST(one.squared_distances == tree.squared_distances);
}

BOOST_AUTO_TEST_CASE(automatic_choice_and_validation) {
  BOOST_TEST((dnmf::choose_knn_method(1000, 3, false) == dnmf::KnnMethod::kd_tree));
  BOOST_TEST((dnmf::choose_knn_method(1000, 784, false) == dnmf::KnnMethod::brute_force));
  BOOST_TEST((dnmf::choose_knn_method(100000, 8, false) == dnmf::KnnMethod::kd_tree));
  BOOST_TEST((dnmf::choose_knn_method(100000, 33, true) == dnmf::KnnMethod::brute_force));
  BOOST_TEST((dnmf::choose_knn_method(100000, 20, false) == dnmf::KnnMethod::automatic));
  {
    // Between the bands the timing probe decides; either way the answer is exact and
    // the method reported is a concrete one. Sparse input is densified here (d <= 32).
    const Dense y = tricky_data(3000, 20, 9, false);
    std::vector<std::int32_t> ids;
    std::vector<double> dist;
    naive_knn(y, 4, ids, dist);
    for (bool sparse : {false, true}) {
      const auto r =
          dnmf::knn(sparse ? DataMatrix(Csr::from_dense(y)) : DataMatrix(y), {4, dnmf::KnnMethod::automatic});
      BOOST_TEST(
          (r.method_used == dnmf::KnnMethod::kd_tree || r.method_used == dnmf::KnnMethod::brute_force));
      BOOST_TEST(r.indices == ids);
      BOOST_TEST(r.squared_distances == dist);
    }
  }
  const Dense x = Dense::Ones(5, 2);
  try {
    dnmf::knn(DataMatrix(x), {5, dnmf::KnnMethod::automatic});
    BOOST_FAIL("k = n accepted");
  } catch (const dnmf::InvalidOption& e) {
    BOOST_TEST(std::string(e.what()).find("n_neighbors = 5") != std::string::npos);
  }
  BOOST_CHECK_THROW(dnmf::parse_knn_method("fast"), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(affinity)

BOOST_AUTO_TEST_CASE(heat_kernel_symmetrised_without_self_loops) {
  dnmf::Rng rng(3);
  const Dense x = rng.uniform_matrix(80, 4);
  dnmf::AffinityOptions opt;
  opt.n_neighbors = 5;
  opt.sigma = 0.7;
  opt.symmetrize = dnmf::Symmetrization::none;
  const Csr directed = dnmf::affinity_graph(DataMatrix(x), opt);
  BOOST_TEST(directed.nnz() == 80 * 5);
  const Dense s = directed.to_dense();
  for (Index i = 0; i < 80; ++i) {
    BOOST_TEST(s(i, i) == 0.0);
    for (Index j = 0; j < 80; ++j)
      if (s(i, j) != 0.0)
        BOOST_TEST(s(i, j) == std::exp(-(x.row(i) - x.row(j)).squaredNorm() / 0.49), tt::tolerance(1e-12));
  }
  for (auto how : {dnmf::Symmetrization::max, dnmf::Symmetrization::mean, dnmf::Symmetrization::mutual}) {
    opt.symmetrize = how;
    const Csr sym = dnmf::affinity_graph(DataMatrix(x), opt);
    const Dense d = sym.to_dense();
    Dense expected =
        how == dnmf::Symmetrization::max ? Dense(s.cwiseMax(s.transpose()))
        : how == dnmf::Symmetrization::mean
            ? Dense((s + s.transpose()) / 2)
            : Dense(((s.array() > 0) && (s.transpose().array() > 0)).select(s.cwiseMin(s.transpose()), 0.0));
    BOOST_TEST(sym.is_symmetric());
    BOOST_TEST((d - expected).norm() <= 1e-14);
    BOOST_TEST(d.diagonal().norm() == 0.0);
  }
}

BOOST_AUTO_TEST_CASE(default_neighbours_and_sigma) {
  dnmf::AffinityOptions opt;
  BOOST_TEST(opt.resolved_neighbors(1000) == 7);  // ⌊ln 1000⌋ + 1 = 6 + 1
  BOOST_TEST(opt.resolved_neighbors(150) == 6);
  // Binary weights are all ones; self-tuning weights lie in (0, 1].
  dnmf::Rng rng(4);
  const Dense x = rng.uniform_matrix(60, 3);
  opt.weights = dnmf::AffinityWeights::binary;
  const Csr b = dnmf::affinity_graph(DataMatrix(x), opt);
  BOOST_TEST(b.min_value() == 1.0);
  BOOST_TEST(b.max_value() == 1.0);
  opt.weights = dnmf::AffinityWeights::self_tuning;
  const Csr st = dnmf::affinity_graph(DataMatrix(x), opt);
  BOOST_TEST(st.min_value() > 0.0);
  BOOST_TEST(st.max_value() <= 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(laplacian)

BOOST_AUTO_TEST_CASE(laplacian_identities_equal_dense) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    dnmf::Rng rng(seed);
    const Dense x = rng.uniform_matrix(60, 3);
    dnmf::AffinityOptions opt;
    opt.n_neighbors = 4;
    const Csr s = dnmf::affinity_graph(DataMatrix(x), opt);
    const Dense sd = s.to_dense();
    const dnmf::Vector deg = dnmf::degrees(s);
    const Dense l = dnmf::laplacian(s).to_dense();
    const Dense ld = Dense(deg.asDiagonal()) - sd;
    BOOST_TEST((l - ld).norm() <= 1e-14 * ld.norm());
    BOOST_TEST(l.rowwise().sum().cwiseAbs().maxCoeff() < 1e-14);  // rows sum to zero
    const dnmf::Vector v = rng.uniform_matrix(60, 1).col(0);
    double pairs = 0;
    for (Index i = 0; i < 60; ++i)
      for (Index j = 0; j < 60; ++j) pairs += sd(i, j) * (v(i) - v(j)) * (v(i) - v(j));
    BOOST_TEST(v.dot(l * v) == 0.5 * pairs, tt::tolerance(1e-10));
    const Dense m = rng.uniform_matrix(60, 3);
    Dense lm;
    dnmf::laplacian_times(s, deg, m, lm);
    BOOST_TEST((lm - ld * m).norm() <= 1e-10 * (ld * m).norm());
    const Dense q = dnmf::laplacian_quadratic(s, deg, m);
    BOOST_TEST((q - m.transpose() * ld * m).norm() <= 1e-10 * (m.transpose() * ld * m).norm());
    // Normalised Laplacian: I − D^{-1/2} S D^{-1/2}.
    const dnmf::Vector isd = deg.cwiseSqrt().cwiseInverse();
    const Dense ln = Dense::Identity(60, 60) - isd.asDiagonal() * sd * isd.asDiagonal();
    BOOST_TEST((dnmf::normalized_laplacian(s).to_dense() - ln).norm() <= 1e-13);
  }
}

BOOST_AUTO_TEST_CASE(isolated_nodes_and_shape_errors) {
  const Csr s = Csr::from_triplets(3, 3, {{0, 1, 2.0}, {1, 0, 2.0}});  // node 2 isolated
  const Dense ln = dnmf::normalized_laplacian(s).to_dense();
  BOOST_TEST(ln(2, 2) == 1.0);
  BOOST_TEST(ln(0, 1) == -1.0, tt::tolerance(1e-15));  // −2/(√2·√2), rounded
  BOOST_CHECK_THROW(dnmf::laplacian(Csr(2, 3)), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()
