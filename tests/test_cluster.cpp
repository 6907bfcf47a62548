// k-means: recovery of separated blobs, determinism, restarts, edge cases.
#define BOOST_TEST_MODULE cluster
#include <boost/test/unit_test.hpp>

#include <omp.h>

#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/metrics.hpp"

using dnmf::Dense;

namespace {

/// k Gaussian blobs (s.d. 0.1) around centres 10 units apart in d dimensions.
Dense blobs(int k, int per_blob, int d, std::uint64_t seed, std::vector<int>& truth) {
  dnmf::Rng rng(seed);
  Dense x(k * per_blob, d);
  truth.clear();
  for (int c = 0; c < k; ++c)
    for (int i = 0; i < per_blob; ++i) {
      for (int j = 0; j < d; ++j)
        x(c * per_blob + i, j) = (j == c % d ? 10.0 * (1 + c / d) : 0.0) + 0.1 * rng.normal();
      truth.push_back(c);
    }
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(recovers_separated_blobs) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    std::vector<int> truth;
    const Dense x = blobs(6, 40, 4, seed, truth);
    dnmf::KMeansOptions opt;
    opt.n_clusters = 6;
    opt.seed = seed;
    const auto r = dnmf::kmeans(x, opt);
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(dnmf::ari(truth, r.labels) == 1.0);
    }
    // Inertia is the exact sum of squared distances to the assigned centres.
    double inertia = 0;
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      inertia += (x.row(i) - r.centers.row(r.labels[i])).squaredNorm();
    BOOST_TEST(r.inertia == inertia, boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(more_restarts_never_worse) {
  dnmf::Rng rng(3);
  const Dense x = rng.uniform_matrix(300, 3);  // no structure: many local minima
  dnmf::KMeansOptions one;
  one.n_clusters = 8;
  one.n_init = 1;
  one.seed = 11;
  dnmf::KMeansOptions ten = one;
  ten.n_init = 10;
  // The first restart of `ten` is the same run as `one` (same seed stream), and the
  // best of ten is kept.
  BOOST_TEST(dnmf::kmeans(x, ten).inertia <= dnmf::kmeans(x, one).inertia);
}

BOOST_AUTO_TEST_CASE(deterministic_for_seed_and_threads) {
  dnmf::Rng rng(4);
  const Dense x = rng.uniform_matrix(2000, 5);
  dnmf::KMeansOptions opt;
  opt.n_clusters = 7;
  opt.seed = 5;
  omp_set_num_threads(1);
  const auto a = dnmf::kmeans(x, opt);
  omp_set_num_threads(2);
  const auto b = dnmf::kmeans(x, opt);
  BOOST_TEST(a.labels == b.labels);
  BOOST_CHECK(a.centers == b.centers);
  BOOST_TEST(a.inertia == b.inertia);
  opt.seed = 6;
  const auto c = dnmf::kmeans(x, opt);
  BOOST_TEST(c.inertia != a.inertia);  // a different seed explores a different start
}

BOOST_AUTO_TEST_CASE(edge_cases) {
  dnmf::Rng rng(8);
  const Dense x = rng.uniform_matrix(12, 2);
  dnmf::KMeansOptions opt;
  opt.n_clusters = 12;  // k = n: every point its own centre
  BOOST_TEST(dnmf::kmeans(x, opt).inertia == 0.0);
  // Fewer distinct points than clusters: empty clusters must be repaired, not crash.
  Dense dup(10, 2);
  for (int i = 0; i < 10; ++i)
    dup.row(i) = (i % 2 == 0) ? Eigen::RowVector2d(0, 0) : Eigen::RowVector2d(1, 1);
  opt.n_clusters = 4;
  const auto r = dnmf::kmeans(dup, opt);
  BOOST_TEST(r.inertia == 0.0);
  BOOST_TEST(r.labels.size() == 10u);
  opt.n_clusters = 1;
  const auto one = dnmf::kmeans(x, opt);
  BOOST_CHECK((one.centers.row(0) - x.colwise().mean()).norm() < 1e-12);
}

BOOST_AUTO_TEST_CASE(invalid_options_name_the_field) {
  const Dense x = Dense::Ones(3, 2);
  dnmf::KMeansOptions opt;
  opt.n_clusters = 5;
  try {
    dnmf::kmeans(x, opt);
    BOOST_FAIL("k > n accepted");
  } catch (const dnmf::InvalidOption& e) {
    BOOST_TEST(std::string(e.what()).find("n_clusters = 5") != std::string::npos);
  }
  opt.n_clusters = 2;
  opt.n_init = 0;
  BOOST_CHECK_THROW(dnmf::kmeans(x, opt), dnmf::InvalidOption);
  Dense bad = x;
  bad(0, 0) = std::nan("");
  opt.n_init = 1;
  BOOST_CHECK_THROW(dnmf::kmeans(bad, opt), dnmf::InputError);
}
