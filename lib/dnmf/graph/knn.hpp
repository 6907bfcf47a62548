// Exact k-nearest-neighbour search (Euclidean) on the rows of a data matrix.
#pragma once

#include <cstdint>
#include <vector>

#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf {

enum class KnnMethod {
  automatic,    ///< kd_tree for d <= 8, brute_force for d > 32, a timing probe in between
  kd_tree,      ///< nanoflann KD-tree (densifies sparse input: only sensible for small d)
  brute_force,  ///< tiled ‖x‖² + ‖y‖² − 2xᵀy with GEMM, or an inverted index for very sparse data
};

struct KnnOptions {
  int n_neighbors = 10;  ///< k; must satisfy 1 <= k <= n − 1
  KnnMethod method = KnnMethod::automatic;
  void validate(Index n_points) const;  ///< throws InvalidOption naming the field
};

/// Neighbour lists, row-major n×k: the neighbours of point i are
/// indices[i*k .. i*k+k), sorted by (squared distance, index).
struct KnnResult {
  Index n = 0;
  int k = 0;
  std::vector<std::int32_t> indices;
  std::vector<double> squared_distances;         ///< exact Σ_f (x_if − x_jf)², summed in feature order
  KnnMethod method_used = KnnMethod::automatic;  ///< kd_tree or brute_force
};

/// Exact k nearest neighbours of every row of X, excluding the row itself (other rows
/// identical to it are neighbours at distance 0); ties broken by the smaller index.
/// Both methods return identical results. Deterministic for any thread count.
///  * kd_tree: O(n log n · d) build, about O(n · k log n) queries for small d;
///  * brute_force: n²·d flops in 256×256 tiles of a single-precision GEMM (upper
///    triangle only) that rank candidates; reported distances are exact (double) and
///    each point is certified against the GEMM's rounding bound or rescanned exactly.
///    Sparse X is densified one tile block at a time (O(threads·256·d) memory); from 1 %
///    to 30 % stored entries a tile is the sparse rows of one block against the dense
///    other block (O(nnz·n/2) multiply-adds instead of n²·d/2), and below 1 % an
///    inverted index does O(n² + Σ_f nnz(f)²) work instead.
/// Extra memory O(n·k) for the result.
KnnResult knn(const DataMatrix& X, const KnnOptions& options);

/// The method `automatic` resolves to for this shape without looking at the data:
/// kd_tree for d <= 8, brute_force for d > 32 (and for n < 2048: kd_tree iff d <= 16),
/// and `automatic` in between, where knn() times ~256 tree queries and one
/// brute-force tile and takes the method predicted faster (KnnResult::method_used).
KnnMethod choose_knn_method(Index n, Index d, bool sparse);

const char* to_string(KnnMethod method);
KnnMethod parse_knn_method(const std::string& name);  ///< "auto|kd-tree|brute-force"

}  // namespace dnmf
