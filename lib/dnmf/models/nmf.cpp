#include "dnmf/models/nmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/init.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

void NmfOptions::validate(Index n, Index d) const {
  const Index limit = std::min(n, d);
  if (rank < 1 || rank > limit)
    throw InvalidOption("rank = " + std::to_string(rank) +
                        " must satisfy 1 <= rank <= min(n, d) = " + std::to_string(limit));
  if (max_iterations < 1)
    throw InvalidOption("max_iterations = " + std::to_string(max_iterations) + " must be >= 1");
  if (!(tolerance >= 0.0)) throw InvalidOption("tolerance must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
  if (!(floor >= 0.0)) throw InvalidOption("floor must be >= 0");
}

double nmf_objective(const DataMatrix& X, const Dense& W, const Dense& H) {
  Dense XtH;
  X.transpose_times(H, XtH);
  // ‖X − HWᵀ‖² = ‖X‖² − 2⟨W, XᵀH⟩ + ⟨WᵀW, HᵀH⟩: k×k Grams instead of the n×d residual.
  const double f = X.squared_norm() - 2.0 * (W.array() * XtH.array()).sum() +
                   ((W.transpose() * W).array() * (H.transpose() * H).array()).sum();
  return std::max(f, 0.0);  // cancellation may leave a tiny negative value at an exact fit
}

NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  const Index k = options.rank;
  // Scale the random start like scikit-learn's "random" init, so that HWᵀ has X's mean.
  const double scale = std::sqrt(std::max(X.mean_value(), 1e-300) / static_cast<double>(k));
  Rng rng(options.seed);
  Dense W = rng.uniform_matrix(X.cols(), k, scale);
  Dense H = rng.uniform_matrix(X.rows(), k, scale);
  return fit_nmf(X, options, std::move(W), std::move(H), progress);
}

NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                  const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  const Index k = options.rank;
  if (W.rows() != X.cols() || W.cols() != k || H.rows() != X.rows() || H.cols() != k)
    throw InvalidOption("initial factors must be W: d×k = " + std::to_string(X.cols()) + "×" +
                        std::to_string(k) + " and H: n×k = " + std::to_string(X.rows()) + "×" +
                        std::to_string(k));
  if ((W.array() < 0).any() || (H.array() < 0).any() || !W.allFinite() || !H.allFinite())
    throw InvalidOption("initial factors must be finite and nonnegative");

  const auto start = std::chrono::steady_clock::now();
  const double x_norm2 = X.squared_norm();
  NmfResult result;
  result.objective.reserve(static_cast<size_t>(options.max_iterations));
  Dense XW, XtH, gram(k, k), denominator;
  IterationDriver driver("nmf", {options.max_iterations, options.tolerance, options.stop_test}, progress,
                         result.objective);

  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ (XW) ⊘ max(H(WᵀW), δ)     O(nnz·k + n·k²)
    X.times(W, XW);
    gram.noalias() = W.transpose() * W;
    denominator.noalias() = H * gram;
    multiplicative_update(H, XW, denominator, options.epsilon, 1.0, options.floor);
    check_finite(H, "H", it, "nmf");

    // W ← W ⊙ (XᵀH) ⊘ max(W(HᵀH), δ)    O(nnz·k + d·k²)
    X.transpose_times(H, XtH);
    gram.noalias() = H.transpose() * H;
    denominator.noalias() = W * gram;
    multiplicative_update(W, XtH, denominator, options.epsilon, 1.0, options.floor);
    check_finite(W, "W", it, "nmf");

    // Objective with the new W and H; XᵀH and HᵀH are those of the new H. O(d·k²).
    const double f = std::max(0.0, x_norm2 - 2.0 * (W.array() * XtH.array()).sum() +
                                       ((W.transpose() * W).array() * gram.array()).sum());
    if (!driver.record(it, f)) break;
  }
  result.status = driver.status();
  result.iterations = driver.iterations();
  result.W = std::move(W);
  result.H = std::move(H);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// ---------------------------------------------------------------- registry entry

namespace {

FitResult fit_nmf_model(const FitInput& input, const OptionValues& v, const Progress& progress) {
  const DataMatrix& X = *input.data;
  NmfOptions o;
  o.rank = resolve_layers(nmf_spec(), v, X.rows(), X.cols(), input.n_clusters).front();
  o.max_iterations = static_cast<int>(v.integer("iter"));
  o.tolerance = v.real("tol");
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  const NmfInit init = parse_nmf_init(v.choice("init"));
  NmfResult r;
  if (init == NmfInit::random) {
    r = fit_nmf(X, o, progress);
  } else {
    o.validate(X.rows(), X.cols());
    NmfStart start = nmf_start(X, o.rank, init, o.seed);
    r = fit_nmf(X, o, std::move(start.W), std::move(start.H), progress);
  }
  FitResult out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.objective = std::move(r.objective);
  out.seconds = r.seconds;
  out.representation = r.H;
  out.factors = {{"W", std::move(r.W)}, {"H", std::move(r.H)}};
  out.extras["rank"] = std::int64_t{o.rank};
  return out;
}

}  // namespace

ModelSpec nmf_spec() {
  const NmfOptions d;
  ModelSpec s;
  s.name = "nmf";
  s.title = "plain NMF, X ≈ H Wᵀ, by Lee–Seung multiplicative updates (Frobenius loss)";
  s.paper = "Lee & Seung, NIPS 2001";
  s.section = "docs/models.md §2";
  s.input = InputKind::data;
  OptionSpec rank = integer_option("rank", 0, 1, 2147483647, "factorisation rank r (the width of H)");
  rank.value_name = "R";
  s.options = {computed_default(rank, "k, at most min(n, d)"),
               option_iterations(d.max_iterations),
               option_tolerance(d.tolerance),
               option_init("random"),
               option_seed(),
               option_restarts(1),
               option_normalize("none"),
               option_assign("kmeans"),
               option_kmeans_normalize("none"),
               option_kmeans_init()};
  s.default_layers = [](Index n, Index dim, int k) {
    return std::vector<std::int64_t>{std::max<std::int64_t>(1, std::min<std::int64_t>({k, n, dim}))};
  };
  s.fit = fit_nmf_model;
  return s;
}

}  // namespace dnmf
