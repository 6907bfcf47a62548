// The H rule shared by AsNMF and DAsNMF, applied row block by row block so that no n×k
// (or n×r₁) numerator, denominator or updated copy is ever allocated (internal header).
#pragma once

#include "dnmf/core/types.hpp"

namespace dnmf::detail {

/// Inputs of the fused rule at the current Ψ (n×k):
///   R = N1·W + N2·Wᵀ + λ(E1 + E2),   T = Ψ·core + λ·diag(degree)·Ψ,
/// and the update  target ← target ⊙ [R·Φᵀ ⊘ max(T·Φᵀ, δ)]^γ  (Φᵀ k×r; identity when
/// PhiT is empty, then target is n×k). AsNMF: N1 = AᵀH, N2 = AH, target = Ψ = H,
/// λ = 0. DAsNMF layer 1: N1 = A_SᵀΨ, N2 = A_SΨ, E1 = CΨ, E2 = CᵀΨ, target = H₁.
struct AsymRuleInputs {
  const Dense* N1 = nullptr;
  const Dense* N2 = nullptr;
  const Dense* E1 = nullptr;  ///< may be null when lambda = 0
  const Dense* E2 = nullptr;
  const Dense* Psi = nullptr;
  const Vector* degree = nullptr;  ///< may be null when lambda = 0
  double lambda = 0.0;
  Dense W;     ///< k×k
  Dense core;  ///< k×k, WᵀGW + WGWᵀ
  Dense PhiT;  ///< k×r or empty
};

/// Row blocks of fixed size (so results do not depend on the thread count) in parallel;
/// the target may alias Ψ (each row's T uses only that row). Returns false when an entry
/// of the target becomes NaN/Inf. O(n·k² + n·k·r) time, O(block·(k + r)) extra memory.
bool apply_asym_rule(const AsymRuleInputs& in, Dense& target, double epsilon, double exponent);

/// R·Φᵀ and T·Φᵀ materialised (n×r; tests and diagnostics), by the same row blocks.
void asym_rule_parts(const AsymRuleInputs& in, Dense& numerator, Dense& denominator);

/// Σ over fixed row blocks of Lᵀ·R and Lᵀ·T for a tall L (n×m): the DAsNMF parts of the
/// deeper layers, Ψ_{i−1}ᵀR and Ψ_{i−1}ᵀT, without R or T as n×k matrices. Fixed block
/// order: the sums do not depend on the thread count. O(n·k² + n·m·k).
void asym_parts_projected(const AsymRuleInputs& in, const Dense& L, Dense& LtR, Dense& LtT);

}  // namespace dnmf::detail
