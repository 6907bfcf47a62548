// Clustering metrics: hand-computed cases, invariances, degenerate partitions, and the
// Hungarian solver against brute force.
//
// Expected values below were worked by hand (shown in the comments) and cross-checked
// with an independent Python script that counts pairs by enumeration and tries every
// injective cluster→class map; they follow scikit-learn's conventions (natural logs,
// NMI = 1 for two single-cluster labelings, 0 when exactly one is single-cluster).
// Tolerances: 1e-14 where our code and the hand formula take logarithms of the same
// ratios in a different order (a few ulps of values ≤ 1); exact where both sides are
// ratios of small integers formed identically.
#define BOOST_TEST_MODULE metrics
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/metrics/hungarian.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace tt = boost::test_tools;
using V = std::vector<int>;
using dnmf::NmiNormalization;

namespace {

V random_labels(int n, int k, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  V out(static_cast<size_t>(n));
  for (int& x : out) x = static_cast<int>(rng.below(static_cast<std::uint64_t>(k)));
  return out;
}

/// Cost of an assignment (row → column or −1), as a plain sum.
double assignment_cost(const dnmf::Dense& cost, const std::vector<int>& a) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] >= 0) s += cost(static_cast<Eigen::Index>(i), a[i]);
  return s;
}

/// Minimum over all maximum matchings by enumeration: every injective map from the
/// smaller side into the larger one (via permutations of the larger side's indices).
double brute_force_min(const dnmf::Dense& cost) {
  const int r = static_cast<int>(cost.rows()), c = static_cast<int>(cost.cols());
  const int small = std::min(r, c);
  std::vector<int> perm(static_cast<size_t>(std::max(r, c)));
  std::iota(perm.begin(), perm.end(), 0);
  double best = std::numeric_limits<double>::infinity();
  do {
    double s = 0;
    for (int i = 0; i < small; ++i) s += r <= c ? cost(i, perm[i]) : cost(perm[i], i);
    best = std::min(best, s);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return small == 0 ? 0.0 : best;
}

/// The assignment is a valid maximum matching: size min(r, c), no column used twice.
void check_matching(const dnmf::Dense& cost, const std::vector<int>& a) {
  BOOST_REQUIRE(a.size() == static_cast<size_t>(cost.rows()));
  std::vector<int> used(static_cast<size_t>(cost.cols()), 0);
  int matched = 0;
  for (const int j : a) {
    if (j < 0) continue;
    BOOST_REQUIRE(j < cost.cols());
    ++used[static_cast<size_t>(j)];
    ++matched;
  }
  BOOST_TEST(matched == std::min(cost.rows(), cost.cols()));
  BOOST_TEST(std::all_of(used.begin(), used.end(), [](int u) { return u <= 1; }));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(metrics_hand_computed)

BOOST_AUTO_TEST_CASE(split_cluster) {
  // truth {0,0,1,1}, pred {0,0,1,2}: pred refines truth, so I = H(t) = ln 2;
  // H(p) = ½ln2 + 2·¼ln4 = 1.5 ln 2.
  // NMI_arith = 2 ln2 / 2.5 ln2 = 0.8; NMI_max = 1/1.5; NMI_geo = 1/√1.5 = 0.816496580927726.
  // ARI: pairs together in both = C(2,2) = 1, same class = 2, same cluster = 1,
  // C(4,2) = 6, expected = 2·1/6 = 1/3, max = 1.5 ⇒ (1 − 1/3)/(1.5 − 1/3) = 4/7.
  // ACC: 0→0 (2), 1→1 (1), cluster 2 unmatched ⇒ 3/4. Purity: every cluster pure ⇒ 1.
  const V t{0, 0, 1, 1}, p{0, 0, 1, 2};
  BOOST_TEST(dnmf::nmi(t, p) == 0.8, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::max) == 1.0 / 1.5, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::geometric) == 0.816496580927726, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::ari(t, p) == 0.5714285714285714, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, p) == 0.75);
  BOOST_TEST(dnmf::purity(t, p) == 1.0);
}

BOOST_AUTO_TEST_CASE(crossed_labelings_score_below_chance) {
  // truth {0,0,1,1}, pred {0,1,0,1}: every cell N_ij = 1 = a_i·b_j/n ⇒ I = 0 ⇒ NMI = 0.
  // ARI: together = 0, same class = same cluster = 2, expected = 4/6, max = 2
  // ⇒ (0 − 2/3)/(2 − 2/3) = −1/2 (worse than chance). ACC = purity = 1/2.
  const V t{0, 0, 1, 1}, p{0, 1, 0, 1};
  BOOST_TEST(dnmf::nmi(t, p) == 0.0);
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::geometric) == 0.0);
  BOOST_TEST(dnmf::ari(t, p) == -0.5, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, p) == 0.5);
  BOOST_TEST(dnmf::purity(t, p) == 0.5);
}

BOOST_AUTO_TEST_CASE(more_clusters_than_classes) {
  // truth {0,0,0,1,1,1}, pred {0,0,1,1,2,2}. Contingency [[2,1,0],[0,1,2]].
  // MI = 2·(2/6)ln(6·2/(3·2)) + 2·(1/6)ln(6·1/(3·2)) = (2/3) ln 2; H(t) = ln 2, H(p) = ln 3
  // ⇒ NMI_arith = (4/3)ln2/(ln2 + ln3) = 0.5158037429793888,
  //   NMI_max = (2/3)ln2/ln3 = 0.420619835714305, NMI_geo = (2/3)ln2/√(ln2·ln3) = 0.5295405780575617.
  // ARI: together = 1 + 1 = 2; same class = 3 + 3; same cluster = 1+1+1; C(6,2) = 15;
  // expected = 18/15; max = 4.5 ⇒ (2 − 1.2)/(4.5 − 1.2) = 8/33.
  // ACC: one-to-one best 0→0 (2) + 2→1 (2), cluster 1 unmatched ⇒ 4/6. Purity (2+1+2)/6.
  const V t{0, 0, 0, 1, 1, 1}, p{0, 0, 1, 1, 2, 2};
  BOOST_TEST(dnmf::nmi(t, p) == 0.5158037429793888, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::max) == 0.420619835714305, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::geometric) == 0.5295405780575617, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::ari(t, p) == 8.0 / 33.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, p) == 4.0 / 6.0);
  BOOST_TEST(dnmf::purity(t, p) == 5.0 / 6.0);
}

BOOST_AUTO_TEST_CASE(fewer_clusters_than_classes) {
  // truth {0,0,1,1,2,2}, pred {0,0,0,1,1,1}: the transpose of the table above, so NMI
  // and ARI are the same numbers (they are symmetric). ACC: 0→0 (2), 1→2 (2), class 1
  // gets no cluster ⇒ 4/6. Purity: cluster 0 → class 0 (2), cluster 1 → class 2 (2) ⇒ 4/6.
  const V t{0, 0, 1, 1, 2, 2}, p{0, 0, 0, 1, 1, 1};
  BOOST_TEST(dnmf::nmi(t, p) == 0.5158037429793888, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::ari(t, p) == 8.0 / 33.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, p) == 4.0 / 6.0);
  BOOST_TEST(dnmf::purity(t, p) == 4.0 / 6.0);
}

BOOST_AUTO_TEST_CASE(arbitrary_label_values) {
  // truth {7,7,7,−1,−1,42}, pred {3,3,−5,−5,−5,−5}: values are only names.
  // Cells: (7,3)=2, (7,−5)=1, (−1,−5)=2, (42,−5)=1; class sizes 3,2,1; cluster sizes 2,4.
  // MI = (2/6)ln(12/6) + (1/6)ln(6/12) + (2/6)ln(12/8) + (1/6)ln(6/4) = (1/6)ln2 + (1/2)ln1.5
  //    = 0.3182570841474064; H(t) = 1.0114042647073518, H(p) = 0.6365141682948128
  // ⇒ NMI_arith = 0.38625344285713, NMI_max = 0.3146685210384134, NMI_geo = 0.39665382957839534.
  // ARI: together = 1 + 1 = 2, same class = 3 + 1 = 4, same cluster = 1 + 6 = 7, C(6,2) = 15,
  // expected = 28/15, max = 5.5 ⇒ (2/15)/(109/30) = 4/109.
  // ACC: 3→7 (2), −5→−1 (2) ⇒ 4/6. Purity: 2 + 2 ⇒ 4/6.
  const V t{7, 7, 7, -1, -1, 42}, p{3, 3, -5, -5, -5, -5};
  BOOST_TEST(dnmf::nmi(t, p) == 0.38625344285713, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::max) == 0.3146685210384134, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::nmi(t, p, NmiNormalization::geometric) == 0.39665382957839534, tt::tolerance(1e-14));
  BOOST_TEST(dnmf::ari(t, p) == 4.0 / 109.0, tt::tolerance(1e-15));
  BOOST_TEST(dnmf::acc(t, p) == 4.0 / 6.0);
  BOOST_TEST(dnmf::purity(t, p) == 4.0 / 6.0);
}

BOOST_AUTO_TEST_CASE(purity_is_not_acc) {
  // Both clusters dominated by class 0: purity maps both to class 0 (3 + 2), the
  // one-to-one ACC must give one of them class 1 (3 + 1). docs/models.md §9.2: the DANMF-CRFR
  // "ACC" is this purity.
  const V t{0, 0, 0, 0, 0, 1}, p{0, 0, 0, 1, 1, 1};
  BOOST_TEST(dnmf::purity(t, p) == 5.0 / 6.0);
  BOOST_TEST(dnmf::acc(t, p) == 4.0 / 6.0);
}

BOOST_AUTO_TEST_CASE(degenerate_partitions) {
  // One point: every measure is a perfect match (ARI's formula would be 0/0 here).
  BOOST_TEST(dnmf::nmi({5}, {9}) == 1.0);
  BOOST_TEST(dnmf::ari({5}, {9}) == 1.0);
  BOOST_TEST(dnmf::acc({5}, {9}) == 1.0);
  BOOST_TEST(dnmf::purity({5}, {9}) == 1.0);
  // Both single-cluster: identical partitions ⇒ 1 (scikit-learn's convention).
  const V one(10, 4), also_one(10, -3);
  BOOST_TEST(dnmf::nmi(one, also_one) == 1.0);
  BOOST_TEST(dnmf::nmi(one, also_one, NmiNormalization::geometric) == 1.0);
  BOOST_TEST(dnmf::ari(one, also_one) == 1.0);
  // Exactly one single-cluster: no information ⇒ NMI = 0 and ARI = 0 (together = same
  // cluster = 0 ⇒ 0/…). ACC: the single cluster takes the largest class, 4 of 10.
  const V t{0, 0, 1, 1, 2, 2, 3, 3, 3, 3};
  BOOST_TEST(dnmf::nmi(t, one) == 0.0);
  BOOST_TEST(dnmf::nmi(one, t, NmiNormalization::max) == 0.0);
  BOOST_TEST(dnmf::ari(t, one) == 0.0);
  BOOST_TEST(dnmf::acc(t, one) == 0.4);
  BOOST_TEST(dnmf::purity(t, one) == 0.4);
  // All singletons on both sides: identical ⇒ 1 (ARI's formula would be 0/0 again).
  const V s{0, 1, 2, 3}, s2{3, 2, 1, 0};
  BOOST_TEST(dnmf::ari(s, s2) == 1.0);
  BOOST_TEST(dnmf::nmi(s, s2) == 1.0, tt::tolerance(1e-15));  // I and H are sums of the same logs
  // One cluster vs singletons: NMI 0, ARI 0; ACC 1/4 (one singleton matched), purity 1.
  const V one4(4, 0);
  BOOST_TEST(dnmf::nmi(one4, s) == 0.0);
  BOOST_TEST(dnmf::ari(one4, s) == 0.0);
  BOOST_TEST(dnmf::acc(one4, s) == 0.25);
  BOOST_TEST(dnmf::purity(one4, s) == 1.0);
}

BOOST_AUTO_TEST_CASE(perfect_match_scores_one) {
  const V t{0, 0, 1, 1, 2, 2, 3, 3, 3, 3}, renamed{9, 9, -4, -4, 0, 0, 8, 8, 8, 8};
  for (const auto norm : {NmiNormalization::arithmetic, NmiNormalization::max, NmiNormalization::geometric})
    BOOST_TEST(dnmf::nmi(t, renamed, norm) == 1.0, tt::tolerance(1e-15));  // I vs H: same logs, other order
  BOOST_TEST(dnmf::ari(t, renamed) == 1.0);
  BOOST_TEST(dnmf::acc(t, renamed) == 1.0);
  BOOST_TEST(dnmf::purity(t, renamed) == 1.0);
}

BOOST_AUTO_TEST_CASE(bad_sizes_are_rejected) {
  // Every entry point validates, and the message gives both lengths.
  try {
    dnmf::evaluate({0, 1}, {0});
    BOOST_FAIL("length mismatch accepted");
  } catch (const dnmf::InvalidOption& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("2 true vs 1 predicted") != std::string::npos, what);
  }
  BOOST_CHECK_THROW(dnmf::evaluate({}, {}), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::nmi({0}, {0, 1}), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::ari({}, {}), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::acc({1, 2, 3}, {1}), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::purity({1}, {}), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(metrics_properties)

BOOST_AUTO_TEST_CASE(relabelling_and_symmetry) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const V t = random_labels(300, 4, seed);
      V p = t;
      dnmf::Rng rng(seed + 10);
      for (int& x : p)
        if (rng.uniform() < 0.3) x = static_cast<int>(rng.below(5));
      // Renaming labels by a bijection (negative and sparse values included) must give
      // the very same numbers: the measures only see the partition.
      const int names[5] = {42, -1, 7, 1000, 3};
      V q(p.size()), u(t.size());
      std::transform(p.begin(), p.end(), q.begin(), [&](int x) { return names[x]; });
      std::transform(t.begin(), t.end(), u.begin(), [&](int x) { return -7 * x - 2; });
      const auto a = dnmf::evaluate(t, p), b = dnmf::evaluate(u, q);
      BOOST_TEST(a.nmi == b.nmi);
      BOOST_TEST(a.ari == b.ari);
      BOOST_TEST(a.acc == b.acc);
      BOOST_TEST(a.purity == b.purity);
      // evaluate() is the four functions.
      BOOST_TEST(a.nmi == dnmf::nmi(t, p));
      BOOST_TEST(a.ari == dnmf::ari(t, p));
      BOOST_TEST(a.acc == dnmf::acc(t, p));
      BOOST_TEST(a.purity == dnmf::purity(t, p));
      // NMI, ARI (and ACC, a one-to-one matching) are symmetric; swapping the arguments
      // transposes the table, which only reorders the sums (a few ulps).
      for (const auto norm :
           {NmiNormalization::arithmetic, NmiNormalization::max, NmiNormalization::geometric})
        BOOST_TEST(dnmf::nmi(t, p, norm) == dnmf::nmi(p, t, norm), tt::tolerance(1e-14));
      BOOST_TEST(dnmf::ari(t, p) == dnmf::ari(p, t), tt::tolerance(1e-14));
      BOOST_TEST(dnmf::acc(t, p) == dnmf::acc(p, t));
      // One-to-one can only match fewer points than many-to-one.
      BOOST_TEST(a.acc <= a.purity);
    }
  }
}

BOOST_AUTO_TEST_CASE(nmi_normalisations_are_ordered) {
  // For entropies a, b: min ≤ √(ab) ≤ (a+b)/2 ≤ max, so dividing the same I gives
  // NMI_max ≤ NMI_arith ≤ NMI_geo. Unequal cluster counts make the entropies differ,
  // so the inequalities are strict up to rounding (slack 1e-15 for equal entropies).
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    BOOST_TEST_CONTEXT("seed " << seed) {
      const V t = random_labels(500, 3, seed);
      V p = random_labels(500, 7, seed + 100);
      for (size_t i = 0; i < p.size(); i += 2) p[i] = t[i];  // correlate half the points
      const double mx = dnmf::nmi(t, p, NmiNormalization::max);
      const double ar = dnmf::nmi(t, p, NmiNormalization::arithmetic);
      const double ge = dnmf::nmi(t, p, NmiNormalization::geometric);
      BOOST_TEST(mx > 0.0);
      BOOST_TEST(mx <= ar + 1e-15);
      BOOST_TEST(ar <= ge + 1e-15);
      BOOST_TEST(ge <= 1.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(independent_labelings_score_near_zero) {
  // n = 20,000 points, 5 vs 5 uniform labels drawn independently. ARI has mean 0 and
  // standard deviation ≈ 7e-5 (200 simulated pairs: max |ARI| 1.9e-4); the NMI of
  // independent labelings is biased up by ≈ (k−1)²/(2n·ln k) ≈ 2.5e-4 (simulated max
  // 4.9e-4). The 0.01 bounds are > 20 times the largest simulated value.
  const V t = random_labels(20000, 5, 1), p = random_labels(20000, 5, 2);
  BOOST_TEST(std::abs(dnmf::ari(t, p)) < 0.01);
  BOOST_TEST(dnmf::nmi(t, p) < 0.01);
  BOOST_TEST(dnmf::nmi(t, p) >= 0.0);
}

BOOST_AUTO_TEST_CASE(a_million_points) {
  // n = 10⁶: C(n, 2) ≈ 5·10¹¹ overflows 32-bit counts. truth = i mod 2, pred = ⌊i/2⌋ mod 2
  // are independent and balanced: four cells of 250,000. together = 4·C(250000,2),
  // same class = same cluster = 2·C(500000,2) = 249999500000, C(n,2) = 499999500000.
  // ARI = (together − expected)/(max − expected) with these exact integers (Python
  // fractions): −1/999998 ≈ −1.000002e-6. The expected-index term a·b/C(n,2) ≈ 1.25·10¹¹ is
  // rounded (~1e-5 absolute) and the numerator is ≈ −1.25·10⁵, hence a 1e-9 relative
  // tolerance. ACC = purity = 1/2, NMI = 0 (every cell is exactly a_i·b_j/n, so I = 0).
  const int n = 1000000;
  V t(n), p(n);
  for (int i = 0; i < n; ++i) t[static_cast<size_t>(i)] = i % 2, p[static_cast<size_t>(i)] = (i / 2) % 2;
  BOOST_TEST(dnmf::ari(t, p) == -1.0 / 999998.0, tt::tolerance(1e-9));
  BOOST_TEST(dnmf::nmi(t, p) == 0.0);
  BOOST_TEST(dnmf::acc(t, p) == 0.5);
  BOOST_TEST(dnmf::purity(t, p) == 0.5);
  // A fine partition (10⁶ singletons vs 5·10⁵ pairs) needs no dense 10⁶ × 5·10⁵ table.
  // pred is a function of truth, so I = H(p) = ln(n/2); H(t) = ln n.
  // ARI: together = 0 = same class, same cluster = n/2 ⇒ expected 0 ⇒ 0.
  V singletons(n), pairs(n);
  for (int i = 0; i < n; ++i) singletons[static_cast<size_t>(i)] = i, pairs[static_cast<size_t>(i)] = i / 2;
  const double hn = std::log(double(n)), hp = std::log(double(n) / 2);
  BOOST_TEST(dnmf::nmi(singletons, pairs) == 2 * hp / (hn + hp), tt::tolerance(1e-12));  // 10⁶-term sums
  BOOST_TEST(dnmf::ari(singletons, pairs) == 0.0);
  BOOST_TEST(dnmf::purity(singletons, pairs) == 0.5);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hungarian)

BOOST_AUTO_TEST_CASE(square_equals_brute_force) {
  for (int n = 1; n <= 7; ++n) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      BOOST_TEST_CONTEXT("n " << n << " seed " << seed) {
        dnmf::Rng rng(seed * 100 + static_cast<std::uint64_t>(n));
        dnmf::Dense cost = rng.uniform_matrix(n, n, 10.0);
        if (seed == 4) cost = cost.array().round();              // many ties
        if (seed == 5) cost = cost.array() - 5.0;                // negative costs (ACC uses −counts)
        if (seed == 6) cost = (cost.array() / 4).round() * 1e6;  // large, tied
        const auto a = dnmf::min_cost_assignment(cost);
        check_matching(cost, a);
        // Both sides are sums of the same ≤ 7 numbers in different orders.
        BOOST_TEST(assignment_cost(cost, a) == brute_force_min(cost), tt::tolerance(1e-12));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(rectangular_equals_brute_force) {
  dnmf::Rng rng(5);
  for (int r = 1; r <= 6; ++r)
    for (int c = 1; c <= 6; ++c) {
      BOOST_TEST_CONTEXT(r << " x " << c) {
        dnmf::Dense cost = rng.uniform_matrix(r, c, 3.0);
        if ((r + c) % 2 == 0) cost = cost.array().round() - 1.0;  // ties and negatives
        const auto a = dnmf::min_cost_assignment(cost);
        check_matching(cost, a);  // rows > cols: exactly r − c rows get −1
        BOOST_TEST(assignment_cost(cost, a) == brute_force_min(cost), tt::tolerance(1e-12));
      }
    }
}

BOOST_AUTO_TEST_CASE(planted_permutation_at_size_200) {
  // Too big for brute force: cost 0 on a hidden permutation, ≥ 1 elsewhere, so that
  // permutation is the unique optimum and must be found exactly.
  const int n = 200;
  dnmf::Rng rng(9);
  std::vector<int> hidden(n);
  std::iota(hidden.begin(), hidden.end(), 0);
  for (int i = n - 1; i > 0; --i) std::swap(hidden[static_cast<size_t>(i)], hidden[rng.below(i + 1)]);
  dnmf::Dense cost = rng.uniform_matrix(n, n).array() + 1.0;
  for (int i = 0; i < n; ++i) cost(i, hidden[static_cast<size_t>(i)]) = 0.0;
  BOOST_TEST(dnmf::min_cost_assignment(cost) == hidden);
  // Rectangular: the same rows with 50 extra columns of cost 5 change nothing.
  dnmf::Dense wide = dnmf::Dense::Constant(n, n + 50, 5.0);
  wide.leftCols(n) = cost;
  BOOST_TEST(dnmf::min_cost_assignment(wide) == hidden);
}

BOOST_AUTO_TEST_CASE(empty_and_invalid) {
  BOOST_TEST(dnmf::min_cost_assignment(dnmf::Dense(0, 0)).empty());
  BOOST_TEST(dnmf::min_cost_assignment(dnmf::Dense(0, 3)).empty());
  BOOST_TEST(dnmf::min_cost_assignment(dnmf::Dense(3, 0)) == std::vector<int>(3, -1));
  // A NaN would make every comparison false and the search never end: rejected, with
  // the entry named.
  dnmf::Dense cost = dnmf::Dense::Ones(3, 3);
  cost(1, 2) = std::nan("");
  try {
    dnmf::min_cost_assignment(cost);
    BOOST_FAIL("NaN cost accepted");
  } catch (const dnmf::InputError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("cost(1, 2)") != std::string::npos, what);
  }
  cost(1, 2) = -std::numeric_limits<double>::infinity();
  BOOST_CHECK_THROW(dnmf::min_cost_assignment(cost), dnmf::InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(silhouette_matches_a_hand_computed_case) {
  // Points 0, 1 (cluster 0) and 4, 6 (cluster 1) on a line:
  // s(0) = (5 − 1)/5, s(1) = (4 − 1)/4, s(4) = (3.5 − 2)/3.5, s(6) = (5.5 − 2)/5.5.
  dnmf::Dense x(4, 1);
  x << 0, 1, 4, 6;
  const std::vector<int> labels{0, 0, 1, 1};
  const double expected = (4.0 / 5 + 3.0 / 4 + 1.5 / 3.5 + 3.5 / 5.5) / 4;
  BOOST_TEST(dnmf::silhouette(x, labels) == expected, boost::test_tools::tolerance(1e-14));
  // A singleton counts 0: {0, 1, 4 | 6} gives s = 3.5/6, 3/5, (2 − 3.5)/3.5 and 0.
  BOOST_TEST(dnmf::silhouette(x, {0, 0, 0, 1}) == (3.5 / 6 + 3.0 / 5 - 1.5 / 3.5) / 4,
             boost::test_tools::tolerance(1e-14));
  // One cluster gives 0; sampling with max_samples = n is exact.
  BOOST_TEST(dnmf::silhouette(x, {0, 0, 0, 0}) == 0.0);
  BOOST_TEST(dnmf::silhouette(x, labels, 4, 9) == expected, boost::test_tools::tolerance(1e-14));
}
