#include "dnmf/models/deep_graph_nmf.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "dnmf/core/error.hpp"
#include "dnmf/graph/second_order.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/asym_rules.hpp"
#include "dnmf/models/fit_loop.hpp"
#include "dnmf/models/graph_nmf.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/nmf.hpp"

namespace dnmf {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void validate_layers(const std::vector<int>& layers, Index n, const char* owner) {
  if (layers.empty()) throw InvalidOption(std::string(owner) + ".layers must list at least one size");
  for (size_t i = 0; i < layers.size(); ++i) {
    const int r = layers[i];
    if (r < 1) throw InvalidOption(std::string(owner) + ".layers: sizes must be >= 1");
    if (r > n)
      throw InvalidOption(std::string(owner) + ".layers: r" + std::to_string(i + 1) + " = " +
                          std::to_string(r) + " exceeds the number of nodes n = " + std::to_string(n));
    if (i > 0 && r > layers[i - 1])
      throw InvalidOption(std::string(owner) + ".layers must not grow: r" + std::to_string(i + 1) + " = " +
                          std::to_string(r) + " > r" + std::to_string(i) + " = " +
                          std::to_string(layers[i - 1]));
  }
}

/// ⟨A, B⟩ for equally shaped dense matrices.
double inner(const Dense& A, const Dense& B) {
  return (A.array() * B.array()).sum();
}

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
// DAsNMF products for one value of Ψ (MODELS.md §5.4, "Efficient evaluation"):
//   N2 = A_SΨ, N1 = A_SᵀΨ,  CΨ = diag(c)(BΨ), CᵀΨ = Bᵀ(diag(c)Ψ)   — C is never formed.
// pattern(A) ⊆ pattern(A_S), so BΨ comes out of the same pass over A_S as A_SΨ (second
// value array: 1 on A's entries, 0 on the second-order-only ones), and Bᵀ(diag(c)Ψ) out of
// the pass over A_Sᵀ (values c_j on A's entries): two gathering passes instead of four.
// O(nnz(A_S)·k).
struct DasnmfProducts {
  Dense N1, N2, CPsi, CtPsi;
  void compute(const DasnmfProblem& p, const Dense& Psi) {
    if (p.lambda > 0.0) {
      csr_times_dense_dual(p.AS, p.as_pattern_values, Psi, N2, CPsi);
      CPsi = p.c.asDiagonal() * CPsi;
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
  validate_layers(layers, n, "DasnmfOptions");
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
    so.zero_diagonal = true;  // §9.8
    const Csr S = second_order_similarity(A, so);
    p.second_order_entries = S.nnz();
    p.AS = add_scaled(A, S, options.eta);
  } else {
    p.AS = A;
  }
  // A_Sᵀ is kept whenever the regulariser is on (its pass also yields CᵀΨ), otherwise
  // only when A_S is unsymmetric.
  if (p.lambda > 0.0 || !p.AS.is_symmetric()) p.ASt = p.AS.transpose();
  p.as_squared_norm = p.AS.squared_norm();
  const Csr B = binary_pattern(A);
  const PageRankResult pr = pagerank(A, options.pagerank);
  p.c = pr.scores;
  p.pagerank_iterations = pr.iterations;
  if (p.lambda > 0.0) {
    p.as_pattern_values = values_on_pattern(p.AS, B, nullptr, nullptr);
    p.ast_influence_values = values_on_pattern(p.ASt, B.transpose(), nullptr, &p.c);
  }
  // Row sums of C = diag(c)B are c_i·outdeg_i (D_out); column sums are Bᵀc (D_in).
  const Vector d_out = p.c.cwiseProduct(B.row_sums());
  if (options.regulariser == DasnmfRegulariser::exact) {
    Dense c_col = p.c;
    Dense d_in;
    csr_transpose_times_dense(B, c_col, d_in);
    p.degree = d_out + d_in.col(0);
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
  detail::FitLoop loop(r.objective, r.iterations, r.status, options.max_iterations, options.tolerance,
                       progress, "fine-tune");
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

  // Layer-wise pre-training: (W₁, H₁) = AsNMF(A_S, r₁), (W_i, H_i) = AsNMF(W_{i−1}, r_i).
  // The deeper inputs are the small dense r_{i−1}×r_{i−1} block matrices. Each layer is
  // fitted from both AsNMF starts (W ≈ I and uniform W, see asymnmf_start); the one kept
  // is the one whose chain H₁⋯H_i with W_i has the lower DAsNMF objective on the graph —
  // not the lower objective of the layer's own small problem: on a core–periphery graph
  // such as karate, the uniform start fits W₁ slightly better at layer 2 yet gives a
  // disassortative split with a much worse fit of A_S (objective 93 against 83).
  std::vector<Dense> H;
  Dense W;
  {
    GraphNmfOptions g;
    g.tolerance = options.tolerance;
    g.exponent = options.exponent;
    g.epsilon = options.epsilon;
    const int budget = options.pretrain_iterations;
    for (size_t i = 0; i < options.layers.size(); ++i) {
      g.rank = options.layers[i];
      g.seed = options.seed + i;
      const Progress named = detail::renamed(progress, "pretrain layer " + std::to_string(i + 1));
      const Csr input = i == 0 ? Csr() : Csr::from_dense(W);
      const Csr& layer_input = i == 0 ? problem.AS : input;
      double best = std::numeric_limits<double>::infinity();
      GraphNmfResult kept;
      for (int which : {0, 1}) {
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
  DasnmfResult r = fit_dasnmf(problem, options, std::move(H), std::move(W), progress);
  r.second_order_entries = problem.second_order_entries;
  r.pagerank_iterations = problem.pagerank_iterations;
  r.setup_seconds = setup;
  r.pretrain_seconds = pretrain;
  r.seconds = seconds_since(start);
  return r;
}

// ---------------------------------------------------------------------------------
// DSNMF (MODELS.md §5.3). Notation: layers l = 1..L stored at index l−1; W_l n×r_l,
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
  validate_layers(layers, n, "DsnmfOptions");
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
  detail::FitLoop loop(r.objective, r.iterations, r.status, options.max_iterations, options.tolerance,
                       progress, "fine-tune");
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
  // Pre-training [derived, §5.3]: W₁ = H₁ᵀ = SymNMF(X, r₁); (W_l, H_l) = NMF(W_{l−1}, r_l).
  std::vector<Dense> W, H;
  {
    GraphNmfOptions g;
    g.rank = options.layers[0];
    g.max_iterations = options.pretrain_iterations;
    g.tolerance = options.tolerance;
    g.epsilon = options.epsilon;
    g.seed = options.seed;
    GraphNmfResult first = fit_symnmf(X, g, detail::renamed(progress, "pretrain layer 1"));
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
    o.epsilon = options.epsilon;
    o.seed = options.seed + l;
    // W_{l−1} (n×r_{l−1}, rows = nodes) ≈ W_l H_l: fit_nmf's H (n×r_l) is W_l, its Wᵀ is H_l.
    NmfResult f = fit_nmf(DataMatrix(Dense(W[l - 1])), o,
                          detail::renamed(progress, "pretrain layer " + std::to_string(l + 1)));
    if (f.status == Status::stopped_by_callback) {
      DsnmfResult r;
      r.status = Status::stopped_by_callback;
      return r;
    }
    W.push_back(std::move(f.H));
    H.push_back(f.W.transpose());
  }
  const double pretrain = seconds_since(start);
  DsnmfResult r = fit_dsnmf(X, options, std::move(W), std::move(H), progress);
  r.pretrain_seconds = pretrain;
  r.seconds = seconds_since(start);
  return r;
}

}  // namespace dnmf
