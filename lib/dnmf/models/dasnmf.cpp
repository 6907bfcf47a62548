#include "dnmf/models/dasnmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "dnmf/cluster/assign.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/graph/second_order.hpp"
#include "dnmf/graph/spectral.hpp"
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

namespace {

/// Product of the factors first..last (inclusive, 0-based) of a chain, `identity` rows
/// when the range is empty. Small r×r matrices only.
Dense chain_product(const std::vector<Dense>& H, size_t first, size_t last_plus_one, Index identity) {
  if (first >= last_plus_one)
    return Dense::Identity(identity, identity);  // unused by callers with identity 0
  Dense P = H[first];
  for (size_t j = first + 1; j < last_plus_one; ++j) P = P * H[j];
  return P;
}

// ---------------------------------------------------------------------------------
// DAsNMF products for one value of Ψ (docs/models.md §8.3):
//   N2 = A_SΨ, N1 = A_SᵀΨ,  CΨ and CᵀΨ with C = diag(w)·B·diag(m)   — C is never formed.
// pattern(A) ⊆ pattern(A_S), so CΨ comes out of the same pass over A_S as A_SΨ (second
// value array: w_i m_j on A's entries, 0 on the second-order-only ones), and CᵀΨ out of
// the pass over A_Sᵀ (values m_j w_i on A's entries): two gathering passes instead of four.
// O(nnz(A_S)·k).
struct DasnmfProducts {
  Dense N1, N2, CPsi, CtPsi;
  void compute(const DasnmfProblem& p, const Dense& Psi) {
    if (p.lambda > 0.0) {
      csr_times_dense_dual(p.AS, p.as_pattern_values, Psi, N2, CPsi);
      csr_times_dense_dual(p.ASt, p.ast_influence_values, Psi, N1, CtPsi);
    } else {
      csr_times_dense(p.AS, Psi, N2);
      if (p.ASt.rows() > 0) csr_times_dense(p.ASt, Psi, N1);
    }
  }
  const Dense& at_psi(const DasnmfProblem& p) const { return p.ASt.rows() > 0 ? N1 : N2; }
};

/// For each stored entry (i, j) of M (in M's order): weight[i or j] if P has the entry
/// (i, j), else 0 — P's pattern must be contained in M's (both CSR, sorted rows). O(nnz).
std::vector<double> values_on_pattern(const Csr& M, const Csr& P, const Vector* row_weight,
                                      const Vector* col_weight) {
  std::vector<double> out(static_cast<size_t>(M.nnz()), 0.0);
  const auto &mr = M.row_ptr(), &pr = P.row_ptr();
  const auto &mc = M.col_idx(), &pc = P.col_idx();
  const auto& pv = P.values();
  for (Index i = 0; i < M.rows(); ++i) {
    Csr::Offset q = pr[i];
    for (Csr::Offset e = mr[i]; e < mr[i + 1]; ++e) {
      while (q < pr[i + 1] && pc[q] < mc[e]) ++q;
      if (q < pr[i + 1] && pc[q] == mc[e] && pv[q] != 0.0) {
        double w = 1.0;
        if (row_weight) w *= (*row_weight)(i);
        if (col_weight) w *= (*col_weight)(mc[e]);
        out[static_cast<size_t>(e)] = w;
      }
    }
  }
  return out;
}

/// Value from the products at Ψ:
///   ‖A_S‖² − 2⟨W, ΨᵀN2⟩ + ⟨W, GWG⟩ + λ[Σ_i degree_i ‖ψ_i‖² − 2⟨Ψ, CΨ⟩].
double dasnmf_value(const DasnmfProblem& p, const Dense& Psi, const Dense& W, const DasnmfProducts& prod,
                    const Dense& G, const Dense& PtAP) {
  double f = p.as_squared_norm - 2.0 * inner(W, PtAP) + inner(W, G * W * G);
  if (p.lambda > 0.0) {
    const double smooth = p.degree.dot(Psi.rowwise().squaredNorm()) - 2.0 * inner(Psi, prod.CPsi);
    f += p.lambda * smooth;
  }
  return f;
}

/// The chain's running products: Ψ_i = H₁⋯H_i for 1 ≤ i < p (Ψ₁ is H₁ itself, never
/// copied) and Ψ = Ψ_p in its own buffer.
class Chain {
 public:
  explicit Chain(const std::vector<Dense>& H) : H_(H), prefix_(H.size()) {
    for (size_t i = 1; i + 1 < H.size(); ++i) dense_times(at(i - 1), H[i], prefix_[i]);
    refresh_psi(H.size() - 1);
  }
  /// Ψ_{i+1} = H₁⋯H_{i+1} (0-based i < p − 1), or Ψ for i = p − 1.
  const Dense& at(size_t i) const {
    if (i + 1 == H_.size()) return psi_;
    return i == 0 ? H_[0] : prefix_[i];
  }
  const Dense& psi() const { return psi_; }
  /// After H_i (0-based) changed: Ψ_{i+1} = Ψ_i·H_i and Ψ = Ψ_{i+1}·Φ_{i+2}.
  /// O(n·r_{i−1}·r_i + n·r_i·k).
  void refresh(size_t i) {
    if (i > 0 && i + 1 < H_.size()) dense_times(at(i - 1), H_[i], prefix_[i]);
    refresh_psi(i);
  }

 private:
  void refresh_psi(size_t i) {
    const size_t p = H_.size();
    if (p == 1) {
      psi_ = H_[0];
    } else if (i + 1 == p) {
      dense_times(at(p - 2), H_[p - 1], psi_);
    } else {
      dense_times(at(i), chain_product(H_, i + 1, p, 0), psi_);
    }
  }
  const std::vector<Dense>& H_;
  std::vector<Dense> prefix_;
  Dense psi_;
};

/// The rule's inputs at the current Ψ (G = ΨᵀΨ given).
detail::AsymRuleInputs rule_inputs(const DasnmfProblem& problem, const std::vector<Dense>& H, const Dense& W,
                                   const Dense& Psi, const Dense& G, const DasnmfProducts& prod, size_t i) {
  detail::AsymRuleInputs in;
  in.N1 = &prod.at_psi(problem);
  in.N2 = &prod.N2;
  in.Psi = &Psi;
  in.lambda = problem.lambda;
  if (problem.lambda > 0.0) {
    in.E1 = &prod.CPsi;
    in.E2 = &prod.CtPsi;
    in.degree = &problem.degree;
  }
  in.W = W;
  in.core = W.transpose() * G * W + W * G * W.transpose();
  if (i + 1 < H.size()) in.PhiT = chain_product(H, i + 1, H.size(), 0).transpose();  // Φ_{i+1}ᵀ
  return in;
}

// Negative and positive parts of ∇_{H_i} f / 2 at the current Ψ (0-based i):
//   R = A_SᵀΨW + A_SΨWᵀ + λ(CΨ + CᵀΨ),  T = Ψ(WᵀGW + WGWᵀ) + λ·diag(degree)Ψ  (n×k),
//   numerator = Ψ_{i−1}ᵀ R Φ_{i+1}ᵀ,  denominator = Ψ_{i−1}ᵀ T Φ_{i+1}ᵀ
// (Ψ₀ = I_n implicit, Φ_{i+1} = H_{i+1}⋯H_p), since ∇_Ψ f = 2(T − R) for the exact
// regulariser (degree = D_out + D_in) and ∇_{H_i} = Ψ_{i−1}ᵀ ∇_Ψ Φ_{i+1}ᵀ. R and T are
// never stored: layer 1 is updated row block by row block (detail::apply_asym_rule), the
// deeper layers accumulate Ψ_{i−1}ᵀR and Ψ_{i−1}ᵀT over row blocks.
// O(n·k² + n·r_{i−1}·k + n·r_i·k) besides the SpMMs already in `prod`.
void small_parts(const detail::AsymRuleInputs& in, const Dense& left, Dense& numerator, Dense& denominator) {
  Dense LtR, LtT;
  detail::asym_parts_projected(in, left, LtR, LtT);
  if (in.PhiT.size() == 0) {
    numerator = std::move(LtR);
    denominator = std::move(LtT);
  } else {
    numerator = LtR * in.PhiT;
    denominator = LtT * in.PhiT;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------
// DAsNMF

void DasnmfOptions::validate(Index n) const {
  detail::validate_graph_layers(layers, n, "DasnmfOptions");
  if (!(eta >= 0.0 && std::isfinite(eta))) throw InvalidOption("DasnmfOptions.eta must be finite and >= 0");
  if (!(lambda >= 0.0 && std::isfinite(lambda)))
    throw InvalidOption("DasnmfOptions.lambda must be finite and >= 0");
  if (second_order_top < 0) throw InvalidOption("DasnmfOptions.second_order_top must be >= 0");
  pagerank.validate();
  if (pretrain_iterations < 0) throw InvalidOption("DasnmfOptions.pretrain_iterations must be >= 0");
  if (max_iterations < 0) throw InvalidOption("DasnmfOptions.max_iterations must be >= 0");
  if (!(tolerance >= 0.0)) throw InvalidOption("DasnmfOptions.tolerance must be >= 0");
  if (!(exponent > 0.0 && exponent <= 1.0)) throw InvalidOption("DasnmfOptions.exponent must lie in (0, 1]");
  if (!(epsilon > 0.0)) throw InvalidOption("DasnmfOptions.epsilon must be > 0");
}

DasnmfProblem DasnmfProblem::build(const Csr& A, const DasnmfOptions& options) {
  detail::require_adjacency(A, "dasnmf");
  DasnmfProblem p;
  p.lambda = options.lambda;
  if (options.eta > 0.0) {
    SecondOrderOptions so;
    so.top = options.second_order_top;
    so.zero_diagonal = true;  // docs/models.md §8.6
    const Csr S = second_order_similarity(A, so);
    p.second_order_entries = S.nnz();
    p.AS = add_scaled(A, S, options.eta);
  } else {
    p.AS = A;
  }
  const Index n = A.rows();
  const PageRankResult pr = pagerank(A, options.pagerank);
  p.c = pr.scores;
  p.pagerank_iterations = pr.iterations;
  if (options.normalization == DasnmfNormalization::regularized) {
    // Â = diag(ℓ) A_S diag(m), ℓ = (D_out + τ)^{-1/2}, m = (D_in + τ)^{-1/2}, τ = mean degree:
    // the τ keeps low-degree nodes and small components from dominating (docs/models.md §8.1).
    Vector ell;
    p.AS = regularized_normalization(p.AS, &ell, &p.col_weight);
    // Influence with mean 1 per node (n·c), weighted like Â.
    p.row_weight = static_cast<double>(n) * p.c.cwiseProduct(ell);
  } else {
    p.row_weight = p.c;
    p.col_weight = Vector::Ones(n);
  }
  // A_Sᵀ is kept whenever the regulariser is on (its pass also yields CᵀΨ), otherwise
  // only when A_S is unsymmetric.
  if (p.lambda > 0.0 || !p.AS.is_symmetric()) p.ASt = p.AS.transpose();
  p.as_squared_norm = p.AS.squared_norm();
  const Csr B = binary_pattern(A);
  if (p.lambda > 0.0) {
    p.as_pattern_values = values_on_pattern(p.AS, B, &p.row_weight, &p.col_weight);
    p.ast_influence_values = values_on_pattern(p.ASt, B.transpose(), &p.col_weight, &p.row_weight);
  }
  // Row sums of C = diag(w)B diag(m) are w ⊙ (Bm) (D_out); column sums m ⊙ (Bᵀw) (D_in).
  Dense Bm, Btw;
  csr_times_dense(B, Dense(p.col_weight), Bm);
  const Vector d_out = p.row_weight.cwiseProduct(Bm.col(0));
  if (options.regulariser == DasnmfRegulariser::exact) {
    csr_transpose_times_dense(B, Dense(p.row_weight), Btw);
    p.degree = d_out + p.col_weight.cwiseProduct(Btw.col(0));
  } else {
    p.degree = 2.0 * d_out;
  }
  return p;
}

void dasnmf_gradient_parts(const DasnmfProblem& problem, const std::vector<Dense>& H, const Dense& W,
                           size_t layer, Dense& numerator, Dense& denominator) {
  if (layer >= H.size()) throw InvalidOption("dasnmf_gradient_parts: no such layer");
  const Chain chain(H);
  DasnmfProducts prod;
  prod.compute(problem, chain.psi());
  Dense G;
  dense_gram(chain.psi(), G);
  const detail::AsymRuleInputs in = rule_inputs(problem, H, W, chain.psi(), G, prod, layer);
  if (layer == 0)
    detail::asym_rule_parts(in, numerator, denominator);
  else
    small_parts(in, chain.at(layer - 1), numerator, denominator);
}

double dasnmf_objective(const DasnmfProblem& problem, const std::vector<Dense>& H, const Dense& W) {
  if (H.empty()) throw InvalidOption("dasnmf_objective: no factors");
  const Chain chain(H);
  const Dense& Psi = chain.psi();
  DasnmfProducts prod;
  prod.compute(problem, Psi);
  Dense G;
  dense_gram(Psi, G);
  const Dense PtAP = Psi.transpose() * prod.N2;
  return dasnmf_value(problem, Psi, W, prod, G, PtAP);
}

DasnmfResult fit_dasnmf(const DasnmfProblem& problem, const DasnmfOptions& options, std::vector<Dense> H,
                        Dense W, const Progress& progress) {
  const Index n = problem.AS.rows();
  const size_t p = H.size();
  if (p == 0) throw InvalidOption("dasnmf: no factors");
  Index previous = n;
  for (size_t i = 0; i < p; ++i) {
    if (H[i].rows() != previous) throw InvalidOption("dasnmf: factor shapes do not chain");
    previous = H[i].cols();
  }
  const Index k = previous;
  if (W.rows() != k || W.cols() != k) throw InvalidOption("dasnmf: W must be k×k");
  const double gamma = options.exponent, eps = options.epsilon;

  DasnmfResult r;
  const auto start = Clock::now();
  IterationDriver loop("fine-tune", {options.max_iterations, options.tolerance}, progress, r.objective);
  Chain chain(H);
  DasnmfProducts prod;
  prod.compute(problem, chain.psi());
  Dense G, PtAP, numerator, denominator, next;
  for (int it = 1; it <= options.max_iterations; ++it) {
    for (size_t i = 0; i < p; ++i) {
      dense_gram(chain.psi(), G);
      const detail::AsymRuleInputs in = rule_inputs(problem, H, W, chain.psi(), G, prod, i);
      bool finite;
      if (i == 0) {
        finite = detail::apply_asym_rule(in, H[0], eps, gamma);  // in place, row blocks
      } else {
        small_parts(in, chain.at(i - 1), numerator, denominator);
        finite = multiplicative_update_into(H[i], numerator, denominator, eps, gamma, 0.0, H[i]);
      }
      if (!finite)
        throw NumericalError("NaN/Inf in H" + std::to_string(i + 1) + " after iteration " +
                             std::to_string(it) + " (dasnmf fine-tune)");
      chain.refresh(i);
      prod.compute(problem, chain.psi());
    }
    // W ← W ⊙ (ΨᵀA_SΨ) ⊘ max(GWG, δ): exact minimiser of a separable majoriser (monotone).
    const Dense& Psi = chain.psi();
    dense_gram(Psi, G);
    dense_transpose_times(Psi, prod.N2, PtAP);
    if (!multiplicative_update_into(W, PtAP, G * W * G, eps, 1.0, 0.0, next))
      throw NumericalError("NaN/Inf in W after iteration " + std::to_string(it) + " (dasnmf fine-tune)");
    W.swap(next);
    const double f = dasnmf_value(problem, Psi, W, prod, G, PtAP);
    if (!loop.record(it, f)) break;
  }
  r.status = loop.status();
  r.iterations = loop.iterations();
  r.labels = argmax_rows(chain.psi());
  r.Psi = chain.psi();
  r.H = std::move(H);
  r.W = std::move(W);
  r.seconds = seconds_since(start);
  return r;
}

DasnmfResult fit_dasnmf(const Csr& A, const DasnmfOptions& options, const Progress& progress) {
  detail::require_adjacency(A, "dasnmf");
  options.validate(A.rows());
  const auto start = Clock::now();
  const DasnmfProblem problem = DasnmfProblem::build(A, options);
  const double setup = seconds_since(start);
  // Shares of the job for the whole-job ETA, by iteration budgets (each AsNMF runs two starts).
  const double P = options.pretrain_iterations, F = options.max_iterations;
  const double starts =
      options.start == DasnmfStart::shallow ? 2.0 : 2.0 * static_cast<double>(options.layers.size());
  const double total = std::max(starts * P + F, 1.0);

  std::vector<Dense> H;
  Dense W;
  double start_objective = std::numeric_limits<double>::quiet_NaN();
  if (options.start == DasnmfStart::shallow) {
    // Stage 1 (docs/models.md §8.4): shallow AsNMF of Â at rank k from both starts, the
    // lower objective kept; rescaled so that ‖W‖_F = √k (ΨWΨᵀ unchanged: the units of λ
    // no longer depend on the start) and lifted into the chain.
    GraphNmfOptions g;
    g.rank = options.layers.back();
    g.max_iterations = options.pretrain_iterations;
    g.tolerance = options.tolerance;
    g.exponent = options.exponent;
    g.epsilon = options.epsilon;
    g.seed = options.seed;
    GraphNmfResult shallow = options.pretrain_iterations > 0
                                 ? fit_asymnmf(problem.AS, g,
                                               renamed_progress(job_share(progress, 0.0, 2.0 * P / total),
                                                                "start: shallow asymnmf"))
                                 : GraphNmfResult{};
    if (shallow.status == Status::stopped_by_callback) {
      DasnmfResult r;
      r.status = Status::stopped_by_callback;
      return r;
    }
    if (options.pretrain_iterations == 0) {
      AsnmfStart s0 = asymnmf_start(problem.AS, g, 0);
      shallow.H = std::move(s0.H);
      shallow.W = std::move(s0.W);
    }
    const double k = static_cast<double>(g.rank);
    const double a = std::sqrt(std::max(shallow.W.norm(), 1e-300) / std::sqrt(k));
    W = shallow.W / (a * a);
    H = lift_into_chain(a * shallow.H, options.layers, options.seed);
    start_objective = dasnmf_objective(problem, H, W);
  } else {
    // The paper's layer-wise pre-training: (W₁, H₁) = AsNMF(A_S, r₁), (W_i, H_i) =
    // AsNMF(W_{i−1}, r_i) on the small dense r_{i−1}×r_{i−1} block matrices. Each layer is
    // fitted from both AsNMF starts (W ≈ I and uniform W, see asymnmf_start); the one kept
    // is the one whose chain H₁⋯H_i with W_i has the lower DAsNMF objective on the graph —
    // not the lower objective of the layer's own small problem: on a core–periphery graph
    // such as karate, the uniform start fits W₁ slightly better at layer 2 yet gives a
    // disassortative split with a much worse fit of A_S (objective 93 against 83).
    GraphNmfOptions g;
    g.tolerance = options.tolerance;
    g.exponent = options.exponent;
    g.epsilon = options.epsilon;
    const int budget = options.pretrain_iterations;
    for (size_t i = 0; i < options.layers.size(); ++i) {
      g.rank = options.layers[i];
      g.seed = options.seed + i;
      const std::string stage = "pretrain layer " + std::to_string(i + 1);
      const Csr input = i == 0 ? Csr() : Csr::from_dense(W);
      const Csr& layer_input = i == 0 ? problem.AS : input;
      double best = std::numeric_limits<double>::infinity();
      GraphNmfResult kept;
      for (int which : {0, 1}) {
        const Progress share = job_share(
            progress, static_cast<double>(2 * i + static_cast<size_t>(which)) * P / total, P / total);
        const Progress named = renamed_progress(share, stage);
        AsnmfStart s = asymnmf_start(layer_input, g, which);
        g.max_iterations = budget;
        GraphNmfResult layer = fit_asymnmf(layer_input, g, std::move(s.H), std::move(s.W), named);
        if (layer.status == Status::stopped_by_callback) {
          DasnmfResult r;
          r.status = Status::stopped_by_callback;
          return r;
        }
        H.push_back(std::move(layer.H));
        const double f = dasnmf_objective(problem, H, layer.W);
        layer.H = std::move(H.back());
        H.pop_back();
        if (f < best) {
          best = f;
          kept = std::move(layer);
        }
      }
      H.push_back(std::move(kept.H));
      W = std::move(kept.W);
    }
  }
  const double pretrain = seconds_since(start) - setup;
  std::vector<Dense> H0;
  Dense W0;
  if (std::isfinite(start_objective)) H0 = H, W0 = W;
  DasnmfResult r = fit_dasnmf(problem, options, std::move(H), std::move(W),
                              job_share(progress, starts * P / total, F / total));
  // Guard (the rules are monotone, so this never fires in exact arithmetic): the deep
  // model never ends above the start it was lifted from.
  if (std::isfinite(start_objective) && !r.objective.empty() && r.objective.back() > start_objective) {
    r.H = std::move(H0);
    r.W = std::move(W0);
    r.Psi = chain_product(r.H, 0, r.H.size(), 0);
    r.labels = argmax_rows(r.Psi);
    r.objective.push_back(start_objective);
  }
  r.second_order_entries = problem.second_order_entries;
  r.pagerank_iterations = problem.pagerank_iterations;
  r.setup_seconds = setup;
  r.pretrain_seconds = pretrain;
  r.seconds = seconds_since(start);
  return r;
}

std::vector<Dense> lift_into_chain(const Dense& Psi0, const std::vector<int>& layers, std::uint64_t seed,
                                   double epsilon) {
  const Index n = Psi0.rows(), k = Psi0.cols();
  if (layers.empty() || layers.back() != k) throw InvalidOption("lift_into_chain: the last layer must be k");
  for (int r : layers)
    if (r < k) throw InvalidOption("lift_into_chain: hidden layers must be at least k wide");
  if (layers.size() == 1) return {Psi0};
  Rng rng(seed ^ 0x5DEECE66Dull);
  std::vector<Dense> H;
  const double s = std::max(Psi0.mean(), 1e-300);
  Dense H1 = rng.uniform_matrix(n, layers[0], epsilon * s);
  H1.leftCols(k) = Psi0;
  H.push_back(std::move(H1));
  for (size_t i = 1; i < layers.size(); ++i) {
    Dense Hi = rng.uniform_matrix(layers[i - 1], layers[i], epsilon);
    Hi.topLeftCorner(k, k) *= epsilon;
    Hi.topLeftCorner(k, k).diagonal().setOnes();
    H.push_back(std::move(Hi));
  }
  return H;
}

DasnmfNormalization parse_dasnmf_normalization(const std::string& name) {
  if (name == "regularized") return DasnmfNormalization::regularized;
  if (name == "none") return DasnmfNormalization::none;
  throw InvalidOption("--normalize must be regularized or none (got '" + name + "')");
}

DasnmfStart parse_dasnmf_start(const std::string& name) {
  if (name == "shallow") return DasnmfStart::shallow;
  if (name == "layerwise") return DasnmfStart::layerwise;
  throw InvalidOption("--start must be shallow or layerwise (got '" + name + "')");
}

// ---------------------------------------------------------------- registry entry

namespace {

FitResult fit_dasnmf_model(const FitInput& input, const OptionValues& v, const Progress& progress) {
  const Csr& A = *input.graph;
  DasnmfOptions o;
  o.layers = detail::deep_graph_layers(v, A.rows(), input.n_clusters);
  o.eta = v.real("eta");
  o.lambda = v.real("lambda");
  o.regulariser = v.choice("regulariser") == "paper" ? DasnmfRegulariser::paper : DasnmfRegulariser::exact;
  o.second_order_top = static_cast<int>(v.integer("second-order-top"));
  o.normalization = parse_dasnmf_normalization(v.choice("normalize"));
  o.start = parse_dasnmf_start(v.choice("start"));
  o.pretrain_iterations = static_cast<int>(v.integer("pretrain-iter"));
  o.max_iterations = static_cast<int>(v.integer("iter"));
  o.tolerance = v.real("tol");
  o.exponent = v.real("exponent");
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  DasnmfResult r = fit_dasnmf(A, o, progress);
  FitResult out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.objective = std::move(r.objective);
  out.seconds = r.seconds;
  out.representation = r.Psi;
  out.factors.push_back({"Psi", std::move(r.Psi)});
  for (size_t i = 0; i < r.H.size(); ++i)
    out.factors.push_back({"H" + std::to_string(i + 1), std::move(r.H[i])});
  out.factors.push_back({"W", std::move(r.W)});
  out.extras["layers"] = std::vector<std::int64_t>(o.layers.begin(), o.layers.end());
  out.extras["second_order_entries"] = std::int64_t{r.second_order_entries};
  out.extras["pagerank_iterations"] = std::int64_t{r.pagerank_iterations};
  out.extras["setup_seconds"] = r.setup_seconds;
  out.extras["pretrain_seconds"] = r.pretrain_seconds;
  return out;
}

}  // namespace

ModelSpec dasnmf_spec() {
  const DasnmfOptions d;
  ModelSpec s;
  s.name = "dasnmf";
  s.title =
      "DAsNMF: deep asymmetric NMF with second-order proximity and PageRank smoothness (directed graphs)";
  s.paper = "Hajiveiseh, Seyedi, Akhlaghian Tab, Pattern Recognition 148 (2024) 110179";
  s.section = "docs/models.md §8";
  s.input = InputKind::graph;
  s.options = {
      detail::deep_graph_layers_option(),
      real_option("eta", d.eta, 0, "η: weight of the second-order proximity, A_S = A + ηS"),
      real_option("lambda", d.lambda, 0, "λ: weight of the PageRank smoothness term"),
      choice_option("regulariser", "exact", {"exact", "paper"},
                    "exact: λ Σ C_ij ‖ψ_i − ψ_j‖²; paper: eq. 21 (unbounded below on directed graphs)"),
      choice_option(
          "normalize", "regularized", {"regularized", "none"},
          "regularized: factorise (D_out + τ)^-1/2 A_S (D_in + τ)^-1/2, τ the mean degree; none: A_S "
          "as the paper"),
      choice_option("start", "shallow", {"shallow", "layerwise"},
                    "shallow: fine-tune from shallow AsNMF lifted into the chain; layerwise: the paper's "
                    "layer-wise pre-training"),
      integer_option("second-order-top", d.second_order_top, 0, 1 << 30,
                     "keep the T largest entries per row of S (0 = all)"),
      option_pretrain_iterations(d.pretrain_iterations),
      option_iterations(d.max_iterations),
      option_tolerance(d.tolerance),
      option_exponent("exponent", d.exponent, "exponent γ of the H rules"),
      option_seed(),
      option_restarts(1),
      option_assign("argmax", true),
      option_kmeans_normalize("none"),
      option_kmeans_init()};
  for (auto& o : s.options)
    if (o.name == "second-order-top") o.value_name = "T";
  s.default_layers = [](Index n, Index, int k) { return detail::deep_graph_default_layers(n, k); };
  s.check = [](const FitInput& in, const OptionValues& v) {
    std::vector<std::string> warnings;
    if (in.directed && v.choice("regulariser") == "paper")
      warnings.push_back(
          "the paper's regulariser 2tr(Psi^T D Psi) - 2tr(Psi^T C Psi) is not a Laplacian form on directed "
          "graphs "
          "and is unbounded below for large --lambda");
    return warnings;
  };
  s.fit = fit_dasnmf_model;
  return s;
}

}  // namespace dnmf
