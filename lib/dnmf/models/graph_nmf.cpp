#include "dnmf/models/graph_nmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "dnmf/cluster/assign.hpp"
#include "dnmf/cluster/kmeans.hpp"
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

Dense spectral_start(const Csr& A, int k, std::uint64_t seed, const Dense* embedding) {
  const Index n = A.rows();
  const int dims = static_cast<int>(std::min<Index>(2 * static_cast<Index>(k), n - 1));
  const Dense computed = embedding ? Dense() : spectral_embedding(A, dims, true);
  const Dense& E = embedding ? *embedding : computed;
  KMeansOptions km;
  km.n_clusters = k;
  km.n_init = 10;
  km.seed = seed;
  const std::vector<int> labels = kmeans(E, km).labels;
  Dense H = Dense::Constant(n, k, 0.2);
  for (Index i = 0; i < n; ++i) H(i, labels[static_cast<size_t>(i)]) += 1.0;
  // Σ_ij (HHᵀ)_ij = ‖Hᵀ1‖²: scale H to the graph's total weight.
  const double mass = std::accumulate(A.values().begin(), A.values().end(), 0.0);
  const double current = H.colwise().sum().squaredNorm();
  if (mass > 0 && current > 0) H *= std::sqrt(mass / current);
  return H;
}

GraphNmfResult fit_symnmf_kl(const Csr& A, const GraphNmfOptions& options, Dense H,
                             const Progress& progress) {
  detail::require_adjacency(A, "symnmf");
  options.validate(A.rows());
  if (!A.is_symmetric())
    throw InvalidOption(
        "symnmf needs a symmetric adjacency (an undirected graph); use asymnmf for directed graphs");
  const Index n = A.rows(), k = options.rank;
  if (H.rows() != n || H.cols() != k) throw InvalidOption("symnmf: the start must be n×k");
  GraphNmfResult r;
  IterationDriver loop("symnmf (kl)", {options.max_iterations, options.tolerance}, progress, r.objective);
  // Z shares A's pattern; its values are rewritten each iteration (A_ij / (HHᵀ)_ij).
  Csr Z = A;
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& av = A.values();
  double constant = 0.0;  // Σ A log A − A over the stored entries
  for (double a : av)
    if (a > 0) constant += a * std::log(a) - a;
  Dense Ht, ZH;
  for (int it = 1; it <= options.max_iterations; ++it) {
    // E step on the stored entries (SDDMM): P_ij = ⟨h_i, h_j⟩, Z_ij = A_ij / P_ij.
    Ht = H.transpose();  // k×n: each node's memberships contiguous
    auto& zv = Z.mutable_values();
#pragma omp parallel for schedule(dynamic, 256)
    for (Index i = 0; i < n; ++i)
      for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) {
        const double P = Ht.col(i).dot(Ht.col(ci[p]));
        zv[p] = av[p] / std::max(P, options.epsilon);
      }
    // M step: R = H ⊙ (ZH), H_iz = R_iz / √(Σ_i R_iz).
    csr_times_dense(Z, H, ZH);
    H.array() *= ZH.array();
    const Vector colsum = H.colwise().sum();
    for (Index z = 0; z < k; ++z) H.col(z) /= colsum(z) > 0 ? std::sqrt(colsum(z)) : 1.0;
    if (!H.allFinite())
      throw NumericalError("NaN/Inf in H after iteration " + std::to_string(it) + " (symnmf kl)");
    // Objective at the new H: Σ_stored [A log A − A − A log P] + ‖Hᵀ1‖².
    Ht = H.transpose();
    double cross = 0.0;
#pragma omp parallel for schedule(dynamic, 256) reduction(+ : cross)
    for (Index i = 0; i < n; ++i)
      for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p)
        cross += av[p] * std::log(std::max(Ht.col(i).dot(Ht.col(ci[p])), options.epsilon));
    const double f = std::max(0.0, constant - cross + H.colwise().sum().squaredNorm());
    if (!loop.record(it, f)) break;
  }
  r.status = loop.status();
  r.iterations = loop.iterations();
  r.seconds = loop.elapsed();
  r.labels = argmax_rows(H);
  r.H = std::move(H);
  return r;
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
  Dense H = options.start == GraphStart::spectral
                ? spectral_start(A, static_cast<int>(k), options.seed, options.start_embedding)
                : rng.uniform_matrix(n, k, 2.0 * std::sqrt(std::max(mean_entry(A), 1e-300) / k));
  if (options.loss == SymLoss::kl) return fit_symnmf_kl(A, options, std::move(H), progress);
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
  GraphNmfResult a = fit_asymnmf(A, options, std::move(s0.H), std::move(s0.W), job_share(progress, 0.0, 0.5));
  if (a.status == Status::stopped_by_callback) return a;
  AsnmfStart s1 = asymnmf_start(A, options, 1);
  GraphNmfResult b = fit_asymnmf(A, options, std::move(s1.H), std::move(s1.W), job_share(progress, 0.5, 0.5));
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
  if (v.contains("loss")) o.loss = v.choice("loss") == "kl" ? SymLoss::kl : SymLoss::frobenius;
  if (v.contains("init"))
    o.start = v.choice("init") == "spectral" ? GraphStart::spectral : GraphStart::random;
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
  s.title = "symmetric NMF, A ≈ H Hᵀ, KL (Poisson) or least-squares loss, spectral start (undirected graphs)";
  s.paper = "Kuang, Ding, Park, SDM 2012; KL loss: Ball, Karrer, Newman, Phys. Rev. E 84 (2011)";
  s.section = "docs/models.md §6";
  s.input = InputKind::graph;
  s.options = shallow_graph_options("1/3");
  s.options.insert(
      s.options.begin(),
      {choice_option("loss", "kl", {"kl", "frobenius"},
                     "kl: D_KL(A ‖ HHᵀ), EM on the stored entries; frobenius: ‖A − HHᵀ‖², cube-root rule"),
       choice_option("init", "spectral", {"spectral", "random"},
                     "spectral: k-means on 2k leading eigenvectors of D^-1/2 A D^-1/2, one-hot + 0.2; "
                     "random: seeded uniform")});
  for (auto& o : s.options) {
    // The KL fit from a spectral start improves slowly for hundreds of iterations after
    // the partition is found (MNIST-70k: NMI 0.832 at 329 iterations, 0.834 at 966), and
    // the restarts differ only by the k-means of the start; the lowest KL wins.
    if (o.name == "iter") o.default_value = std::int64_t{1000};
    if (o.name == "tol") o.default_value = 1e-6;
    if (o.name == "restarts") o.default_value = std::int64_t{5};
  }
  s.fit = [](const FitInput& in, const OptionValues& v, const Progress& p) {
    if (in.directed)
      throw InvalidOption(
          "symnmf factorises undirected graphs; use --model asymnmf or dasnmf for --directed input");
    GraphNmfOptions o = graph_nmf_options(in, v);
    if (o.start == GraphStart::spectral && in.cache) {
      // The embedding does not depend on the seed: restarts share it.
      const int dims =
          static_cast<int>(std::min<Index>(2 * static_cast<Index>(o.rank), in.graph->rows() - 1));
      const std::string key = "symnmf spectral embedding " + std::to_string(dims);
      auto it = in.cache->matrices.find(key);
      if (it == in.cache->matrices.end())
        it = in.cache->matrices.emplace(key, spectral_embedding(*in.graph, dims, true)).first;
      o.start_embedding = &it->second;
    }
    return from_graph_nmf(fit_symnmf(*in.graph, o, p));
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
