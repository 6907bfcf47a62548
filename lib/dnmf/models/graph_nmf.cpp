#include "dnmf/models/graph_nmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "dnmf/cluster/assign.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/graph/spectral.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/asym_rules.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/graph_input.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

void GraphNmfOptions::validate(Index n) const {
  if (rank < 1 || rank > n)
    throw InvalidOption("rank k = " + std::to_string(rank) +
                        " must satisfy 1 <= k <= n = " + std::to_string(n));
  if (max_iterations < 0) throw InvalidOption("max_iterations must be >= 0");
  if (!(tolerance >= 0.0)) throw InvalidOption("tolerance must be >= 0");
  if (!(exponent >= 0.0 && exponent <= 1.0)) throw InvalidOption("exponent must lie in (0, 1] (0 = default)");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
}

namespace {

double mean_entry(const Csr& A) {
  const double n = static_cast<double>(A.rows());
  const double sum = std::accumulate(A.values().begin(), A.values().end(), 0.0);
  return n > 0 ? sum / (n * n) : 0.0;
}

}  // namespace

double symnmf_objective(const Csr& A, const Dense& H) {
  Dense AH, G;
  csr_times_dense(A, H, AH);
  dense_gram(H, G);
  return std::max(0.0, A.squared_norm() - 2.0 * (H.array() * AH.array()).sum() + G.squaredNorm());
}

double asymnmf_objective(const Csr& A, const Dense& H, const Dense& W) {
  Dense AH, G;
  csr_times_dense(A, H, AH);
  dense_gram(H, G);
  const Dense HtAH = H.transpose() * AH;
  return std::max(0.0, A.squared_norm() - 2.0 * (W.array() * HtAH.array()).sum() +
                           (W.array() * (G * W * G).array()).sum());
}

GraphNmfResult fit_symnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress) {
  detail::require_adjacency(A, "symnmf");
  options.validate(A.rows());
  if (!A.is_symmetric())
    throw InvalidOption(
        "symnmf needs a symmetric adjacency (an undirected graph); use asymnmf for directed graphs");
  const Index n = A.rows(), k = options.rank;
  const double gamma = options.exponent > 0.0 ? options.exponent : 1.0 / 3.0;
  // E[(HHᵀ)_ij] = k (s/2)² = mean(A) for entries uniform in [0, s).
  Rng rng(options.seed);
  Dense H = rng.uniform_matrix(n, k, 2.0 * std::sqrt(std::max(mean_entry(A), 1e-300) / k));
  GraphNmfResult r;
  IterationDriver loop("symnmf", {options.max_iterations, options.tolerance}, progress, r.objective);
  const double a2 = A.squared_norm();
  Dense AH, G, denominator, next;
  csr_times_dense(A, H, AH);
  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ [AH ⊘ max(H(HᵀH), δ)]^γ      O(nnz·k + n·k²)
    dense_gram(H, G);
    dense_times(H, G, denominator);
    if (!multiplicative_update_into(H, AH, denominator, options.epsilon, gamma, 0.0, next))
      throw NumericalError("NaN/Inf in H after iteration " + std::to_string(it) + " (symnmf)");
    H.swap(next);
    // Value at the new H; its A·H is the next iteration's numerator.
    csr_times_dense(A, H, AH);
    dense_gram(H, G);
    const double f = std::max(0.0, a2 - 2.0 * (H.array() * AH.array()).sum() + G.squaredNorm());
    if (!loop.record(it, f)) break;
  }
  r.status = loop.status();
  r.iterations = loop.iterations();
  r.seconds = loop.elapsed();
  r.labels = argmax_rows(H);
  r.H = std::move(H);
  return r;
}

AsnmfStart asymnmf_start(const Csr& A, const GraphNmfOptions& options, int which) {
  detail::require_adjacency(A, "asymnmf");
  options.validate(A.rows());
  const Index n = A.rows(), k = options.rank;
  // The rules only rescale entries, so the start decides which block structure W can
  // express: from W ≈ I (+ noise) the fit finds assortative blocks, from a uniform W it
  // also finds blocks linked only across (A ≈ HWHᵀ with W a cyclic pattern), and each
  // start fails on the other kind (measured on planted 4-block graphs). Both start from
  // the same H. E[(HWHᵀ)_ij] ≈ mean(A) for H uniform in [0, s) and W's mean entry w̄:
  // k² (s/2)² w̄.
  // Regenerated from the seed for each start, so only one n×k start exists at a time.
  if (which != 0 && which != 1) throw InvalidOption("asymnmf_start: which must be 0 or 1");
  Rng rng(options.seed);
  AsnmfStart start;
  start.H = rng.uniform_matrix(n, k, 1.0);
  const Dense W_random = rng.uniform_matrix(k, k, 1.0);
  start.W = 0.1 * rng.uniform_matrix(k, k, 1.0);
  start.W.diagonal().array() += 1.0;
  if (which == 1) start.W = W_random;
  start.H *= 2.0 * std::sqrt(std::max(mean_entry(A), 1e-300) / std::max(start.W.mean(), 1e-300)) / k;
  return start;
}

GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, const Progress& progress) {
  // Both starts are run; the factorisation with the lower objective is kept.
  AsnmfStart s0 = asymnmf_start(A, options, 0);
  GraphNmfResult a = fit_asymnmf(A, options, std::move(s0.H), std::move(s0.W), progress);
  AsnmfStart s1 = asymnmf_start(A, options, 1);
  GraphNmfResult b = fit_asymnmf(A, options, std::move(s1.H), std::move(s1.W), progress);
  const double fa = a.objective.empty() ? 0.0 : a.objective.back();
  const double fb = b.objective.empty() ? 0.0 : b.objective.back();
  return fb < fa ? b : a;
}

GraphNmfResult fit_asymnmf(const Csr& A, const GraphNmfOptions& options, Dense H, Dense W,
                           const Progress& progress) {
  detail::require_adjacency(A, "asymnmf");
  options.validate(A.rows());
  const Index n = A.rows(), k = options.rank;
  if (H.rows() != n || H.cols() != k || W.rows() != k || W.cols() != k)
    throw InvalidOption("asymnmf: starting factors must be n×k and k×k");
  const double gamma = options.exponent > 0.0 ? options.exponent : 0.25;
  const bool symmetric = A.is_symmetric();
  const Csr At = symmetric ? Csr() : A.transpose();
  GraphNmfResult r;
  IterationDriver loop("asymnmf", {options.max_iterations, options.tolerance}, progress, r.objective);
  const double a2 = A.squared_norm();
  Dense AH, AtH, G, HtAH, next;
  csr_times_dense(A, H, AH);
  detail::AsymRuleInputs rule;
  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ [(AᵀHW + AHWᵀ) ⊘ H(WᵀGW + WGWᵀ)]^γ, row block by row block in place
    // (no n×k numerator or denominator).      O(nnz·k + n·k² + k³)
    if (!symmetric) csr_times_dense(At, H, AtH);
    dense_gram(H, G);
    rule.N1 = symmetric ? &AH : &AtH;
    rule.N2 = &AH;
    rule.Psi = &H;
    rule.W = W;
    rule.core = W.transpose() * G * W + W * G * W.transpose();
    if (!detail::apply_asym_rule(rule, H, options.epsilon, gamma))
      throw NumericalError("NaN/Inf in H after iteration " + std::to_string(it) + " (asymnmf)");
    // W ← W ⊙ (HᵀAH) ⊘ max(GWG, δ) with the new H.      O(nnz·k + n·k² + k³)
    csr_times_dense(A, H, AH);
    dense_gram(H, G);
    dense_transpose_times(H, AH, HtAH);
    const Dense GWG = G * W * G;
    if (!multiplicative_update_into(W, HtAH, GWG, options.epsilon, 1.0, 0.0, next))
      throw NumericalError("NaN/Inf in W after iteration " + std::to_string(it) + " (asymnmf)");
    W.swap(next);
    const double f =
        std::max(0.0, a2 - 2.0 * (W.array() * HtAH.array()).sum() + (W.array() * (G * W * G).array()).sum());
    if (!loop.record(it, f)) break;
  }
  r.status = loop.status();
  r.iterations = loop.iterations();
  r.seconds = loop.elapsed();
  r.labels = argmax_rows(H);
  r.H = std::move(H);
  r.W = std::move(W);
  return r;
}

// ---------------------------------------------------------------- registry entries

namespace {

GraphNmfOptions graph_nmf_options(const FitInput& input, const OptionValues& v) {
  GraphNmfOptions o;
  o.rank = input.n_clusters;
  o.max_iterations = static_cast<int>(v.integer("iter"));
  o.tolerance = v.real("tol");
  o.exponent = v.has_value("exponent") ? v.real("exponent") : 0.0;
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  return o;
}

FitResult from_graph_nmf(GraphNmfResult r) {
  FitResult out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.objective = std::move(r.objective);
  out.seconds = r.seconds;
  out.representation = r.H;
  out.factors.push_back({"H", std::move(r.H)});
  if (r.W.size()) out.factors.push_back({"W", std::move(r.W)});
  return out;
}

std::vector<OptionSpec> shallow_graph_options(const std::string& exponent_rule) {
  return {option_iterations(500),
          option_tolerance(GraphNmfOptions().tolerance),
          computed_default(option_exponent("exponent", 0.25, "exponent γ of the H rule"), exponent_rule),
          option_seed(),
          option_restarts(1),
          option_assign("argmax", true),
          option_kmeans_normalize("none"),
          option_kmeans_init()};
}

}  // namespace

ModelSpec symnmf_spec() {
  ModelSpec s;
  s.name = "symnmf";
  s.title = "symmetric NMF, A ≈ H Hᵀ, cube-root multiplicative rule (undirected graphs)";
  s.paper = "Kuang, Ding, Park, SDM 2012";
  s.section = "docs/models.md §6";
  s.input = InputKind::graph;
  s.options = shallow_graph_options("1/3");
  s.fit = [](const FitInput& in, const OptionValues& v, const Progress& p) {
    if (in.directed)
      throw InvalidOption(
          "symnmf factorises undirected graphs; use --model asymnmf or dasnmf for --directed input");
    return from_graph_nmf(fit_symnmf(*in.graph, graph_nmf_options(in, v), p));
  };
  return s;
}

ModelSpec asymnmf_spec() {
  ModelSpec s;
  s.name = "asymnmf";
  s.title = "asymmetric NMF / symmetric tri-factorisation, A ≈ H W Hᵀ (directed or undirected graphs)";
  s.paper = "Wang, Li, Wang, Zhang, Zhu, DMKD 2011";
  s.section = "docs/models.md §6";
  s.input = InputKind::graph;
  s.options = shallow_graph_options("1/4");
  s.options.insert(
      s.options.begin(),
      choice_option("normalize", "regularized", {"regularized", "none"},
                    "regularized: factorise (D_out + τ)^-1/2 A (D_in + τ)^-1/2, τ the mean degree; "
                    "none: A itself"));
  s.fit = [](const FitInput& in, const OptionValues& v, const Progress& p) {
    if (v.choice("normalize") == "regularized")
      return from_graph_nmf(fit_asymnmf(regularized_normalization(*in.graph), graph_nmf_options(in, v), p));
    return from_graph_nmf(fit_asymnmf(*in.graph, graph_nmf_options(in, v), p));
  };
  return s;
}

}  // namespace dnmf
