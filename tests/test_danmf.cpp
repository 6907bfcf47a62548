// Deep autoencoder-like NMF (DANMF, DANMF-CRFR): every objective term against a naive
// dense computation, gradient parts against finite differences, monotone objective
// traces where docs/models.md §10.2 says the updates are monotone, determinism, and recovery
// of planted clusters.
#define BOOST_TEST_MODULE danmf
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>

#include "dnmf/cluster/assign.hpp"
#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/danmf.hpp"
#include "dnmf/models/deep_chain.hpp"
#include "dnmf/terms/chain_terms.hpp"

#include "helpers.hpp"

using dnmf::ChainState;
using dnmf::Csr;
using dnmf::DataMatrix;
using dnmf::Dense;
using dnmf::Index;

namespace {

using test::gradient_check;
using test::rel_err;
using test::test_data;

/// Random nonnegative n×n affinity, no self-loops; symmetric if asked.
Csr random_affinity(Index n, bool symmetric, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  std::vector<dnmf::Triplet> t;
  for (Index i = 0; i < n; ++i)
    for (int e = 0; e < 4; ++e) {
      const Index j = static_cast<Index>(rng.below(static_cast<std::uint64_t>(n)));
      if (j == i) continue;
      const double w = rng.uniform();
      t.push_back({i, j, w});
      if (symmetric) t.push_back({j, i, w});
    }
  return Csr::from_triplets(n, n, std::move(t));
}

// ---- naive dense versions of the terms (paper formulas, our orientation) ----------

double naive_decoder(const Dense& X, const Dense& P, const Dense& H) {
  return (X - H * P.transpose()).squaredNorm();
}
double naive_encoder(const Dense& X, const Dense& P, const Dense& H) {
  return (H - X * P).squaredNorm();
}
Dense naive_distances(const Dense& X) {
  Dense S(X.rows(), X.rows());
  for (Index i = 0; i < X.rows(); ++i)
    for (Index j = 0; j < X.rows(); ++j) S(i, j) = (X.row(i) - X.row(j)).squaredNorm();
  return S;
}
double naive_repulsive(const Dense& X, const Dense& H, double lambda) {
  return lambda * (naive_distances(X).array() * (H * H.transpose()).array()).sum();
}
double naive_attractive(const Dense& S, const Dense& H, double lambda) {
  double f = 0.0;
  for (Index i = 0; i < S.rows(); ++i)
    for (Index j = 0; j < S.cols(); ++j) f += S(i, j) * (H.row(i) - H.row(j)).squaredNorm();
  return lambda * f;
}
double naive_frp(const Dense& X, const Dense& P, double lambda) {
  return (X.transpose() * X - lambda * P * P.transpose()).squaredNorm();
}

struct Fixture {
  Dense x, P, H;
  Csr s_sym, s_unsym;
  explicit Fixture(std::uint64_t seed, Index n = 24, Index d = 10, Index k = 3) {
    x = test_data(n, d, 0.6, seed);
    dnmf::Rng rng(seed + 100);
    P = rng.uniform_matrix(d, k);
    H = rng.uniform_matrix(n, k);
    s_sym = random_affinity(n, true, seed + 7);
    s_unsym = random_affinity(n, false, seed + 8);
  }
};

/// Value of a term at (P, H) for data X through a fresh state.
double term_value(const dnmf::ChainTerm& t, const DataMatrix& X, bool gram, const Dense& P, const Dense& H) {
  ChainState s(X, gram);
  s.set_P(P);
  s.set_H(H);
  return t.value(s);
}

}  // namespace

BOOST_AUTO_TEST_CASE(term_values_equal_naive_dense_computation) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Fixture f(seed);
    const DataMatrix dense(f.x), sparse(Csr::from_dense(f.x));
    const dnmf::DecoderLoss dec;
    const dnmf::EncoderLoss enc;
    const dnmf::RepulsiveTerm rep(0.3);
    const dnmf::AttractiveTerm att_sym(f.s_sym, 2.0), att_unsym(f.s_unsym, 2.0);
    const dnmf::FeatureRelationTerm frp(0.75);
    for (const DataMatrix* X : {&dense, &sparse})
      for (bool gram : {false, true}) {
        BOOST_TEST_CONTEXT("seed " << seed << (X->is_sparse() ? " sparse" : " dense")
                                   << (gram ? " gram" : "")) {
          BOOST_TEST(rel_err(term_value(dec, *X, gram, f.P, f.H), naive_decoder(f.x, f.P, f.H)) < 1e-10);
          BOOST_TEST(rel_err(term_value(enc, *X, gram, f.P, f.H), naive_encoder(f.x, f.P, f.H)) < 1e-10);
          BOOST_TEST(rel_err(term_value(rep, *X, gram, f.P, f.H), naive_repulsive(f.x, f.H, 0.3)) < 1e-10);
          BOOST_TEST(rel_err(term_value(att_sym, *X, gram, f.P, f.H),
                             naive_attractive(f.s_sym.to_dense(), f.H, 2.0)) < 1e-10);
          BOOST_TEST(rel_err(term_value(att_unsym, *X, gram, f.P, f.H),
                             naive_attractive(f.s_unsym.to_dense(), f.H, 2.0)) < 1e-10);
          BOOST_TEST(rel_err(term_value(frp, *X, gram, f.P, f.H), naive_frp(f.x, f.P, 0.75)) < 1e-10);
        }
      }
  }
}

BOOST_AUTO_TEST_CASE(frp_constant_uses_the_smaller_gram_either_way) {
  // n < d exercises the XXᵀ side of the constant ‖XᵀX‖², n > d the XᵀX side.
  for (auto [n, d] : {std::pair<Index, Index>{8, 30}, {30, 8}}) {
    const Dense x = test_data(n, d, 0.5, 11);
    dnmf::Rng rng(3);
    const Dense P = rng.uniform_matrix(d, 2), H = rng.uniform_matrix(n, 2);
    const dnmf::FeatureRelationTerm frp(1.25);
    for (const DataMatrix& X : {DataMatrix(x), DataMatrix(Csr::from_dense(x))})
      BOOST_TEST(rel_err(term_value(frp, X, false, P, H), naive_frp(x, P, 1.25)) < 1e-10);
  }
}

BOOST_AUTO_TEST_CASE(gradient_parts_equal_naive_formulas) {
  const Fixture f(4);
  const DataMatrix X(Csr::from_dense(f.x));
  ChainState s(X, false);
  s.set_P(f.P);
  s.set_H(f.H);
  const double l1 = 0.2, l2 = 1.5, l3 = 0.8;
  const Dense G = f.x.transpose() * f.x, Sminus = naive_distances(f.x), S = f.s_sym.to_dense();
  const Dense D = S.rowwise().sum().asDiagonal();
  // Paper rules (halved gradients, docs/models.md §3.3) written in our orientation.
  const Dense neg_P = 4 * f.x.transpose() * f.H + 4 * l3 * G * f.P;
  const Dense pos_P =
      2 * f.P * (f.H.transpose() * f.H) + 2 * G * f.P + 4 * l3 * l3 * f.P * (f.P.transpose() * f.P);
  const Dense neg_H = 4 * f.x * f.P + 4 * l2 * S * f.H;
  const Dense pos_H = 2 * f.H * (f.P.transpose() * f.P) + 2 * f.H + 2 * l1 * Sminus * f.H + 4 * l2 * D * f.H;
  const dnmf::DecoderLoss dec;
  const dnmf::EncoderLoss enc;
  const dnmf::RepulsiveTerm rep(l1);
  const dnmf::AttractiveTerm att(f.s_sym, l2);
  const dnmf::FeatureRelationTerm frp(l3);
  Dense nP = Dense::Zero(10, 3), pP = nP, nH = Dense::Zero(24, 3), pH = nH;
  for (const dnmf::ChainTerm* t : std::vector<const dnmf::ChainTerm*>{&dec, &enc, &rep, &att, &frp}) {
    t->add_gradient_P(s, nP, pP);
    t->add_gradient_H(s, nH, pH);
  }
  BOOST_TEST(rel_err(nP, neg_P) < 1e-10);
  BOOST_TEST(rel_err(pP, pos_P) < 1e-10);
  BOOST_TEST(rel_err(nH, neg_H) < 1e-10);
  BOOST_TEST(rel_err(pH, pos_H) < 1e-10);
}

BOOST_AUTO_TEST_CASE(gradients_match_finite_differences) {
  const Fixture f(5, 14, 6, 2);
  const DataMatrix X(f.x);
  const dnmf::DecoderLoss dec;
  const dnmf::EncoderLoss enc;
  const dnmf::RepulsiveTerm rep(0.4);
  const dnmf::AttractiveTerm att_sym(f.s_sym, 1.5), att_unsym(f.s_unsym, 1.5);
  const dnmf::FeatureRelationTerm frp(0.9);
  for (const dnmf::ChainTerm* t :
       std::vector<const dnmf::ChainTerm*>{&dec, &enc, &rep, &att_sym, &att_unsym, &frp}) {
    BOOST_TEST_CONTEXT(t->name()) {
      if (t->depends_on_P()) BOOST_TEST(gradient_check(*t, X, f.P, f.H, true) < 1e-6);
      if (t->depends_on_H()) BOOST_TEST(gradient_check(*t, X, f.P, f.H, false) < 1e-6);
    }
  }
}

namespace {

/// Fine-tunes the CRFR terms from a random start and returns the trace (one value per
/// iteration) with the objective before the first iteration prepended.
std::vector<double> fine_tune_trace(const DataMatrix& X, const Csr& S, double l1, double l2, double l3,
                                    double w_exponent, bool safeguard, std::uint64_t seed,
                                    dnmf::ChainFit* out = nullptr) {
  dnmf::DanmfOptions o;
  o.lambda_repulsive = l1;
  o.lambda_attractive = l2;
  o.lambda_frp = l3;
  o.chain.layers = {7, 5, 3};
  o.chain.max_iterations = 150;
  o.chain.w_exponent = w_exponent;
  o.chain.safeguard = safeguard;
  const auto owned = dnmf::danmf_terms(o, S);
  std::vector<const dnmf::ChainTerm*> terms;
  for (const auto& t : owned) terms.push_back(t.get());
  dnmf::Rng rng(seed);
  std::vector<Dense> W{rng.uniform_matrix(X.cols(), 7), rng.uniform_matrix(7, 5), rng.uniform_matrix(5, 3)};
  Dense H = rng.uniform_matrix(X.rows(), 3);
  auto fit = dnmf::fine_tune_deep_chain(X, terms, o.chain, W, H);
  std::vector<double> trace{fit.initial_terms.empty() ? 0.0 : 0.0};
  trace[0] = 0.0;
  for (double v : fit.initial_terms) trace[0] += v;
  trace.insert(trace.end(), fit.objective.begin(), fit.objective.end());
  if (out) *out = std::move(fit);
  return trace;
}

int increases(const std::vector<double>& trace) {
  int count = 0;
  for (size_t t = 1; t < trace.size(); ++t) count += trace[t] > trace[t - 1] * (1 + 1e-12) + 1e-300;
  return count;
}

}  // namespace

BOOST_AUTO_TEST_CASE(danmf_updates_are_monotone_without_safeguard) {
  // docs/models.md §10.2: DANMF (λ₁ = λ₃ = 0) with a symmetric graph never increases, γ = 1.
  for (std::uint64_t seed = 1; seed <= 4; ++seed)
    for (double l2 : {1.0, 100.0}) {
      const Dense x = test_data(40, 20, 0.5, seed);
      const auto trace =
          fine_tune_trace(DataMatrix(x), random_affinity(40, true, seed), 0, l2, 0, 1.0, false, seed);
      BOOST_TEST_CONTEXT("seed " << seed << " lambda2 " << l2) BOOST_TEST(increases(trace) == 0);
    }
}

BOOST_AUTO_TEST_CASE(crfr_updates_are_monotone_at_typical_scales) {
  // docs/models.md §10.2: the H rule with symmetric S⁺ (λ₁ ≤ 1, λ₂ ≤ 1000) and the W rule at
  // typical scales never increase, without any safeguard.
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Dense x = test_data(40, 20, 0.5, seed);
    const Csr S = random_affinity(40, true, seed);
    for (const DataMatrix& X : {DataMatrix(x), DataMatrix(Csr::from_dense(x))}) {
      const auto t1 = fine_tune_trace(X, S, 1e-3, 10.0, 0.5, 1.0, false, seed);
      const auto t2 = fine_tune_trace(X, S, 1.0, 1000.0, 1.0, 0.5, false, seed);
      BOOST_TEST_CONTEXT("seed " << seed) {
        BOOST_TEST(increases(t1) == 0);
        BOOST_TEST(increases(t2) == 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(safeguard_keeps_frp_dominated_and_unsymmetric_cases_monotone) {
  // Where docs/models.md §10.2 reports increases (W with γ = 1 when FRP dominates at data scale 0.01,
  // λ₃ = 5; H with an unsymmetrised graph and λ₂ = 1000) the safeguard must hold the
  // trace monotone by halving γ or keeping the block.
  int events = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Dense x = 0.01 * test_data(40, 20, 0.5, seed);
    dnmf::ChainFit fit;
    const auto t1 = fine_tune_trace(DataMatrix(x), random_affinity(40, true, seed), 1e-3, 1.0, 5.0, 1.0, true,
                                    seed, &fit);
    events += fit.safeguard_halvings + fit.safeguard_rejections;
    const auto t2 = fine_tune_trace(DataMatrix(test_data(40, 20, 0.5, seed)),
                                    random_affinity(40, false, seed), 0, 1000.0, 0, 1.0, true, seed, &fit);
    events += fit.safeguard_halvings + fit.safeguard_rejections;
    BOOST_TEST_CONTEXT("seed " << seed) {
      BOOST_TEST(increases(t1) == 0);
      BOOST_TEST(increases(t2) == 0);
    }
  }
  BOOST_TEST_MESSAGE("safeguard events: " << events);
}

BOOST_AUTO_TEST_CASE(shallow_anmf_pretraining_is_monotone) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed)
    for (double scale : {0.01, 1.0, 100.0}) {
      const Dense x = scale * test_data(50, 15, 0.5, seed);
      dnmf::ChainOptions o;
      o.layers = {6};
      o.pretrain_iterations = 200;
      o.safeguard = false;
      const auto fit = dnmf::fit_shallow_anmf(DataMatrix(x), 6, o, seed, "test");
      std::vector<double> trace = fit.objective;
      BOOST_TEST_CONTEXT("seed " << seed << " scale " << scale) {
        BOOST_TEST(fit.iterations == 200);
        BOOST_TEST(increases(trace) == 0);
        // The objective is the paper's J(U, V) = ‖Z − UV‖² + ‖V − UᵀZ‖² (samples as rows here).
        const double direct =
            (x - fit.V * fit.U.transpose()).squaredNorm() + (fit.V - x * fit.U).squaredNorm();
        BOOST_TEST(rel_err(trace.back(), direct) < 1e-9);
      }
    }
}

namespace {

/// Three planted groups: each uses its own block of features (plus light noise).
std::pair<Dense, std::vector<int>> planted(std::uint64_t seed) {
  dnmf::Rng rng(seed);
  const Index n = 90, d = 24;
  Dense x(n, d);
  std::vector<int> truth(n);
  for (Index i = 0; i < n; ++i) {
    truth[i] = static_cast<int>(i % 3);
    for (Index j = 0; j < d; ++j)
      x(i, j) = 0.05 * rng.uniform() + (j / 8 == truth[i] ? 0.5 + rng.uniform() : 0.0);
  }
  return {x, truth};
}

std::vector<int> cluster(const dnmf::DanmfResult& r, int k, std::uint64_t seed) {
  dnmf::KMeansOptions km;
  km.n_clusters = k;
  km.seed = seed;
  return dnmf::kmeans(dnmf::normalize_rows_l1(r.fit.H), km).labels;
}

}  // namespace

BOOST_AUTO_TEST_CASE(planted_clusters_are_recovered_and_runs_are_deterministic) {
  const auto [x, truth] = planted(9);
  for (auto variant : {dnmf::DanmfVariant::danmf, dnmf::DanmfVariant::crfr}) {
    dnmf::DanmfOptions o;
    o.variant = variant;
    o.chain.layers = {12, 8, 6};
    o.chain.pretrain_iterations = 100;
    o.chain.max_iterations = 200;
    o.chain.w_exponent = o.default_w_exponent();
    o.chain.seed = 3;
    const DataMatrix X(x);
    const auto a = dnmf::fit_danmf(X, o);
    const auto b = dnmf::fit_danmf(X, o);
    const auto labels = cluster(a, 3, 1);
    BOOST_TEST_CONTEXT(dnmf::to_string(variant)) {
      BOOST_TEST(dnmf::evaluate(truth, labels).nmi > 0.95);
      BOOST_TEST((a.fit.H.array() == b.fit.H.array()).all());  // bitwise identical
      BOOST_TEST(labels == cluster(b, 3, 1));
      BOOST_TEST(increases(a.fit.objective) == 0);
      for (const auto& trace : a.fit.pretrain_objective) BOOST_TEST(increases(trace) == 0);
      // The encoder map is the autoencoder's point: without the contrastive terms pulling H
      // away from it, h = Pᵀx for a training sample is close to its fitted representation.
      if (variant == dnmf::DanmfVariant::danmf) BOOST_TEST(rel_err(Dense(x * a.fit.P), a.fit.H) < 0.5);
    }
  }
}

BOOST_AUTO_TEST_CASE(sparse_and_dense_data_give_the_same_fit) {
  const Dense x = test_data(40, 16, 0.3, 21);
  dnmf::DanmfOptions o;
  o.chain.layers = {8, 4};
  o.chain.pretrain_iterations = 30;
  o.chain.max_iterations = 40;
  o.chain.seed = 5;
  o.chain.gram = dnmf::GramMode::never;
  const auto a = dnmf::fit_danmf(DataMatrix(x), o);
  const auto b = dnmf::fit_danmf(DataMatrix(Csr::from_dense(x)), o);
  BOOST_TEST(rel_err(a.fit.H, b.fit.H) < 1e-8);
  o.chain.gram = dnmf::GramMode::always;
  const auto c = dnmf::fit_danmf(DataMatrix(Csr::from_dense(x)), o);
  BOOST_TEST(rel_err(a.fit.H, c.fit.H) < 1e-8);
}

BOOST_AUTO_TEST_CASE(locality_order_gives_the_same_fit_in_input_order) {
  // Processing samples in the graph's locality order permutes every n-indexed array
  // consistently and draws the random start in the input order, so the fit returned
  // (in input order) equals the unpermuted one up to summation order.
  const auto [x, truth] = planted(4);
  for (bool sparse : {false, true}) {
    dnmf::DanmfOptions o;
    o.chain.layers = {12, 6};
    o.chain.pretrain_iterations = 40;
    o.chain.max_iterations = 60;
    o.chain.seed = 8;
    o.sample_order = dnmf::SampleOrder::input;
    const DataMatrix X = sparse ? DataMatrix(Csr::from_dense(x)) : DataMatrix(x);
    const auto a = dnmf::fit_danmf(X, o);
    o.sample_order = dnmf::SampleOrder::locality;
    const auto b = dnmf::fit_danmf(X, o);
    BOOST_TEST_CONTEXT((sparse ? "sparse" : "dense")) {
      BOOST_TEST(rel_err(b.fit.H, a.fit.H) < 1e-8);
      BOOST_TEST(rel_err(b.fit.P, a.fit.P) < 1e-8);
      BOOST_TEST(std::abs(b.fit.objective.back() - a.fit.objective.back()) <= 1e-9 * a.fit.objective.back());
      BOOST_TEST(cluster(a, 3, 1) == cluster(b, 3, 1));
      BOOST_TEST((b.affinity.to_dense().array() == a.affinity.to_dense().array()).all());  // input order
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused) {
  const DataMatrix X(test_data(10, 5, 0.5, 1));
  dnmf::DanmfOptions o;
  o.chain.layers = {};
  BOOST_CHECK_THROW(dnmf::fit_danmf(X, o), dnmf::InvalidOption);
  o.chain.layers = {4, 11};  // k > n
  BOOST_CHECK_THROW(dnmf::fit_danmf(X, o), dnmf::InvalidOption);
  o.chain.layers = {4, 2};
  o.lambda_frp = -1;
  BOOST_CHECK_THROW(dnmf::fit_danmf(X, o), dnmf::InvalidOption);
  o.lambda_frp = 0.5;
  o.chain.w_exponent = 1.5;
  BOOST_CHECK_THROW(dnmf::fit_danmf(X, o), dnmf::InvalidOption);
  Dense neg = test_data(10, 5, 0.5, 1);
  neg(2, 3) = -1;
  o.chain.w_exponent = 1;
  BOOST_CHECK_THROW(dnmf::fit_danmf(DataMatrix(neg), o), dnmf::InputError);
}
