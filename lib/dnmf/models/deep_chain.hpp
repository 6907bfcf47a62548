// The layered driver of decoder-chain deep NMF models (DANMF, DANMF-CRFR, ...):
// layer-wise pre-training with the shallow autoencoder-like NMF, then joint
// fine-tuning of W_1..W_l and H by multiplicative updates built from the terms'
// gradient parts. docs/models.md §1.1, §3.1, §3.3.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "dnmf/core/progress.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/terms/chain_terms.hpp"

namespace dnmf {

enum class GramMode { automatic, always, never };

/// Order in which samples are processed during a fit (results are always returned in
/// the input order).
enum class SampleOrder {
  automatic,  ///< locality when n >= 16384 and there is a graph, else input
  input,      ///< as given
  locality,   ///< reverse Cuthill–McKee of the graph (graph/reorder.hpp): faster S·H for large n
};

/// Layer-wise pre-training block: the shallow autoencoder-like NMF of docs/models.md §3.1
/// (DANMF family) or plain Lee–Seung NMF Z ≈ V Uᵀ (Dn2MFGL's reference, §4.4).
enum class Pretraining { anmf, nmf };

struct ChainOptions {
  std::vector<int> layers;  ///< r_1, …, r_l (k = r_l); r_1 may exceed d (docs/models.md §3.2)
  Pretraining pretraining = Pretraining::anmf;
  int pretrain_iterations = 500;    ///< per layer (shallow ANMF, docs/models.md §3.1); 0 = random start
  double pretrain_tolerance = 0.0;  ///< relative decrease that ends a layer's pre-training early
  int max_iterations = 1000;        ///< fine-tuning iterations (W_1..W_l, then H)
  double tolerance = 0.0;           ///< --tol, decrease-so-far rule (docs/models.md §1.2); 0 = run all
  std::uint64_t seed = 0;
  double epsilon = 1e-10;   ///< δ of docs/models.md §1.1
  double floor = 0.0;       ///< optional floor after each update (docs/models.md §1.1)
  double w_exponent = 1.0;  ///< γ of the W_i updates
  double h_exponent = 1.0;  ///< γ of the H update
  /// docs/models.md §1.4: after a block update, if the objective rose by more than
  /// 1e-12·|f|, redo it with γ/2 (at most max_halvings times); if it still rises the
  /// block keeps its old value. Events are counted in the result.
  bool safeguard = true;
  int max_halvings = 3;
  GramMode gram = GramMode::automatic;  ///< d×d Gram XᵀX for small d (ChainState)
  /// Stop with an error when an entry of H exceeds this (0 = never): models whose
  /// objective can be unbounded below (Dn2MFGL, docs/models.md §4.6) use it.
  double max_entry = 0.0;
  void validate(Index n, Index d) const;  ///< throws InvalidOption naming the field
};

struct ChainFit {
  std::vector<Dense> W;  ///< W_i: r_{i−1}×r_i (r_0 = d)
  Dense P;               ///< Ψ_l = W_1⋯W_l, d×k: the encoder map is h = Pᵀx
  Dense H;               ///< n×k top representation (row i = sample i)
  Status status = Status::not_run;
  int iterations = 0;                 ///< fine-tuning iterations done
  std::vector<double> objective;      ///< total objective after each fine-tuning iteration
  std::vector<double> initial_terms;  ///< each term's value before fine-tuning
  std::vector<double> final_terms;    ///< each term's value at the end
  std::vector<std::string> term_names;
  std::vector<int> pretrain_iterations;                 ///< per layer
  std::vector<std::vector<double>> pretrain_objective;  ///< per layer trace
  int safeguard_halvings = 0;                           ///< block updates redone with a smaller exponent
  int safeguard_rejections = 0;                         ///< block updates abandoned (objective still rose)
  double seconds = 0.0;
};

/// Ψ = W_1⋯W_l (left to right), d×k.
Dense chain_product(const std::vector<Dense>& W);

/// Shallow autoencoder-like NMF of Z (n×a): min ‖Z − V Uᵀ‖² + ‖V − Z U‖², U a×r, V n×r
/// (docs/models.md §3.1 in sample-major form). Returns {U, V} after `iterations` rounds of
/// U then V updates, starting from seeded uniform factors. Cost per iteration
/// O(nnz(Z)·r + (n + a)·r²) (O(a²r) for the Z(ZᵀU) part when a d×d Gram is used).
struct ShallowFit {
  Dense U, V;
  Status status = Status::not_run;  ///< stopped_by_callback: the caller must stop too
  int iterations = 0;
  std::vector<double> objective;
};
/// sample_order (optional): Z's row r is the original sample sample_order[r]; the
/// random start of V is drawn in the original order and then permuted, so a fit on
/// row-permuted data equals the unpermuted fit up to rounding.
ShallowFit fit_shallow_anmf(const DataMatrix& Z, int rank, const ChainOptions& options, std::uint64_t seed,
                            const std::string& stage, const Progress& progress = {},
                            const std::vector<Index>* sample_order = nullptr);

/// Pre-trains layer by layer (Z_1 = X, Z_i = H_{i−1}), then fine-tunes W_1..W_l and H
/// on the given terms. Per fine-tuning iteration, for i = 1..l (Gauss–Seidel, H fixed):
///   W_i ← W_i ⊙ [Ψ_{i−1}ᵀ N_P Φ_{i+1}ᵀ ⊘ max(Ψ_{i−1}ᵀ D_P Φ_{i+1}ᵀ, δ)]^γ_W
/// with ∇_P = D_P − N_P summed over the terms and P = Ψ_{i−1} W_i Φ_{i+1}; then
///   H ← H ⊙ [N_H ⊘ max(D_H, δ)]^γ_H.
/// Ψ_0 = I_d and Φ_{l+1} = I_k are never formed.
/// Cost per iteration: Σ_i O(d r_{i−1} k + r_{i−1} r_i k) for the chains, plus the
/// terms' products (DANMF-CRFR: O(nnz·k) a few times, O(nnz(S)·k), O(d²k) with a Gram).
/// Throws NumericalError naming the iteration and factor when a NaN/Inf appears.
/// sample_order: as for fit_shallow_anmf (X's rows permuted; random starts drawn in the
/// original order).
ChainFit fit_deep_chain(const DataMatrix& X, const std::vector<const ChainTerm*>& terms,
                        const ChainOptions& options, const Progress& progress = {},
                        const std::vector<Index>* sample_order = nullptr);

/// Same, skipping pre-training: fine-tunes from the given W_1..W_l and H.
ChainFit fine_tune_deep_chain(const DataMatrix& X, const std::vector<const ChainTerm*>& terms,
                              const ChainOptions& options, std::vector<Dense> W, Dense H,
                              const Progress& progress = {});

/// Builds a model's terms for a sample graph given in the processing order.
using TermFactory = std::function<std::vector<std::unique_ptr<ChainTerm>>(const Csr& graph)>;

/// fit_deep_chain for models with a sample graph (n×n, may be empty): in the locality
/// order (SampleOrder) the data and the graph are permuted, the random starts drawn in
/// the input order, and H returned in the input order, so the orders agree up to
/// rounding. The permuted copy of X costs nnz (or n·d) more memory.
ChainFit fit_deep_chain_on_graph(const DataMatrix& X, const Csr& graph, const TermFactory& make_terms,
                                 const ChainOptions& options, SampleOrder order,
                                 const Progress& progress = {});

/// Σ of the terms' values at (P, H) (builds its own state; for tests and reporting).
double chain_objective(const DataMatrix& X, const std::vector<const ChainTerm*>& terms, const Dense& P,
                       const Dense& H);

}  // namespace dnmf
