#include "dnmf/models/deep_beta.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/models/beta_layer.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/nmf.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

void DeepBetaOptions::validate(Index n, Index d) const {
  if (layers.empty()) throw InvalidOption("deep-beta needs at least one layer");
  const Index limit = std::min(n, d);
  for (size_t l = 0; l < layers.size(); ++l)
    if (layers[l] < 1 || layers[l] > limit)
      throw InvalidOption("layer " + std::to_string(l + 1) + " has width " + std::to_string(layers[l]) +
                          "; deep-beta needs 1 <= r_l <= min(n, d) = " + std::to_string(limit));
  if (!(beta == 1.0 || beta == 1.5))
    throw InvalidOption("beta = " + format_option_value(beta) +
                        ": deep-beta implements β = 1 (KL) and β = 1.5");
  if (!lambdas.empty() && lambdas.size() != layers.size())
    throw InvalidOption("lambdas: " + std::to_string(lambdas.size()) + " weights for " +
                        std::to_string(layers.size()) + " layers");
  for (const double l : lambdas)
    if (!(l > 0.0) || !std::isfinite(l)) throw InvalidOption("lambdas must be finite and > 0");
  if (pretrain_iterations < 1) throw InvalidOption("pretrain_iterations must be >= 1");
  if (max_iterations < 0) throw InvalidOption("max_iterations must be >= 0");
  if (!(tolerance >= 0.0) || !(pretrain_tolerance >= 0.0)) throw InvalidOption("tolerances must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
}

double wright_omega(double z) {
  if (std::isnan(z)) return z;
  if (z == -std::numeric_limits<double>::infinity()) return 0.0;
  // Newton on t = log ω: g(t) = eᵗ + t − z is convex and increasing and both starts lie
  // right of its root (g(z) = eᶻ > 0; g(log z) = log z > 0 for z ≥ 1), so the iterates
  // decrease monotonically to it and eᵗ never overflows.
  double t = z < 1.0 ? z : std::log(z);
  for (int i = 0; i < 100; ++i) {
    const double e = std::exp(t);
    const double step = (e + t - z) / (e + 1.0);
    t -= step;
    if (!(std::abs(step) > 4e-16 * (1.0 + std::abs(t)))) break;
  }
  return std::exp(t);
}

namespace {

using Clock = std::chrono::steady_clock;

/// H ← the minimiser of the β-majoriser at H under H 1 = 1 (docs/models.md §11.3), given
/// N = Wᵀ(V^{β−2} ⊙ Y) and Dn = Wᵀ V^{β−1}; KL (Dn constant along rows) in closed form,
/// otherwise one Newton solve per row for the multiplier μ_k.
void update_h_rows(Dense& H, const Dense& N, const Dense* Dn, double eps) {
  const Index c = H.cols();
#pragma omp parallel for schedule(static)
  for (Index k = 0; k < H.rows(); ++k) {
    if (!Dn) {
      double s = 0.0;
      for (Index j = 0; j < c; ++j) s += H(k, j) * N(k, j);
      if (s > 0.0)
        for (Index j = 0; j < c; ++j) H(k, j) = std::max(H(k, j) * N(k, j) / s, eps);
      continue;
    }
    // f(μ) = Σ_j H_kj N_kj / (Dn_kj − μ) − 1 is increasing and convex for μ < min_j Dn_kj;
    // Newton from a point where f ≥ 0 decreases monotonically to the root.
    Index jmin = 0;
    for (Index j = 1; j < c; ++j)
      if ((*Dn)(k, j) < (*Dn)(k, jmin)) jmin = j;
    const double first = H(k, jmin) * N(k, jmin);
    if (!(first > 0.0)) {
      // Degenerate row (no numerator at its smallest denominator): fall back to the
      // unconstrained step, then rescale the row.
      double s = 0.0;
      for (Index j = 0; j < c; ++j) s += H(k, j) * N(k, j) / std::max((*Dn)(k, j), eps);
      if (s > 0.0)
        for (Index j = 0; j < c; ++j)
          H(k, j) = std::max(H(k, j) * N(k, j) / std::max((*Dn)(k, j), eps) / s, eps);
      continue;
    }
    double mu = (*Dn)(k, jmin) - first;
    for (int it = 0; it < 10000; ++it) {
      double f = -1.0, g = 0.0;
      for (Index j = 0; j < c; ++j) {
        const double q = H(k, j) * N(k, j) / ((*Dn)(k, j) - mu);
        f += q;
        g += q / ((*Dn)(k, j) - mu);
      }
      if (!(g > 0.0)) break;
      const double step = f / g;
      mu -= step;
      if (!(std::abs(step) > 1e-12 * (1.0 + std::abs(mu)))) break;
    }
    for (Index j = 0; j < c; ++j) H(k, j) = std::max(H(k, j) * N(k, j) / ((*Dn)(k, j) - mu), eps);
  }
}

/// The deep sweeps (docs/models.md §11.3–11.5) from the factors in `fit`.
void run_deep_sweeps(const DataMatrix& X, const DeepBetaOptions& o, DeepBetaResult& fit,
                     const Progress& progress) {
  const size_t L = o.layers.size();
  const double eps = o.epsilon;
  // β = 3/2 on sparse X: the n×d products are dense anyway (docs/models.md §11.6).
  Dense x_dense;
  std::optional<DataMatrix> x_sparse = o.beta == 1.0 ? sparse_copy_for_kl(X) : std::nullopt;
  const DataMatrix& Y = x_sparse ? *x_sparse : X;
  const bool sparse_kl = Y.is_sparse() && o.beta == 1.0;
  if (!sparse_kl) x_dense = dense_for_beta(X, o.beta, "deep-beta");
  std::vector<BetaLayerTerms> terms;
  terms.reserve(L);
  for (size_t l = 0; l < L; ++l) {
    if (l == 0 && sparse_kl)
      terms.emplace_back(*Y.sparse(), *Y.sparse_transpose(), eps);
    else
      terms.emplace_back(l == 0 ? x_dense : fit.W[l - 1], o.beta, eps);
  }
  auto errors_now = [&] {
    std::vector<double> e(L);
    for (size_t l = 0; l < L; ++l) e[l] = terms[l].evaluate(fit.W[l], fit.H[l]);
    return e;
  };
  fit.initial_errors = errors_now();
  if (o.lambdas.empty()) {
    fit.lambdas.resize(L);
    for (size_t l = 0; l < L; ++l)
      fit.lambdas[l] = fit.initial_errors[l] > 0.0 ? 1.0 / fit.initial_errors[l] : 1.0;
  } else {
    fit.lambdas = o.lambdas;
  }
  fit.layer_errors = fit.initial_errors;
  auto total = [&](const std::vector<double>& e) {
    double f = 0.0;
    for (size_t l = 0; l < L; ++l) f += fit.lambdas[l] * e[l];
    return f;
  };
  const std::string stage = "deep-beta";
  IterationDriver driver(stage, {o.max_iterations, o.tolerance, StopTest::decrease_so_far}, progress,
                         fit.objective);
  Dense Dn, Q, SHt, Wbar;
  for (int it = 1; it <= o.max_iterations; ++it) {
    for (size_t l = 0; l < L; ++l) {
      Dense& W = fit.W[l];
      Dense& H = fit.H[l];
      // H_l: the terms were left at (W_{l−1}, W_l, H_l) by the previous evaluation.
      const Dense& N = terms[l].wt_times_ratio();
      if (o.beta == 1.0) {
        update_h_rows(H, N, nullptr, eps);
      } else {
        Dn.noalias() = W.transpose() * terms[l].sqrt_v();
        update_h_rows(H, N, &Dn, eps);
      }
      check_finite(H, "H" + std::to_string(l + 1), it, stage);
      // W_l with the new H_l.
      terms[l].ratio_times_ht(W, H, Q);
      if (o.beta != 1.0) SHt.noalias() = terms[l].sqrt_v() * H.transpose();
      const Vector hs = H.rowwise().sum();
      if (l + 1 < L) {
        // W_l is also the data of layer l+1: per entry, the exact minimiser of the
        // majoriser plus λ D_β(W_l, W̄), λ = λ_{l+1}/λ_l, W̄ = W_{l+1} H_{l+1} (§11.4).
        const double lambda = fit.lambdas[l + 1] / fit.lambdas[l];
        Wbar.noalias() = fit.W[l + 1] * fit.H[l + 1];
#pragma omp parallel for schedule(static)
        for (Index k = 0; k < W.cols(); ++k)
          for (Index i = 0; i < W.rows(); ++i) {
            const double wbar = std::max(Wbar(i, k), eps);
            double w;
            if (o.beta == 1.0) {
              // a + λ log w = b / w: w = exp(ω(z) − a/λ), z = log(b/λ) + a/λ (b = 0: e^{−a/λ}).
              const double a = hs(k) - lambda * std::log(wbar);
              const double b = W(i, k) * Q(i, k);
              w = b > 0.0 ? std::exp(wright_omega(std::log(b / lambda) + a / lambda) - a / lambda)
                          : std::exp(-a / lambda);
            } else {
              // A s² − C s − B = 0 for s = √w (β = 3/2).
              const double sw = std::sqrt(W(i, k));
              const double A = SHt(i, k) / std::max(sw, eps) + 2.0 * lambda;
              const double B = sw * Q(i, k);
              const double C = 2.0 * lambda * std::sqrt(wbar);
              const double s = (C + std::sqrt(C * C + 4.0 * A * B)) / (2.0 * A);
              w = s * s;
            }
            W(i, k) = std::max(w, eps);
          }
      } else {
        // The last layer: plain β multiplicative update (§11.5).
        for (Index k = 0; k < W.cols(); ++k) {
          if (o.beta == 1.0)
            W.col(k).array() *= Q.col(k).array() / std::max(hs(k), eps);
          else
            W.col(k).array() *= Q.col(k).array() / SHt.col(k).array().max(eps);
          W.col(k) = W.col(k).cwiseMax(eps);
        }
      }
      check_finite(W, "W" + std::to_string(l + 1), it, stage);
    }
    // The objective at the new factors; the same passes leave every layer's terms ready
    // for the next sweep's H steps.
    fit.layer_errors = errors_now();
    if (!driver.record(it, total(fit.layer_errors))) break;
  }
  fit.status = driver.status();
  fit.iterations = driver.iterations();
}

/// Rows of H sum to one, W compensates (W H unchanged).
void normalize_rows(Dense& W, Dense& H) {
  for (Index k = 0; k < H.rows(); ++k) {
    const double s = H.row(k).sum();
    if (!(s > 0.0)) continue;
    H.row(k) /= s;
    W.col(k) *= s;
  }
}

std::uint64_t deep_layer_seed(std::uint64_t seed, size_t layer) {
  return seed ^ (0xD1B54A32D192ED03ull * (static_cast<std::uint64_t>(layer) + 1));
}

}  // namespace

DeepBetaResult fine_tune_deep_beta(const DataMatrix& X, const DeepBetaOptions& options, std::vector<Dense> W,
                                   std::vector<Dense> H, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("deep-beta");
  const size_t L = options.layers.size();
  if (W.size() != L || H.size() != L) throw InvalidOption("deep-beta: one W and one H per layer");
  for (size_t l = 0; l < L; ++l) {
    const Index r = options.layers[l], prev = l == 0 ? X.cols() : options.layers[l - 1];
    if (W[l].rows() != X.rows() || W[l].cols() != r || H[l].rows() != r || H[l].cols() != prev)
      throw InvalidOption("deep-beta: layer " + std::to_string(l + 1) + " needs W n×r_l and H r_l×r_{l−1}");
    if ((W[l].array() < 0).any() || (H[l].array() < 0).any() || !W[l].allFinite() || !H[l].allFinite())
      throw InvalidOption("deep-beta: initial factors must be finite and nonnegative");
  }
  const auto start = Clock::now();
  DeepBetaResult fit;
  fit.W = std::move(W);
  fit.H = std::move(H);
  run_deep_sweeps(X, options, fit, progress);
  fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return fit;
}

DeepBetaResult fit_deep_beta(const DataMatrix& X, const DeepBetaOptions& options, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("deep-beta");
  const auto start = Clock::now();
  const size_t L = options.layers.size();
  DeepBetaResult fit;
  // Shares of the job for the whole-job ETA, by iteration budgets times the cost of one
  // iteration of each stage (§11.6): layer 1 touches the stored entries of X, deeper layers
  // the dense n×r_{l−1} matrices; a deep sweep costs about two passes of every layer.
  std::vector<double> cost(L);
  for (size_t l = 0; l < L; ++l)
    cost[l] = static_cast<double>(options.layers[l]) *
              (l == 0 ? static_cast<double>(X.stored_entries())
                      : static_cast<double>(X.rows()) * options.layers[l - 1]);
  double budget = 0.0, sweep = 0.0;
  for (const double c : cost) {
    budget += c * options.pretrain_iterations;
    sweep += 2.0 * c;
  }
  budget += sweep * options.max_iterations;
  double begin = 0.0;
  for (size_t l = 0; l < L; ++l) {
    const double layer_share = cost[l] * options.pretrain_iterations / budget;
    NmfOptions no;
    no.rank = options.layers[l];
    no.max_iterations = options.pretrain_iterations;
    no.tolerance = options.pretrain_tolerance;
    no.stop_test = StopTest::relative_to_previous;
    no.seed = deep_layer_seed(options.seed, l);
    no.loss = options.beta == 1.0 ? NmfLoss::kl : NmfLoss::beta;
    no.beta = options.beta;
    no.floor = options.epsilon;  // the reference floors every factor at eps
    const std::string stage = "pretrain layer " + std::to_string(l + 1) + "/" + std::to_string(L);
    const Progress share = job_share(progress, begin, layer_share);
    begin += layer_share;
    const Progress named = renamed_progress(share, stage);
    // β-NMF of the previous layer's W: our fit_nmf writes Y ≈ H_nmf W_nmfᵀ, so this layer's
    // W_l is its H (n × r_l) and H_l its Wᵀ (r_l × r_{l−1}).
    NmfResult r = l == 0 ? fit_nmf(X, no, named) : fit_nmf(DataMatrix(fit.W[l - 1]), no, named);
    fit.W.push_back(std::move(r.H));
    fit.H.push_back(r.W.transpose());
    normalize_rows(fit.W.back(), fit.H.back());
    fit.pretrain_iterations.push_back(r.iterations);
    if (r.status == Status::stopped_by_callback) {
      fit.status = Status::stopped_by_callback;
      fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return fit;
    }
  }
  run_deep_sweeps(X, options, fit, job_share(progress, begin, 1.0 - begin));
  fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return fit;
}

std::vector<double> deep_beta_layer_errors(const DataMatrix& X, const std::vector<Dense>& W,
                                           const std::vector<Dense>& H, double beta) {
  std::vector<double> e;
  const double eps = DeepBetaOptions{}.epsilon;
  for (size_t l = 0; l < W.size(); ++l) {
    if (l == 0) {
      e.push_back(beta_divergence(X, H[0].transpose(), W[0], beta));
    } else {
      Dense V = (W[l] * H[l]).cwiseMax(eps);
      e.push_back(dense_beta_divergence(W[l - 1], V, beta));
    }
  }
  return e;
}

// ---------------------------------------------------------------- registry entry

std::vector<std::int64_t> divergence_default_layers(Index n, Index d, int k) {
  const std::int64_t r = std::max(k, 1), cap = std::max<std::int64_t>(1, std::min<std::int64_t>(n, d));
  std::vector<std::int64_t> layers{4 * r, 2 * r, r};
  for (auto& w : layers) w = std::min(w, cap);
  return layers;
}

namespace {

FitResult fit_deep_beta_model(const FitInput& input, const OptionValues& v, const Progress& progress) {
  const DataMatrix& X = *input.data;
  DeepBetaOptions o;
  o.layers = resolve_layers(deep_beta_spec(), v, X.rows(), X.cols(), input.n_clusters);
  o.beta = v.real("beta");
  if (v.has_value("lambdas")) o.lambdas = v.reals("lambdas");
  o.pretrain_iterations = static_cast<int>(v.integer("pretrain-iter"));
  o.pretrain_tolerance = v.real("pretrain-tol");
  o.max_iterations = static_cast<int>(v.integer("iter"));
  o.tolerance = v.real("tol");
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  DeepBetaResult r = fit_deep_beta(X, o, progress);
  FitResult out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.objective = r.objective;
  out.seconds = r.seconds;
  out.representation = r.W.back();
  for (size_t l = 0; l < r.W.size(); ++l) {
    out.factors.push_back({"W" + std::to_string(l + 1), r.W[l]});
    out.factors.push_back({"H" + std::to_string(l + 1), r.H[l]});
  }
  std::vector<std::int64_t> layers(o.layers.begin(), o.layers.end());
  std::vector<std::int64_t> pretrain(r.pretrain_iterations.begin(), r.pretrain_iterations.end());
  out.extras["layers"] = layers;
  out.extras["beta"] = o.beta;
  out.extras["pretrain_iterations"] = pretrain;
  out.extras["lambdas"] = r.lambdas;
  out.extras["initial_layer_errors"] = r.initial_errors;
  out.extras["layer_errors"] = r.layer_errors;
  return out;
}

}  // namespace

ModelSpec deep_beta_spec() {
  const DeepBetaOptions d;
  ModelSpec s;
  s.name = "deep-beta";
  s.title =
      "deep β-NMF: layer-centric KL (or β = 3/2) chain X ≈ W1 H1, W1 ≈ W2 H2, ..., rows of H_l summing to 1";
  s.paper = "Leplat, Hien, Onwunta, Gillis, arXiv 2309.08249";
  s.section = "docs/models.md §11";
  s.input = InputKind::data;
  s.options.push_back(option_layers("4k,2k,k (each at most min(n, d))",
                                    "layer sizes r1,...,rL, decreasing; W_L (n × rL) is the representation"));
  s.options.push_back(real_option("beta", d.beta, 1.0, "β of the divergence: 1 (KL, sparse-first) or 1.5"));
  OptionSpec lambdas =
      real_option("lambdas", 0.0, 0.0, "weights λ_l of the layer errors, one per layer", true);
  lambdas.type = OptionType::real_list;
  lambdas.value_name = "L1,L2,...";
  s.options.push_back(computed_default(lambdas, "1 / (each layer's error at the multilayer start)"));
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
  s.check = [](const FitInput& in, const OptionValues& v) {
    std::vector<std::string> warnings;
    const double beta = v.real("beta");
    if (!(beta == 1.0 || beta == 1.5))
      throw InvalidOption("--beta " + format_option_value(beta) +
                          ": deep-beta implements β = 1 (KL) and β = 1.5");
    if (in.data && in.data->is_sparse() && beta != 1.0)
      warnings.push_back("deep-beta with β = 1.5 works on a dense copy of the sparse data (n×d products)");
    return warnings;
  };
  s.fit = fit_deep_beta_model;
  return s;
}

}  // namespace dnmf
