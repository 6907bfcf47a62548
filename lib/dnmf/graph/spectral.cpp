#include "dnmf/graph/spectral.hpp"

#include <cmath>

#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/linalg/eigen.hpp"

namespace dnmf {

Csr normalized_affinity(const Csr& S) {
  if (S.rows() != S.cols()) throw InvalidOption("normalized affinity: the graph must be square");
  const Vector d = S.row_sums();
  Vector inv_sqrt(d.size());
  for (Index i = 0; i < d.size(); ++i) inv_sqrt(i) = d(i) > 0 ? 1.0 / std::sqrt(d(i)) : 0.0;
  Csr N = S;
  auto& v = N.mutable_values();
  for (Index i = 0; i < N.rows(); ++i)
    for (Csr::Offset p = N.row_ptr()[i]; p < N.row_ptr()[i + 1]; ++p)
      v[p] *= inv_sqrt(i) * inv_sqrt(N.col_idx()[p]);
  return N;
}

Csr regularized_normalization(const Csr& A, Vector* row_weights, Vector* col_weights) {
  if (A.rows() != A.cols()) throw InvalidOption("normalisation: the graph must be square");
  const Index n = A.rows();
  const Vector out = A.row_sums(), in = A.col_sums();
  const double tau = n > 0 ? out.sum() / static_cast<double>(n) : 0.0;
  Vector ell(n), m(n);
  for (Index i = 0; i < n; ++i) {
    ell(i) = out(i) + tau > 0 ? 1.0 / std::sqrt(out(i) + tau) : 0.0;
    m(i) = in(i) + tau > 0 ? 1.0 / std::sqrt(in(i) + tau) : 0.0;
  }
  Csr N = A;
  auto& v = N.mutable_values();
  for (Index i = 0; i < n; ++i)
    for (Csr::Offset p = N.row_ptr()[i]; p < N.row_ptr()[i + 1]; ++p) v[p] *= ell(i) * m(N.col_idx()[p]);
  if (row_weights) *row_weights = std::move(ell);
  if (col_weights) *col_weights = std::move(m);
  return N;
}

Dense spectral_embedding(const Csr& S, int k, bool unit_rows) {
  Dense E = symmetric_eigs(normalized_affinity(S), k).vectors;
  if (unit_rows)
    for (Index i = 0; i < E.rows(); ++i) {
      const double norm = E.row(i).norm();
      if (norm > 0) E.row(i) /= norm;
    }
  return E;
}

std::vector<int> spectral_clustering(const Csr& S, int k, int n_init, std::uint64_t seed) {
  const Csr sym = S.is_symmetric() ? S : symmetrize(S, Symmetrization::mean);
  KMeansOptions km;
  km.n_clusters = k;
  km.n_init = n_init;
  km.seed = seed;
  return kmeans(spectral_embedding(sym, k), km).labels;
}

}  // namespace dnmf
