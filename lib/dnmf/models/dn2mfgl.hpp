// Dn2MFGL (Saberi-Movahed et al., ESWA 2024): deep NMF with a robust L2,1 residual and
// joint global (variance) and local (kNN graph) structure, plus inner-product sparsity.
// docs/models.md §4, decisions §10.1.
#pragma once

#include <string>

#include "dnmf/graph/affinity.hpp"
#include "dnmf/models/deep_chain.hpp"
#include "dnmf/terms/dn2mfgl_terms.hpp"

namespace dnmf {

struct Dn2mfglOptions {
  /// Weights of F = ‖X − HPᵀ‖_{2,1} + α tr(HᵀLH) − β tr(HᵀCH) + ν(‖1ᵀH‖² − ‖H‖²).
  /// Defaults chosen on the quality harness (docs/models.md §4.7): the L2,1 residual and
  /// the local graph only (the reference's β = ν = 1 spread the codes of the classes).
  double alpha = 10.0;
  double beta = 0.0;
  double nu = 0.0;
  /// Per sample by default; per feature = the reference code (docs/models.md §4.7).
  L21Mode l21 = L21Mode::samples;
  /// Local graph: the reference's K = 5 binary kNN graph, max-symmetrised.
  AffinityOptions graph;
  /// A sample graph to use instead of the kNN graph (n×n, symmetric, nonnegative); not
  /// owned. `graph` is then unused.
  const Csr* given_graph = nullptr;
  /// Layers [150, 10], NMF pre-training (≤ 100 its, tolerance 1e-6), 100 outer iterations,
  /// exponent 1/2 on every update (the reference's square-root rule), safeguard on.
  ChainOptions chain;
  SampleOrder sample_order = SampleOrder::automatic;
  /// docs/models.md §4.6: a setting for which the objective is unbounded below is refused unless forced.
  bool force = false;
  Dn2mfglOptions();
  void validate(Index n, Index d) const;
};

struct Dn2mfglResult {
  ChainFit fit;  ///< fit.H (n×k) is the representation V_lᵀ; fit.P = H_1⋯H_l
  Csr graph;     ///< the kNN graph S (n×n, symmetric)
  double graph_seconds = 0.0;
  double min_degree = 0.0;  ///< smallest node degree of S (boundedness check)
};

/// docs/models.md §4.6: the regulariser Σ_a v_aᵀ(αL − βC + ν(J − I))v_a is unbounded below when
/// β(1 − 1/n) > α·min_j d_j. Returns an explanation when that holds, else empty.
std::string dn2mfgl_unbounded_reason(double alpha, double beta, Index n, double min_degree);

/// Builds the graph, checks boundedness, pre-trains layer-wise NMF, then runs the
/// outer iterations (W_1..W_l then H with the IRLS weights fixed during a sweep and
/// recomputed after it). X ≥ 0, n×d. Cost per outer iteration: one SpMM with X (XP for
/// the H step; samples mode adds Xᵀ(WH) per new H, features mode X(UP) per new P and
/// XᵀH), O(nnz(S)·k) for the graph, rank-one centering and sparsity terms O(n·k), the
/// chain products Σ_i O(d r_{i−1} k + r_{i−1} r_i k) and O((n + d)k²).
/// Memory O(nnz + nnz(S) + (n + d)·r_1): no n×n, d×n or d×d dense matrix.
Dn2mfglResult fit_dn2mfgl(const DataMatrix& X, const Dn2mfglOptions& options, const Progress& progress = {});

/// The terms for a graph (for tests and custom drivers).
std::vector<std::unique_ptr<ChainTerm>> dn2mfgl_terms(const Dn2mfglOptions& options, const Csr& graph);

L21Mode parse_l21_mode(const std::string& name);  ///< "samples" | "features"
const char* to_string(L21Mode mode);

struct ModelSpec;
ModelSpec dn2mfgl_spec();  ///< the registry entry (models/registry.hpp)

}  // namespace dnmf
