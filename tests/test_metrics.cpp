// Clustering metrics: hand-computed cases, invariances and the Hungarian solver
// against brute force.
#define BOOST_TEST_MODULE metrics
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <numeric>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/hungarian.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace tt = boost::test_tools;
using V = std::vector<int>;

BOOST_AUTO_TEST_SUITE(hand_computed)

BOOST_AUTO_TEST_CASE(split_cluster) {
  // truth {0,0,1,1}, pred {0,0,1,2}: H(t) = ln 2, H(p) = 1.5 ln 2, I = ln 2
  // ⇒ NMI_arith = 2·ln2/(2.5 ln2) = 0.8, NMI_max = 1/1.5, NMI_geo = 1/sqrt(1.5).
  // ARI: index = C(2,2) = 1, Σ classes = 2, Σ clusters = 1, expected = 2·1/6 = 1/3,
  // max = 1.5 ⇒ (1 − 1/3)/(1.5 − 1/3) = 4/7. ACC: clusters 0→0, 1→1, cluster 2 unmatched ⇒ 3/4.
  const V t{0, 0, 1, 1}, p{0, 0, 1, 2};
  BOOST_TEST(dnmf::nmi(t, p) == 0.8, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, dnmf::NmiNormalization::max) == 1.0 / 1.5, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, dnmf::NmiNormalization::geometric) == 1.0 / std::sqrt(1.5),
             tt::tolerance(1e-14));
  BOOST_TEST(dnmf::ari(t, p) == 4.0 / 7.0, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::acc(t, p) == 0.75);
  BOOST_TEST(dnmf::purity(t, p) == 1.0);
}

BOOST_AUTO_TEST_CASE(six_points) {
  // truth {0,0,0,1,1,1}, pred {0,0,1,1,2,2}. Contingency [[2,1,0],[0,1,2]].
  // ARI: index = 1 + 1 = 2; Σ classes = 3 + 3 = 6; Σ clusters = 1+1+1 = 3; C(6,2) = 15;
  // expected = 18/15 = 1.2; max = 4.5 ⇒ (2 − 1.2)/(4.5 − 1.2) = 0.8/3.3.
  // Cluster sizes 2,2,2: MI = 2·(2/6)ln(6·2/(3·2)) + 2·(1/6)ln(6·1/(3·2)) = (2/3) ln 2;
  // H(t) = ln 2; H(p) = ln 3.
  // ACC: best one-to-one = 2 + 2 = 4 of 6. Purity = (2 + 1 + 2)/6.
  const V t{0, 0, 0, 1, 1, 1}, p{0, 0, 1, 1, 2, 2};
  const double mi = 2.0 / 3.0 * std::log(2.0);
  BOOST_TEST(dnmf::nmi(t, p) == 2 * mi / (std::log(2.0) + std::log(3.0)), tt::tolerance(1e-13));
  BOOST_TEST(dnmf::ari(t, p) == 0.8 / 3.3, tt::tolerance(1e-13));
  BOOST_TEST(dnmf::acc(t, p) == 4.0 / 6.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::purity(t, p) == 5.0 / 6.0, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(purity_is_not_acc) {
  // Two clusters both dominated by class 0: purity maps both to 0, ACC may not.
  const V t{0, 0, 0, 0, 1, 1}, p{0, 0, 0, 1, 1, 1};
  BOOST_TEST(dnmf::purity(t, p) == 5.0 / 6.0, tt::tolerance(1e-15));  // clusters: {0,0,0}→0, {0,1,1}→1
  const V t2{0, 0, 0, 0, 0, 1}, p2{0, 0, 0, 1, 1, 1};
  BOOST_TEST(dnmf::purity(t2, p2) == 5.0 / 6.0, tt::tolerance(1e-15));  // both clusters → class 0
  BOOST_TEST(dnmf::acc(t2, p2) == 4.0 / 6.0, tt::tolerance(1e-15));     // one-to-one: 3 + 1
}

BOOST_AUTO_TEST_CASE(single_clusters_and_perfect_matches) {
  const V one(10, 4), t{0, 0, 1, 1, 2, 2, 3, 3, 3, 3};
  BOOST_TEST(dnmf::nmi(one, one) == 1.0);
  BOOST_TEST(dnmf::ari(one, one) == 1.0);
  BOOST_TEST(dnmf::nmi(t, one) == 0.0);  // scikit-learn convention
  BOOST_TEST(dnmf::ari(t, one) == 0.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, one) == 0.4, tt::tolerance(1e-15));  // the one cluster matches class 3 (4 points)
  BOOST_TEST(dnmf::purity(t, one) == 0.4, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::nmi(t, t) == 1.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::ari(t, t) == 1.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, t) == 1.0);
  const V singletons{0, 1, 2, 3};
  BOOST_TEST(dnmf::ari(singletons, singletons) == 1.0);
}

BOOST_AUTO_TEST_CASE(errors) {
  BOOST_CHECK_THROW(dnmf::evaluate({0, 1}, {0}), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::evaluate({}, {}), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(properties)

V random_labels(int n, int k, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  V out(n);
  for (int& x : out) x = static_cast<int>(rng.below(k));
  return out;
}

BOOST_AUTO_TEST_CASE(relabelling_and_symmetry) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const V t = random_labels(300, 4, seed);
    V p = t;
    dnmf::Rng rng(seed + 10);
    for (int& x : p)
      if (rng.uniform() < 0.3) x = static_cast<int>(rng.below(5));
    // Arbitrary label values: a permutation plus an offset, negative included.
    V q(p.size());
    const int perm[5] = {42, -1, 7, 1000, 3};
    std::transform(p.begin(), p.end(), q.begin(), [&](int x) { return perm[x]; });
    const auto a = dnmf::evaluate(t, p), b = dnmf::evaluate(t, q);
    BOOST_TEST(a.nmi == b.nmi, tt::tolerance(1e-14));
    BOOST_TEST(a.ari == b.ari, tt::tolerance(1e-14));
    BOOST_TEST(a.acc == b.acc, tt::tolerance(1e-14));
    BOOST_TEST(a.purity == b.purity, tt::tolerance(1e-14));
    BOOST_TEST(dnmf::nmi(t, p) == dnmf::nmi(p, t), tt::tolerance(1e-14));
    BOOST_TEST(dnmf::ari(t, p) == dnmf::ari(p, t), tt::tolerance(1e-14));
    // Normalisations order: max ≥ arithmetic ≥ geometric for the denominators, so
    // NMI_max ≤ NMI_arith ≤ NMI_geo.
    BOOST_TEST(dnmf::nmi(t, p, dnmf::NmiNormalization::max) <= dnmf::nmi(t, p) + 1e-15);
    BOOST_TEST(dnmf::nmi(t, p) <= dnmf::nmi(t, p, dnmf::NmiNormalization::geometric) + 1e-15);
    BOOST_TEST(a.acc <= a.purity + 1e-15);  // one-to-one can only match fewer than many-to-one
  }
}

BOOST_AUTO_TEST_CASE(independent_labelings_score_near_zero) {
  const V t = random_labels(20000, 5, 1), p = random_labels(20000, 5, 2);
  // E[ARI] = 0 with s.d. ~ 1/n scale; NMI of independent labels ~ (k−1)²/(2n ln k) ≈ 5e-4.
  BOOST_TEST(std::abs(dnmf::ari(t, p)) < 0.01);
  BOOST_TEST(dnmf::nmi(t, p) < 0.01);
}

BOOST_AUTO_TEST_CASE(hungarian_equals_brute_force) {
  for (int n = 1; n <= 7; ++n) {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
      dnmf::Rng rng(seed * 100 + n);
      dnmf::Dense cost = rng.uniform_matrix(n, n, 10.0);
      if (seed == 4) cost = cost.array().round();  // ties
      const auto a = dnmf::min_cost_assignment(cost);
      double got = 0;
      std::vector<int> used(n, 0);
      for (int i = 0; i < n; ++i) {
        BOOST_REQUIRE(a[i] >= 0);
        got += cost(i, a[i]);
        used[a[i]]++;
      }
      BOOST_TEST(*std::max_element(used.begin(), used.end()) == 1);
      std::vector<int> perm(n);
      std::iota(perm.begin(), perm.end(), 0);
      double best = 1e300;
      do {
        double s = 0;
        for (int i = 0; i < n; ++i) s += cost(i, perm[i]);
        best = std::min(best, s);
      } while (std::next_permutation(perm.begin(), perm.end()));
      BOOST_TEST(got == best, tt::tolerance(1e-12));
    }
  }
}

BOOST_AUTO_TEST_CASE(hungarian_rectangular) {
  dnmf::Rng rng(5);
  for (auto [r, c] : {std::pair{2, 5}, std::pair{5, 2}, std::pair{3, 4}}) {
    const dnmf::Dense cost = rng.uniform_matrix(r, c);
    const auto a = dnmf::min_cost_assignment(cost);
    BOOST_TEST(a.size() == static_cast<size_t>(r));
    const int assigned = static_cast<int>(std::count_if(a.begin(), a.end(), [](int x) { return x >= 0; }));
    BOOST_TEST(assigned == std::min(r, c));
    // Brute force over injective maps from the smaller side.
    double got = 0;
    for (int i = 0; i < r; ++i)
      if (a[i] >= 0) got += cost(i, a[i]);
    double best = 1e300;
    const int big = std::max(r, c);
    std::vector<int> perm(big);
    std::iota(perm.begin(), perm.end(), 0);
    do {
      double s = 0;
      for (int i = 0; i < std::min(r, c); ++i) s += r <= c ? cost(i, perm[i]) : cost(perm[i], i);
      best = std::min(best, s);
    } while (std::next_permutation(perm.begin(), perm.end()));
    BOOST_TEST(got == best, tt::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_SUITE_END()
