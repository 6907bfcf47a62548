#include "dnmf/models/minvol_deep_kl.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/models/beta_layer.hpp"
#include "dnmf/models/deep_beta.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/nmf.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

void MinvolDeepKlOptions::validate(Index n, Index d) const {
  if (layers.empty()) throw InvalidOption("minvol-deep-kl needs at least one layer");
  const Index limit = std::min(n, d);
  for (size_t l = 0; l < layers.size(); ++l)
    if (layers[l] < 1 || layers[l] > limit)
      throw InvalidOption("layer " + std::to_string(l + 1) + " has width " + std::to_string(layers[l]) +
                          "; minvol-deep-kl needs 1 <= r_l <= min(n, d) = " + std::to_string(limit));
  if (!(alpha_tilde > 0.0) || !std::isfinite(alpha_tilde))
    throw InvalidOption("alpha must be finite and > 0");
  if (!(delta > 0.0) || !std::isfinite(delta)) throw InvalidOption("delta must be finite and > 0");
  if (!(rho > 0.0) || !std::isfinite(rho)) throw InvalidOption("rho must be finite and > 0");
  if (admm_iterations < 1) throw InvalidOption("admm_iterations must be >= 1");
  if (pretrain_iterations < 1) throw InvalidOption("pretrain_iterations must be >= 1");
  if (max_iterations < 0) throw InvalidOption("max_iterations must be >= 0");
  if (!(tolerance >= 0.0) || !(pretrain_tolerance >= 0.0) || !(admm_tolerance >= 0.0))
    throw InvalidOption("tolerances must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
}

Dense MinvolDeepKlResult::representation() const {
  Dense r = H.front().transpose();
  for (size_t l = 1; l < H.size(); ++l) r = r * H[l].transpose();
  return r;
}

namespace {

using Clock = std::chrono::steady_clock;

/// log det(WᵀW + δI) (natural log) by Cholesky, O(d·r² + r³).
double log_det_gram(const Dense& W, double delta) {
  Dense G = W.transpose() * W;
  G.diagonal().array() += delta;
  const Eigen::LLT<Dense> llt(G);
  return 2.0 * llt.matrixLLT().diagonal().array().log().sum();
}

/// The per-entry minimisers of docs/models.md §11.9 with a multiplier per column:
/// W(μ)_ik = W̃_ik (√(t² + 2 T_ik Q_ik) − t) / T_ik with t = Φ_ik + μ_k, written without
/// cancellation for t > 0 as W̃_ik · 2Q_ik / (√(t² + 2T_ik Q_ik) + t); μ_k by Newton so that
/// column k sums to one. Each column sum is convex and decreasing in μ, so Newton converges
/// from any start (monotonically after the first step). Returns the largest |Σ_i W_ik − 1|.
double solve_columns(const Dense& Wt, const Dense& Phi, const Dense& Q, const Dense& T, double eps,
                     Dense& W) {
  const Index d = Wt.rows(), r = Wt.cols();
  W.resize(d, r);
  double worst = 0.0;
#pragma omp parallel for schedule(static) reduction(max : worst)
  for (Index k = 0; k < r; ++k) {
    auto sum_and_slope = [&](double mu, double& slope) {
      double g = -1.0;
      slope = 0.0;
      for (Index i = 0; i < d; ++i) {
        const double t = Phi(i, k) + mu, q2 = 2.0 * Q(i, k), s = std::sqrt(t * t + T(i, k) * q2);
        if (t > 0.0) {
          const double w = Wt(i, k) * q2 / (s + t);
          g += w;
          slope -= w / s;
        } else {
          g += Wt(i, k) * (s - t) / T(i, k);
          slope += Wt(i, k) / T(i, k) * (t / s - 1.0);
        }
      }
      return g;
    };
    double mu = 0.0, slope = 0.0, g = sum_and_slope(mu, slope);
    for (int it = 0; it < 1000 && g != 0.0 && slope < 0.0; ++it) {
      const double step = g / slope;
      mu -= step;
      g = sum_and_slope(mu, slope);
      if (!(std::abs(step) > 1e-13 * (1.0 + std::abs(mu)))) break;
    }
    worst = std::max(worst, std::abs(g));
    for (Index i = 0; i < d; ++i) {
      const double t = Phi(i, k) + mu, q2 = 2.0 * Q(i, k), s = std::sqrt(t * t + T(i, k) * q2);
      const double w = t > 0.0 ? Wt(i, k) * q2 / (s + t) : Wt(i, k) * (s - t) / T(i, k);
      W(i, k) = std::max(w, eps);
    }
  }
  return worst;
}

struct Sweep {
  const MinvolDeepKlOptions& o;
  MinvolDeepKlResult& fit;
  std::vector<BetaLayerTerms>& terms;
  /// Each inner layer's ADMM split variable and scaled dual, kept from one outer iteration
  /// to the next (a warm start: W̃ moves little between outer iterations).
  std::vector<Dense> Z, U;

  /// H_l by the KL multiplicative rule (the column sums of W_l are one: denominator 1).
  void update_h(size_t l) {
    const Dense& N = terms[l].wt_times_ratio();
    Dense& H = fit.H[l];
    const Vector cs = fit.W[l].colwise().sum().transpose().cwiseMax(o.epsilon);
    H = (H.array() * N.array()).colwise() / cs.array();
    H = H.cwiseMax(o.epsilon);
  }

  /// W_l: majorise the log-det at W̃, then the last layer's BSUM step or the inner
  /// layers' ADMM (docs/models.md §11.9).
  void update_w(size_t l) {
    Dense& W = fit.W[l];
    const Dense& H = fit.H[l];
    // W̃, floored: every entry > 0 keeps c = W̃|A| > 0 (|A| has a positive diagonal), so
    // T > 0 below. A start from elsewhere may hold exact zeros (features never observed).
    const Dense Wt = W.cwiseMax(o.epsilon);
    Dense Q;
    terms[l].ratio_times_ht(Wt, H, Q);  // Q = (Y ⊘ W̃H) Hᵀ
    const Index r = W.cols();
    Dense G = Wt.transpose() * Wt;
    G.diagonal().array() += o.delta;
    const Dense A = Eigen::LLT<Dense>(G).solve(Dense::Identity(r, r));
    const Dense Ap = A.cwiseMax(0.0), Am = (-A).cwiseMax(0.0);
    const Dense c = Wt * (Ap + Am), m = Wt * Am;
    const double a = fit.alphas[l];  // α_l / λ_l: the volume weight in layer l's scaled problem
    const Vector hs = H.rowwise().sum();
    Dense Phi0 = (-4.0 * a) * m;
    Phi0.rowwise() += hs.transpose();
    Dense T = (4.0 * a) * c;
    if (l + 1 == fit.W.size()) {
      solve_columns(Wt, Phi0, Q, T, o.epsilon, W);
      return;
    }
    // ADMM on W = Z: W-step as above plus the penalty (ρ'/2)‖W − Z + U‖², Z-step the
    // next layer's term λ KL(Z | W̄) plus the penalty, in closed form by Wright's ω.
    const double rho_l = o.rho / fit.lambdas[l], nu = o.rho / fit.lambdas[l + 1];
    const Dense Wbar = (fit.W[l + 1] * fit.H[l + 1]).cwiseMax(o.epsilon);
    if (o.w_step == MinvolWStep::paper)
      T.array() += 2.0 * rho_l;
    else
      T += (2.0 * rho_l) * Wt;
    if (Z.size() < fit.W.size()) {
      Z.resize(fit.W.size());
      U.resize(fit.W.size());
    }
    if (Z[l].size() == 0) {
      Z[l] = Wt;
      U[l] = Dense::Zero(W.rows(), r);
    }
    Dense& z = Z[l];
    Dense& u = U[l];
    Dense Wn, Phi;
    const double log_nu = std::log(nu);
    for (int k = 0; k < o.admm_iterations; ++k) {
      Phi = Phi0 - rho_l * (z - u);
      solve_columns(Wt, Phi, Q, T, o.epsilon, Wn);
#pragma omp parallel for schedule(static)
      for (Index j = 0; j < r; ++j)
        for (Index i = 0; i < Wn.rows(); ++i)
          z(i, j) = wright_omega(log_nu + std::log(Wbar(i, j)) + nu * (Wn(i, j) + u(i, j))) / nu;
      u += Wn - z;
      ++fit.admm_iterations;
      if ((Wn - z).norm() <= o.admm_tolerance) break;
    }
    W = std::move(Wn);
  }
};

void run_sweeps(const DataMatrix& X, const MinvolDeepKlOptions& o, MinvolDeepKlResult& fit,
                const Progress& progress) {
  const size_t L = o.layers.size();
  const double eps = o.epsilon;
  // Layer 1 factorises Xᵀ (d×n): sparse KL on the transposed pattern when X is sparse
  // (or mostly zeros), else a dense copy of Xᵀ.
  std::optional<DataMatrix> x_sparse = sparse_copy_for_kl(X);
  const DataMatrix& Y = x_sparse ? *x_sparse : X;
  Dense xt_dense;
  if (!Y.is_sparse()) xt_dense = Y.dense()->transpose();
  std::vector<BetaLayerTerms> terms;
  terms.reserve(L);
  for (size_t l = 0; l < L; ++l) {
    if (l == 0 && Y.is_sparse())
      terms.emplace_back(*Y.sparse_transpose(), *Y.sparse(), eps);
    else
      terms.emplace_back(l == 0 ? xt_dense : fit.W[l - 1], 1.0, eps);
  }
  auto errors_now = [&] {
    std::vector<double> e(L);
    for (size_t l = 0; l < L; ++l) e[l] = terms[l].evaluate(fit.W[l], fit.H[l]);
    return e;
  };
  fit.initial_errors = errors_now();
  fit.lambdas.assign(L, 1.0);
  fit.alphas.assign(L, 0.0);
  for (size_t l = 0; l < L; ++l) {
    const double e0 = fit.initial_errors[l], ld = std::abs(log_det_gram(fit.W[l], o.delta));
    if (e0 > 0.0) fit.lambdas[l] = 1.0 / e0;
    fit.alphas[l] = o.alpha_tilde * (e0 > 0.0 ? e0 : 1.0) / (ld > 1e-12 ? ld : 1.0);
  }
  auto total = [&](const std::vector<double>& e) {
    double f = 0.0;
    for (size_t l = 0; l < L; ++l)
      f += fit.lambdas[l] * (e[l] + fit.alphas[l] * log_det_gram(fit.W[l], o.delta));
    return f;
  };
  fit.layer_errors = fit.initial_errors;
  const std::string stage = "minvol-deep-kl";
  IterationDriver driver(stage, {o.max_iterations, o.tolerance, StopTest::decrease_so_far}, progress,
                         fit.objective);
  Sweep sweep{o, fit, terms, {}, {}};
  for (int it = 1; it <= o.max_iterations; ++it) {
    for (size_t l = 0; l < L; ++l) {
      sweep.update_h(l);
      check_finite(fit.H[l], "H" + std::to_string(l + 1), it, stage);
      sweep.update_w(l);
      check_finite(fit.W[l], "W" + std::to_string(l + 1), it, stage);
    }
    fit.layer_errors = errors_now();  // also readies each layer's next H step
    if (!driver.record(it, total(fit.layer_errors))) break;
  }
  fit.status = driver.status();
  fit.iterations = driver.iterations();
}

/// Columns of W sum to one, H compensates (W H unchanged).
void normalize_columns(Dense& W, Dense& H) {
  for (Index k = 0; k < W.cols(); ++k) {
    const double s = W.col(k).sum();
    if (!(s > 0.0)) continue;
    W.col(k) /= s;
    H.row(k) *= s;
  }
}

}  // namespace

MinvolDeepKlResult fine_tune_minvol_deep_kl(const DataMatrix& X, const MinvolDeepKlOptions& options,
                                            std::vector<Dense> W, std::vector<Dense> H,
                                            const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("minvol-deep-kl");
  const size_t L = options.layers.size();
  if (W.size() != L || H.size() != L) throw InvalidOption("minvol-deep-kl: one W and one H per layer");
  for (size_t l = 0; l < L; ++l) {
    const Index r = options.layers[l], prev = l == 0 ? X.rows() : options.layers[l - 1];
    if (W[l].rows() != X.cols() || W[l].cols() != r || H[l].rows() != r || H[l].cols() != prev)
      throw InvalidOption("minvol-deep-kl: layer " + std::to_string(l + 1) +
                          " needs W d×r_l and H r_l×r_{l−1}");
    if ((W[l].array() < 0).any() || (H[l].array() < 0).any() || !W[l].allFinite() || !H[l].allFinite())
      throw InvalidOption("minvol-deep-kl: initial factors must be finite and nonnegative");
  }
  const auto start = Clock::now();
  MinvolDeepKlResult fit;
  fit.W = std::move(W);
  fit.H = std::move(H);
  run_sweeps(X, options, fit, progress);
  fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return fit;
}

MinvolDeepKlResult fit_minvol_deep_kl(const DataMatrix& X, const MinvolDeepKlOptions& options,
                                      const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("minvol-deep-kl");
  const auto start = Clock::now();
  const size_t L = options.layers.size();
  MinvolDeepKlResult fit;
  const double budget = static_cast<double>(L) * options.pretrain_iterations + options.max_iterations;
  double begin = 0.0;
  for (size_t l = 0; l < L; ++l) {
    NmfOptions no;
    no.rank = options.layers[l];
    no.max_iterations = options.pretrain_iterations;
    no.tolerance = options.pretrain_tolerance;
    no.stop_test = StopTest::relative_to_previous;
    no.seed = options.seed ^ (0xA24BAED4963EE407ull * (static_cast<std::uint64_t>(l) + 1));
    no.loss = NmfLoss::kl;
    no.floor = options.epsilon;
    const double share_weight = options.pretrain_iterations / budget;
    const Progress share = job_share(progress, begin, share_weight);
    begin += share_weight;
    const Progress named =
        renamed_progress(share, "pretrain layer " + std::to_string(l + 1) + "/" + std::to_string(L));
    // Layer 1: X ≈ H_nmf W_nmfᵀ, i.e. Xᵀ ≈ W_nmf H_nmfᵀ; layer l: W_{l−1} ≈ H_nmf W_nmfᵀ.
    NmfResult r = l == 0 ? fit_nmf(X, no, named) : fit_nmf(DataMatrix(fit.W[l - 1]), no, named);
    if (l == 0) {
      fit.W.push_back(std::move(r.W));
      fit.H.push_back(r.H.transpose());
    } else {
      fit.W.push_back(std::move(r.H));
      fit.H.push_back(r.W.transpose());
    }
    normalize_columns(fit.W.back(), fit.H.back());
    fit.pretrain_iterations.push_back(r.iterations);
    if (r.status == Status::stopped_by_callback) {
      fit.status = Status::stopped_by_callback;
      fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return fit;
    }
  }
  run_sweeps(X, options, fit, job_share(progress, begin, 1.0 - begin));
  fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return fit;
}

// ---------------------------------------------------------------- registry entry

namespace {

FitResult fit_minvol_model(const FitInput& input, const OptionValues& v, const Progress& progress) {
  const DataMatrix& X = *input.data;
  MinvolDeepKlOptions o;
  o.layers = resolve_layers(minvol_deep_kl_spec(), v, X.rows(), X.cols(), input.n_clusters);
  o.alpha_tilde = v.real("alpha");
  o.delta = v.real("delta");
  o.rho = v.real("rho");
  o.admm_iterations = static_cast<int>(v.integer("admm-iter"));
  o.w_step = v.choice("w-step") == "exact" ? MinvolWStep::exact : MinvolWStep::paper;
  o.pretrain_iterations = static_cast<int>(v.integer("pretrain-iter"));
  o.pretrain_tolerance = v.real("pretrain-tol");
  o.max_iterations = static_cast<int>(v.integer("iter"));
  o.tolerance = v.real("tol");
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  MinvolDeepKlResult r = fit_minvol_deep_kl(X, o, progress);
  FitResult out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.objective = r.objective;
  out.seconds = r.seconds;
  out.representation = r.representation();
  for (size_t l = 0; l < r.W.size(); ++l) {
    out.factors.push_back({"W" + std::to_string(l + 1), r.W[l]});
    out.factors.push_back({"H" + std::to_string(l + 1), r.H[l]});
  }
  out.extras["layers"] = std::vector<std::int64_t>(o.layers.begin(), o.layers.end());
  out.extras["pretrain_iterations"] =
      std::vector<std::int64_t>(r.pretrain_iterations.begin(), r.pretrain_iterations.end());
  out.extras["lambdas"] = r.lambdas;
  out.extras["alphas"] = r.alphas;
  out.extras["initial_layer_errors"] = r.initial_errors;
  out.extras["layer_errors"] = r.layer_errors;
  out.extras["admm_iterations"] = std::int64_t{r.admm_iterations};
  return out;
}

}  // namespace

ModelSpec minvol_deep_kl_spec() {
  const MinvolDeepKlOptions d;
  ModelSpec s;
  s.name = "minvol-deep-kl";
  s.title =
      "minimum-volume deep KL-NMF: Xᵀ ≈ W1 H1, W1 ≈ W2 H2, ..., column-stochastic W_l, log-det volume "
      "penalty";
  s.paper = "Leplat, Hien, Onwunta, Gillis, arXiv 2309.08249 (Alg. 2)";
  s.section = "docs/models.md §11.9";
  s.input = InputKind::data;
  s.options.push_back(
      option_layers("4k,2k,k (each at most min(n, d))",
                    "layer sizes r1,...,rL, decreasing; (H_L...H_1)ᵀ (n × rL) is the representation"));
  s.options.push_back(real_option("alpha", d.alpha_tilde, 0.0,
                                  "α̃: volume weight relative to each layer's starting error", true));
  s.options.push_back(real_option("delta", d.delta, 0.0, "δ of log det(WᵀW + δI)", true));
  s.options.push_back(real_option("rho", d.rho, 0.0, "ADMM penalty ρ of the inner layers' W steps", true));
  s.options.push_back(
      integer_option("admm-iter", d.admm_iterations, 1, 100000, "ADMM iterations per W step at most"));
  s.options.push_back(
      choice_option("w-step", "exact", {"exact", "paper"},
                    "ADMM W step of the inner layers: the exact minimiser, or the paper's printed "
                    "step (curvature ρ/w̃; not a descent step in our tests)"));
  s.options.push_back(option_pretrain_iterations(d.pretrain_iterations));
  s.options.push_back(option_pretrain_tolerance(d.pretrain_tolerance));
  s.options.push_back(option_iterations(d.max_iterations));
  s.options.push_back(option_tolerance(d.tolerance));
  s.options.push_back(option_seed());
  s.options.push_back(option_restarts(1));
  s.options.push_back(option_normalize("none"));
  s.options.push_back(option_assign("kmeans"));
  s.options.push_back(option_kmeans_normalize("l1"));
  s.options.push_back(option_kmeans_init());
  s.default_layers = divergence_default_layers;
  s.fit = fit_minvol_model;
  return s;
}

}  // namespace dnmf
