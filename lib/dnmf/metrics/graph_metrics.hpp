// Quality of a node partition measured on the graph itself (no ground truth needed).
#pragma once

#include <vector>

#include "dnmf/core/csr.hpp"

namespace dnmf {

/// Modularity of a partition of the weighted graph A (A_ij = weight of edge i→j; an
/// undirected graph stores both directions). With W = Σ_ij A_ij, w_c = Σ_{i,j∈c} A_ij,
/// out_c = Σ_{i∈c} Σ_j A_ij and in_c = Σ_{j∈c} Σ_i A_ij:
///   Q = Σ_c [ w_c / W − out_c · in_c / W² ].
/// For symmetric A this is Newman–Girvan modularity (out_c = in_c = degree sum); for a
/// directed A it is the directed modularity of Leicht & Newman (2008). Self-loops count
/// as stored. Labels are any non-negative integers (one per node). O(nnz + n + #labels).
double modularity(const Csr& A, const std::vector<int>& labels);

/// Conductance of each cluster in the undirected view B = A + Aᵀ of the graph:
/// φ_c = cut(c) / min(vol(c), vol(V) − vol(c)), cut = weight of B between c and the rest,
/// vol = sum of B-degrees. A cluster with a zero denominator has φ = 0 if its cut is 0,
/// else 1. Returns one value per label 0..max label (empty labels get φ = 0 and are
/// excluded by mean_conductance). O(nnz + n).
std::vector<double> cluster_conductance(const Csr& A, const std::vector<int>& labels);

/// Mean of cluster_conductance over the non-empty clusters (lower is better).
double mean_conductance(const Csr& A, const std::vector<int>& labels);

}  // namespace dnmf
