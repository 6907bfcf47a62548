#include "dnmf/models/dsnmf.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "dnmf/cluster/assign.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/second_order.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/asym_rules.hpp"
#include "dnmf/models/deep_graph_common.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/graph_input.hpp"
#include "dnmf/models/graph_nmf.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/nmf.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

using detail::Clock;
using detail::inner;
using detail::seconds_since;

// ---------------------------------------------------------------------------------
// DSNMF (docs/models.md §7). Notation: layers l = 1..L stored at index l−1; W_l n×r_l,
// H_l r_l×r_{l−1} (r₀ = n), P_l = H_l⋯H₁ (r_l×n), Ψ_{j,l} = H_j⋯H_{l+1} (r_j×r_l),
// ω₁ = 1, ω_l = λ_{l−1}.

namespace {

struct DsnmfWeights {
  std::vector<double> mu, omega;
};

DsnmfWeights dsnmf_weights(const DsnmfOptions& o) {
  const size_t L = o.layers.size();
  DsnmfWeights w;
  w.mu = o.mu.empty() ? std::vector<double>(L, 1.0) : o.mu;
  w.omega.assign(L, 1.0);
  for (size_t l = 1; l < L; ++l) w.omega[l] = o.lambda.empty() ? 1.0 : o.lambda[l - 1];
  return w;
}

/// P_l for every layer (index l−1): P₁ = H₁, P_l = H_l P_{l−1}. O(n·Σ r_l r_{l−1}).
std::vector<Dense> dsnmf_P(const std::vector<Dense>& H) {
  std::vector<Dense> P(H.size());
  P[0] = H[0];
  for (size_t l = 1; l < H.size(); ++l) P[l] = H[l] * P[l - 1];
  return P;
}

}  // namespace

void DsnmfOptions::validate(Index n) const {
  detail::validate_graph_layers(layers, n, "DsnmfOptions");
  if (!mu.empty() && mu.size() != layers.size())
    throw InvalidOption("DsnmfOptions.mu must have one entry per layer");
  if (!lambda.empty() && lambda.size() + 1 != layers.size())
    throw InvalidOption("DsnmfOptions.lambda must have one entry per layer after the first");
  for (double v : mu)
    if (!(v >= 0.0 && std::isfinite(v)))
      throw InvalidOption("DsnmfOptions.mu entries must be finite and >= 0");
  for (double v : lambda)
    if (!(v > 0.0 && std::isfinite(v)))
      throw InvalidOption("DsnmfOptions.lambda entries must be finite and > 0");
  if (pretrain_iterations < 0) throw InvalidOption("DsnmfOptions.pretrain_iterations must be >= 0");
  if (max_iterations < 0) throw InvalidOption("DsnmfOptions.max_iterations must be >= 0");
  if (!(tolerance >= 0.0)) throw InvalidOption("DsnmfOptions.tolerance must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("DsnmfOptions.epsilon must be > 0");
}

double dsnmf_objective(const Csr& X, const DsnmfOptions& options, const std::vector<Dense>& W,
                       const std::vector<Dense>& H) {
  const DsnmfWeights w = dsnmf_weights(options);
  const std::vector<Dense> P = dsnmf_P(H);
  // ‖X − W₁H₁‖² = ‖X‖² − 2⟨XW₁, H₁ᵀ⟩ + ⟨W₁ᵀW₁, H₁H₁ᵀ⟩ (X symmetric), never n×n.
  Dense XW, G1;
  csr_times_dense(X, W[0], XW);
  dense_gram(W[0], G1);
  double f = X.squared_norm() - 2.0 * inner(XW, H[0].transpose()) + inner(G1, H[0] * H[0].transpose());
  f += w.mu[0] * (W[0] - H[0].transpose()).squaredNorm();
  for (size_t l = 1; l < H.size(); ++l)
    f += w.omega[l] *
         ((W[l - 1] - W[l] * H[l]).squaredNorm() + w.mu[l] * (W[l] - P[l].transpose()).squaredNorm());
  return 0.5 * f;
}

DsnmfResult fit_dsnmf(const Csr& X, const DsnmfOptions& options, std::vector<Dense> W, std::vector<Dense> H,
                      const Progress& progress) {
  const size_t L = options.layers.size();
  const Index n = X.rows();
  if (W.size() != L || H.size() != L) throw InvalidOption("dsnmf: one W and one H per layer");
  for (size_t l = 0; l < L; ++l) {
    const Index r = options.layers[l], r_prev = l == 0 ? n : options.layers[l - 1];
    if (W[l].rows() != n || W[l].cols() != r || H[l].rows() != r || H[l].cols() != r_prev)
      throw InvalidOption("dsnmf: factor shapes do not match the layers");
  }
  const DsnmfWeights w = dsnmf_weights(options);
  const double eps = options.epsilon;
  DsnmfResult r;
  const auto start = Clock::now();
  IterationDriver loop("fine-tune", {options.max_iterations, options.tolerance}, progress, r.objective);
  Dense num, den, next, XW, XH;
  for (int it = 1; it <= options.max_iterations; ++it) {
    for (size_t l = 0; l < L; ++l) {
      const bool last = l + 1 == L;
      std::vector<Dense> P = dsnmf_P(H);
      // W_l ← W_l ⊙ [ω_l(W_{l−1}H_lᵀ + μ_l P_lᵀ) + ω_{l+1}W_{l+1}H_{l+1}]
      //          ⊘ [ω_l(W_l(H_lH_lᵀ) + μ_l W_l) + ω_{l+1}W_l]        (W₀ = X)
      if (l == 0) {
        csr_times_transposed(X, H[0], XH);  // X·H₁ᵀ from H₁ (r₁×n): O(nnz·r₁)
        num = XH;
      } else {
        num = W[l - 1] * H[l].transpose();
      }
      num += w.mu[l] * P[l].transpose();
      num *= w.omega[l];
      Dense HHt = H[l] * H[l].transpose();
      den = W[l] * HHt + w.mu[l] * W[l];
      den *= w.omega[l];
      if (!last) {
        num += w.omega[l + 1] * (W[l + 1] * H[l + 1]);
        den += w.omega[l + 1] * W[l];
      }
      if (!multiplicative_update_into(W[l], num, den, eps, 1.0, 0.0, next))
        throw NumericalError("NaN/Inf in W" + std::to_string(l + 1) + " after iteration " +
                             std::to_string(it) + " (dsnmf)");
      W[l].swap(next);
      // H_l ← H_l ⊙ [ω_l W_lᵀW_{l−1} + Σ_{j≥l} ω_jμ_j Ψ_{j,l}ᵀ W_jᵀ P_{l−1}ᵀ]
      //          ⊘ [ω_l (W_lᵀW_l) H_l + Σ_{j≥l} ω_jμ_j (Ψ_{j,l}ᵀΨ_{j,l}) H_l (P_{l−1}P_{l−1}ᵀ)]
      // using P_j = Ψ_{j,l} H_l P_{l−1}; P₀ = I_n is never formed.
      if (l == 0) {
        csr_times_dense(X, W[0], XW);  // W₁ᵀX = (XW₁)ᵀ for symmetric X
        num = XW.transpose();
      } else {
        num = W[l].transpose() * W[l - 1];
      }
      num *= w.omega[l];
      Dense WtW;
      dense_gram(W[l], WtW);
      Dense left = w.omega[l] * WtW;  // coefficient matrix multiplying H_l from the left
      const Dense Q = l == 0 ? Dense() : Dense(P[l - 1] * P[l - 1].transpose());
      Dense M = Dense::Identity(options.layers[l], options.layers[l]);  // Ψ_{j,l}
      Dense weighted = Dense::Zero(options.layers[l], options.layers[l]);
      Dense wsum = Dense::Zero(options.layers[l], n);
      for (size_t j = l; j < L; ++j) {
        if (j > l) M = H[j] * M;
        const double c = w.omega[j] * w.mu[j];
        weighted += c * (M.transpose() * M);
        wsum += c * (M.transpose() * W[j].transpose());  // Σ c Ψ_{j,l}ᵀW_jᵀ (r_l×n)
      }
      if (l == 0) {
        num += wsum;
        den = (left + weighted) * H[0];
      } else {
        num += wsum * P[l - 1].transpose();
        den = left * H[l] + weighted * H[l] * Q;
      }
      if (!multiplicative_update_into(H[l], num, den, eps, 1.0, 0.0, next))
        throw NumericalError("NaN/Inf in H" + std::to_string(l + 1) + " after iteration " +
                             std::to_string(it) + " (dsnmf)");
      H[l].swap(next);
    }
    if (!loop.record(it, dsnmf_objective(X, options, W, H))) break;
  }
  r.status = loop.status();
  r.iterations = loop.iterations();
  r.labels = argmax_rows(W[L - 1]);
  r.W = std::move(W);
  r.H = std::move(H);
  r.seconds = seconds_since(start);
  return r;
}

DsnmfResult fit_dsnmf(const Csr& X, const DsnmfOptions& options, const Progress& progress) {
  detail::require_adjacency(X, "dsnmf");
  options.validate(X.rows());
  if (!X.is_symmetric())
    throw InvalidOption(
        "dsnmf needs a symmetric adjacency (an undirected graph); use dasnmf for directed graphs");
  const auto start = Clock::now();
  // Pre-training [derived, docs/models.md §7.3]: W₁ = H₁ᵀ = SymNMF(X, r₁); (W_l, H_l) = NMF(W_{l−1}, r_l).
  std::vector<Dense> W, H;
  // Shares of the job for the whole-job ETA, by iteration budgets.
  const double budget =
      static_cast<double>(options.layers.size()) * options.pretrain_iterations + options.max_iterations;
  const double layer_share = budget > 0 ? options.pretrain_iterations / budget : 0.0;
  {
    GraphNmfOptions g;
    g.rank = options.layers[0];
    g.max_iterations = options.pretrain_iterations;
    g.tolerance = options.tolerance;
    g.epsilon = options.epsilon;
    g.seed = options.seed;
    GraphNmfResult first =
        fit_symnmf(X, g, renamed_progress(job_share(progress, 0.0, layer_share), "pretrain layer 1"));
    if (first.status == Status::stopped_by_callback) {
      DsnmfResult r;
      r.status = Status::stopped_by_callback;
      return r;
    }
    H.push_back(first.H.transpose());
    W.push_back(std::move(first.H));
  }
  for (size_t l = 1; l < options.layers.size(); ++l) {
    NmfOptions o;
    o.rank = options.layers[l];
    o.max_iterations = options.pretrain_iterations;
    o.tolerance = options.tolerance;
    o.stop_test = StopTest::relative_to_previous;  // a pre-training stage (models/driver.hpp)
    o.epsilon = options.epsilon;
    o.seed = options.seed + l;
    // W_{l−1} (n×r_{l−1}, rows = nodes) ≈ W_l H_l: fit_nmf's H (n×r_l) is W_l, its Wᵀ is H_l.
    NmfResult f =
        fit_nmf(DataMatrix(Dense(W[l - 1])), o,
                renamed_progress(job_share(progress, static_cast<double>(l) * layer_share, layer_share),
                                 "pretrain layer " + std::to_string(l + 1)));
    if (f.status == Status::stopped_by_callback) {
      DsnmfResult r;
      r.status = Status::stopped_by_callback;
      return r;
    }
    W.push_back(std::move(f.H));
    H.push_back(f.W.transpose());
  }
  const double pretrain = seconds_since(start);
  const double tuned = static_cast<double>(options.layers.size()) * layer_share;
  DsnmfResult r = fit_dsnmf(X, options, std::move(W), std::move(H), job_share(progress, tuned, 1.0 - tuned));
  r.pretrain_seconds = pretrain;
  r.seconds = seconds_since(start);
  return r;
}

// ---------------------------------------------------------------- registry entry

ModelSpec dsnmf_spec() {
  const DsnmfOptions d;
  ModelSpec s;
  s.name = "deep-symnmf";
  s.title = "DSNMF: deep symmetric NMF, every layer a penalised symmetric NMF (undirected graphs)";
  s.paper = "De Handschutter, Gillis, Blekic, EUSIPCO 2023 (update rules derived in docs/models.md)";
  s.section = "docs/models.md §7";
  s.input = InputKind::graph;
  OptionSpec mu;
  mu.name = "mu";
  mu.type = OptionType::real_list;
  mu.default_text = "1 for every layer";
  mu.min = 0;
  mu.help = "weights μ_l of W_l ≈ (H_l⋯H_1)ᵀ, one per layer";
  mu.value_name = "M1,M2,...";
  s.options = {detail::deep_graph_layers_option(),
               mu,
               option_pretrain_iterations(d.pretrain_iterations),
               option_iterations(d.max_iterations),
               option_tolerance(d.tolerance),
               option_seed(),
               option_restarts(1),
               option_assign("argmax", true),
               option_kmeans_normalize("none"),
               option_kmeans_init()};
  s.default_layers = [](Index n, Index, int k) { return detail::deep_graph_default_layers(n, k); };
  s.fit = [](const FitInput& in, const OptionValues& v, const Progress& progress) {
    if (in.directed)
      throw InvalidOption(
          "deep-symnmf factorises undirected graphs; use --model asymnmf or dasnmf for --directed input");
    DsnmfOptions o;
    o.layers = detail::deep_graph_layers(v, in.graph->rows(), in.n_clusters);
    if (v.has_value("mu")) o.mu = v.reals("mu");
    o.pretrain_iterations = static_cast<int>(v.integer("pretrain-iter"));
    o.max_iterations = static_cast<int>(v.integer("iter"));
    o.tolerance = v.real("tol");
    o.seed = static_cast<std::uint64_t>(v.integer("seed"));
    DsnmfResult r = fit_dsnmf(*in.graph, o, progress);
    FitResult out;
    out.status = r.status;
    out.iterations = r.iterations;
    out.objective = std::move(r.objective);
    out.seconds = r.seconds;
    if (!r.W.empty()) out.representation = r.W.back();
    for (size_t i = 0; i < r.W.size(); ++i)
      out.factors.push_back({"W" + std::to_string(i + 1), std::move(r.W[i])});
    for (size_t i = 0; i < r.H.size(); ++i)
      out.factors.push_back({"H" + std::to_string(i + 1), std::move(r.H[i])});
    out.extras["layers"] = std::vector<std::int64_t>(o.layers.begin(), o.layers.end());
    out.extras["pretrain_seconds"] = r.pretrain_seconds;
    return out;
  };
  return s;
}

}  // namespace dnmf
