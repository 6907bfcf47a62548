// DANMF (Ye, Chen, Zheng, CIKM 2018) and DANMF-CRFR (Salahian et al., ESWA 2023) on
// data: the autoencoder-like deep NMF with, for CRFR, contrastive repulsive/attractive
// regularisation and feature-relationship preservation. docs/models.md §3, §10.1.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dnmf/graph/affinity.hpp"
#include "dnmf/models/deep_chain.hpp"

namespace dnmf {

enum class DanmfVariant {
  danmf,  ///< decoder + encoder + attractive graph term (λ₁ = λ₃ = 0)
  crfr,   ///< decoder + encoder + repulsive + attractive + feature relationship
};

struct DanmfOptions {
  DanmfVariant variant = DanmfVariant::crfr;
  /// Processing order of the samples. The random start is drawn in the input order
  /// either way, so the orders give the same fit up to rounding (sums over samples run
  /// in a different order).
  SampleOrder sample_order = SampleOrder::automatic;
  /// Weights of docs/models.md §3.2: λ₁ repulsive, λ₂ attractive, λ₃ inside the FRP norm.
  /// For `danmf` only λ₂ is used; the DANMF paper's λ (weight of tr(V L Vᵀ)) equals 2λ₂.
  /// Defaults chosen on the quality harness (docs/models.md §3.5): the repulsive term off,
  /// a strong graph term, FRP at 0.5; `danmf` uses λ₂ = 1 (DanmfOptions::defaults).
  double lambda_repulsive = 0.0;
  double lambda_attractive = 10.0;
  double lambda_frp = 0.5;
  /// The attractive graph S⁺ (docs/models.md §3.4: p = ⌊ln n⌋ + 1, heat kernel, max-symmetrised).
  AffinityOptions graph;
  /// A sample graph to use instead of the kNN graph (n×n, symmetric, nonnegative: e.g.
  /// the citation graph of attributed data); not owned. `graph` is then unused.
  const Csr* given_graph = nullptr;
  /// Layers, iterations, exponents, safeguard, seed. chain.w_exponent = 0 (the default
  /// here) means default_w_exponent(), resolved when fitting.
  ChainOptions chain;
  DanmfOptions();  ///< sets the docs/models.md §3.5 defaults (pre-training 500, fine-tuning 1000)
  /// The defaults of a variant: `danmf` has λ₂ = 1 (its best value on the harness), `danmf-crfr` 10.
  static DanmfOptions defaults(DanmfVariant variant);
  /// The W exponent of docs/models.md §3.5: 1 without the FRP term (Lee–Seung case, monotone),
  /// else 1/2, the least damping §10.2 found monotone when FRP dominates.
  double default_w_exponent() const;
  void validate(Index n, Index d) const;
};

/// docs/models.md §3.5 "--preset reference": the reference code's choices that are compatible
/// with sparse-first: p = 4 neighbours, σ² = 1000, unsymmetrised S⁺, 500 + 500 iterations.
/// (Its non-squared dense S⁻ is not reproduced; labels use row-normalised H, as ours do.)
void apply_reference_preset(DanmfOptions& options);

struct DanmfResult {
  ChainFit fit;
  Csr affinity;                ///< S⁺ used by the attractive term (empty if λ₂ = 0)
  double graph_seconds = 0.0;  ///< kNN graph construction
  KnnMethod knn_method = KnnMethod::automatic;
};

/// Builds S⁺ (when λ₂ > 0), pre-trains and fine-tunes. X must be ≥ 0 (n×d, rows = samples).
/// Cost per fine-tuning iteration (docs/models.md §3.6, sample-major): two SpMMs with X for
/// the H step and XᵀH (three with λ₁ > 0, fetched as one pass X·[P, XᵀH]), O(nnz(S⁺)·k),
/// and per layer O(d r_{i−1} k + r_{i−1} r_i k + d k²) plus XᵀXP: O(d²k) with the small
/// Gram (d ≤ 4096 and d² ≤ 2·nnz), else two SpMMs. Memory O(nnz + nnz(S⁺) + (n + d)·r_1).
DanmfResult fit_danmf(const DataMatrix& X, const DanmfOptions& options, const Progress& progress = {});

/// The terms of a variant (for tests and custom drivers); `affinity` may be empty when λ₂ = 0.
std::vector<std::unique_ptr<ChainTerm>> danmf_terms(const DanmfOptions& options, const Csr& affinity);

DanmfVariant parse_danmf_variant(const std::string& name);  ///< "danmf" | "danmf-crfr"
const char* to_string(DanmfVariant v);
bool variant_is_crfr(DanmfVariant v);

struct ModelSpec;
/// The registry entries (models/registry.hpp) "danmf" and "danmf-crfr".
ModelSpec danmf_spec(DanmfVariant variant);

}  // namespace dnmf
