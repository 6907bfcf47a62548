// k-means: recovery of separated blobs, Lloyd fixed point, restarts, determinism
// (seed and thread count), the tolerance rule, degenerate inputs, option validation.
#define BOOST_TEST_MODULE cluster
#include <boost/test/unit_test.hpp>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace tt = boost::test_tools;
using dnmf::Dense;

namespace {

/// k Gaussian blobs (s.d. 0.1 per coordinate) of the given sizes around centres at
/// least 10 apart: centre c is 10·(1 + c/d) on axis c mod d. Nearest-centre distance
/// ≥ 10 = 100 s.d., so the true partition is the only sensible k-means optimum.
Dense blobs(const std::vector<int>& sizes, int d, std::uint64_t seed, std::vector<int>& truth) {
  dnmf::Rng rng(seed);
  int n = 0;
  for (const int s : sizes) n += s;
  Dense x(n, d);
  truth.clear();
  int row = 0;
  for (int c = 0; c < static_cast<int>(sizes.size()); ++c)
    for (int i = 0; i < sizes[static_cast<size_t>(c)]; ++i, ++row) {
      for (int j = 0; j < d; ++j) x(row, j) = (j == c % d ? 10.0 * (1 + c / d) : 0.0) + 0.1 * rng.normal();
      truth.push_back(c);
    }
  return x;
}

/// Σ‖x_i − c_{label(i)}‖² the obvious way.
double inertia(const Dense& x, const dnmf::KMeansResult& r) {
  double s = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) s += (x.row(i) - r.centers.row(r.labels[i])).squaredNorm();
  return s;
}

/// Runs f expecting InvalidOption whose message contains every fragment.
template <class F>
void expect_invalid(F f, const std::vector<std::string>& fragments) {
  try {
    f();
    BOOST_FAIL("accepted: " << fragments.front());
  } catch (const dnmf::InvalidOption& e) {
    const std::string what = e.what();
    for (const auto& fragment : fragments) BOOST_TEST(what.find(fragment) != std::string::npos, what);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kmeans)

BOOST_AUTO_TEST_CASE(recovers_separated_blobs) {
  // Balanced and unbalanced blobs; n = 1505 spans several 256-point blocks, the last
  // one partial. The inertia is compared with the direct sum: same terms, other
  // summation order, so a relative 1e-12 covers the rounding.
  const std::vector<std::vector<int>> layouts = {{40, 40, 40, 40, 40, 40}, {1000, 300, 150, 50, 5}};
  for (const auto& sizes : layouts) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      BOOST_TEST_CONTEXT("k " << sizes.size() << " seed " << seed) {
        std::vector<int> truth;
        const Dense x = blobs(sizes, 4, seed, truth);
        dnmf::KMeansOptions opt;
        opt.n_clusters = static_cast<int>(sizes.size());
        opt.seed = seed;
        const auto r = dnmf::kmeans(x, opt);
        BOOST_TEST(dnmf::ari(truth, r.labels) == 1.0);
        BOOST_TEST(r.inertia == inertia(x, r), tt::tolerance(1e-12));
        BOOST_TEST(r.iterations >= 1);
        BOOST_TEST(r.iterations <= opt.max_iterations);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(converged_result_is_a_lloyd_fixed_point) {
  // With tolerance 0, Lloyd stops only when the centres no longer move, so (a) every
  // centre is the mean of its points and (b) every point is with its nearest centre.
  // (a) holds to rounding of a mean (1e-12 on data in [0,1)); (b) up to the error of
  // the distance expansion used for assignment (~1e-15 here; slack 1e-12).
  dnmf::Rng rng(7);
  const Dense x = rng.uniform_matrix(700, 3);
  dnmf::KMeansOptions opt;
  opt.n_clusters = 6;
  opt.n_init = 3;
  opt.tolerance = 0;
  opt.max_iterations = 10000;
  opt.seed = 2;
  const auto r = dnmf::kmeans(x, opt);
  BOOST_TEST(r.iterations < opt.max_iterations);
  BOOST_TEST(r.labels.size() == 700u);
  for (int c = 0; c < 6; ++c) {
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(3);
    int count = 0;
    for (int i = 0; i < 700; ++i)
      if (r.labels[static_cast<size_t>(i)] == c) sum += x.row(i), ++count;
    BOOST_TEST_CONTEXT("cluster " << c) {
      BOOST_REQUIRE(count > 0);
      BOOST_TEST((r.centers.row(c) - sum / count).norm() < 1e-12);
    }
  }
  for (int i = 0; i < 700; ++i) {
    const double own = (x.row(i) - r.centers.row(r.labels[static_cast<size_t>(i)])).squaredNorm();
    const double nearest = (r.centers.rowwise() - x.row(i)).rowwise().squaredNorm().minCoeff();
    BOOST_TEST(own <= nearest + 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(more_restarts_never_worse) {
  // The restarts share one random stream, so the first of ten restarts is the run of
  // n_init = 1 with the same seed; the best of ten is kept. Unstructured data have many
  // local minima, so restarts usually help strictly.
  dnmf::Rng rng(3);
  const Dense x = rng.uniform_matrix(300, 3);
  int strictly_better = 0;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    dnmf::KMeansOptions one;
    one.n_clusters = 8;
    one.n_init = 1;
    one.seed = seed;
    dnmf::KMeansOptions ten = one;
    ten.n_init = 10;
    const double best = dnmf::kmeans(x, ten).inertia, first = dnmf::kmeans(x, one).inertia;
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(best <= first);
    }
    strictly_better += best < first;
  }
  BOOST_TEST(strictly_better >= 1);  // the restarts do run (measured: most seeds improve)
}

BOOST_AUTO_TEST_CASE(same_seed_same_result) {
  dnmf::Rng rng(4);
  const Dense x = rng.uniform_matrix(2000, 5);
  dnmf::KMeansOptions opt;
  opt.n_clusters = 7;
  opt.n_init = 3;
  opt.seed = 5;
  const auto a = dnmf::kmeans(x, opt), b = dnmf::kmeans(x, opt);
  BOOST_TEST(a.labels == b.labels);
  BOOST_CHECK(a.centers == b.centers);  // bitwise
  BOOST_TEST(a.inertia == b.inertia);
  BOOST_TEST(a.iterations == b.iterations);
  opt.seed = 6;
  BOOST_TEST(dnmf::kmeans(x, opt).inertia != a.inertia);  // another seed, another start
}

BOOST_AUTO_TEST_CASE(independent_of_thread_count) {
  // Large enough that every kernel takes its parallel branch (n ≈ 20,000 points are
  // 79 blocks; n·k·d and n·d exceed the threshold), and 3 threads split unevenly.
  // Results must be bitwise identical. Several data sets: a thread-dependent summation
  // order shows in the last bits of the inertia for most of them, not for all (a
  // mutated inertia reduction differed on 18 of 20 seeds).
  const int saved = omp_get_max_threads();
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    dnmf::Rng rng(seed);
    const Dense x = rng.uniform_matrix(20000 + 37 * static_cast<int>(seed), 8);
    dnmf::KMeansOptions opt;
    opt.n_clusters = 7;
    opt.n_init = 2;
    opt.max_iterations = 40;
    opt.seed = seed;
    omp_set_num_threads(1);
    const auto serial = dnmf::kmeans(x, opt);
    for (const int threads : {2, 3}) {
      omp_set_num_threads(threads);
      const auto r = dnmf::kmeans(x, opt);
      BOOST_TEST_CONTEXT("seed " << seed << ", " << threads << " threads") {
        BOOST_TEST(r.labels == serial.labels);
        BOOST_CHECK(r.centers == serial.centers);
        BOOST_TEST(r.inertia == serial.inertia);
        BOOST_TEST(r.iterations == serial.iterations);
      }
    }
  }
  omp_set_num_threads(saved);
}

BOOST_AUTO_TEST_CASE(tolerance_is_relative_to_the_data_variance) {
  // The stopping rule compares the centre shift with tol · (mean feature variance), so
  // rescaling the data must not change the run. A power-of-two scale makes every
  // floating-point operation scale exactly: identical labels and iteration count.
  dnmf::Rng rng(12);
  const Dense x = rng.uniform_matrix(1000, 4);
  dnmf::KMeansOptions opt;
  opt.n_clusters = 5;
  opt.n_init = 2;
  opt.seed = 3;
  opt.tolerance = 1e-3;
  const auto a = dnmf::kmeans(x, opt), b = dnmf::kmeans(1024.0 * x, opt);
  BOOST_TEST(a.labels == b.labels);
  BOOST_TEST(a.iterations == b.iterations);
  BOOST_CHECK(1024.0 * a.centers == b.centers);
  // A huge tolerance stops after the first update; max_iterations caps the count.
  opt.tolerance = 1e9;
  BOOST_TEST(dnmf::kmeans(x, opt).iterations == 1);
  opt.tolerance = 0;
  opt.max_iterations = 2;
  BOOST_TEST(dnmf::kmeans(x, opt).iterations == 2);
}

BOOST_AUTO_TEST_CASE(degenerate_inputs) {
  dnmf::Rng rng(8);
  const Dense x = rng.uniform_matrix(12, 2);
  dnmf::KMeansOptions opt;
  // k = n: k-means++ puts a centre on every point (D² > 0 elsewhere): inertia 0 and
  // every label distinct.
  opt.n_clusters = 12;
  const auto all = dnmf::kmeans(x, opt);
  BOOST_TEST(all.inertia == 0.0);
  BOOST_TEST(std::set<int>(all.labels.begin(), all.labels.end()).size() == 12u);
  // k = 1: the centre is the mean, the inertia the total sum of squares (1e-12:
  // different summation orders of O(1) numbers).
  opt.n_clusters = 1;
  const auto one = dnmf::kmeans(x, opt);
  BOOST_TEST((one.centers.row(0) - x.colwise().mean()).norm() < 1e-12);
  BOOST_TEST(one.inertia == (x.rowwise() - x.colwise().mean()).squaredNorm(), tt::tolerance(1e-12));
  // Two distinct points repeated, k = 4: k-means++ must pick duplicates, Lloyd then
  // leaves clusters empty and has to repair them: every centre must end on a data
  // point (an unrepaired empty cluster would keep a zero or NaN centre).
  Dense dup(10, 2);
  for (int i = 0; i < 10; ++i)
    dup.row(i) = (i % 2 == 0) ? Eigen::RowVector2d(1, 1) : Eigen::RowVector2d(2, 2);
  opt.n_clusters = 4;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    opt.seed = seed;
    const auto r = dnmf::kmeans(dup, opt);
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(r.inertia == 0.0);
      BOOST_TEST(r.labels.size() == 10u);
      BOOST_TEST(std::all_of(r.labels.begin(), r.labels.end(), [](int l) { return l >= 0 && l < 4; }));
      for (int c = 0; c < 4; ++c)
        BOOST_TEST((r.centers.row(c) == dup.row(0) || r.centers.row(c) == dup.row(1)), "centre " << c);
    }
  }
  opt.seed = 0;
  // All points identical (zero variance, so tolerance 0): 3 clusters, inertia 0.
  opt.n_clusters = 3;
  const auto same = dnmf::kmeans(Dense::Constant(7, 3, 2.5), opt);
  BOOST_TEST(same.inertia == 0.0);
  BOOST_CHECK((same.centers.array() == 2.5).all());
  // A single point.
  opt.n_clusters = 1;
  BOOST_TEST(dnmf::kmeans(Dense::Constant(1, 4, -1.0), opt).labels == std::vector<int>{0});
}

BOOST_AUTO_TEST_CASE(invalid_options_name_the_field) {
  const Dense x = Dense::Ones(3, 2);
  auto run = [&](dnmf::KMeansOptions opt) { return [&x, opt] { dnmf::kmeans(x, opt); }; };
  dnmf::KMeansOptions opt;
  opt.n_clusters = 5;
  expect_invalid(run(opt), {"n_clusters = 5 must satisfy 1 <= n_clusters <= n_points = 3"});
  opt.n_clusters = 0;
  expect_invalid(run(opt), {"n_clusters = 0", "1 <= n_clusters"});
  opt.n_clusters = 2;
  opt.n_init = 0;
  expect_invalid(run(opt), {"n_init = 0", ">= 1"});
  opt.n_init = 1;
  opt.max_iterations = 0;
  expect_invalid(run(opt), {"max_iterations = 0", ">= 1"});
  opt.max_iterations = 300;
  opt.tolerance = -1;
  expect_invalid(run(opt), {"tolerance", ">= 0"});
  opt.tolerance = std::nan("");
  expect_invalid(run(opt), {"tolerance", ">= 0"});
  // validate() is callable on its own (the CLI checks options before a long fit).
  opt.tolerance = 1e-4;
  BOOST_CHECK_NO_THROW(opt.validate(3));
  BOOST_CHECK_THROW(opt.validate(1), dnmf::InvalidOption);
  // Non-finite data are an input error naming the entry.
  for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    Dense y = x;
    y(2, 1) = bad;
    try {
      dnmf::kmeans(y, opt);
      BOOST_FAIL("non-finite point accepted");
    } catch (const dnmf::InputError& e) {
      const std::string what = e.what();
      BOOST_TEST(what.find("points(2, 1)") != std::string::npos, what);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
