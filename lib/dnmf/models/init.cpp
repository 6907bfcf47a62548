#include "dnmf/models/init.hpp"

#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/eigen.hpp"

namespace dnmf {

NmfInit parse_nmf_init(const std::string& name) {
  if (name == "random") return NmfInit::random;
  if (name == "nndsvd") return NmfInit::nndsvd;
  if (name == "nndsvda") return NmfInit::nndsvda;
  if (name == "nndsvdar") return NmfInit::nndsvdar;
  throw InvalidOption("--init must be random, nndsvd, nndsvda or nndsvdar (got '" + name + "')");
}

const char* to_string(NmfInit init) {
  switch (init) {
    case NmfInit::random:
      return "random";
    case NmfInit::nndsvd:
      return "nndsvd";
    case NmfInit::nndsvda:
      return "nndsvda";
    case NmfInit::nndsvdar:
      return "nndsvdar";
  }
  return "random";
}

NmfStart nmf_start(const DataMatrix& X, int k, NmfInit kind, std::uint64_t seed) {
  const Index n = X.rows(), d = X.cols();
  if (k < 1 || k > std::min(n, d))
    throw InvalidOption("initial rank k = " + std::to_string(k) +
                        " must satisfy 1 <= k <= min(n, d) = " + std::to_string(std::min(n, d)));
  const double mean = std::max(X.mean_value(), 0.0);
  Rng rng(seed);
  NmfStart s;
  if (kind == NmfInit::random) {
    const double scale = std::sqrt(std::max(mean, 1e-300) / static_cast<double>(k));
    s.W = rng.uniform_matrix(d, k, scale);
    s.H = rng.uniform_matrix(n, k, scale);
    return s;
  }
  const SvdResult svd = truncated_svd(X, k);
  s.W = Dense::Zero(d, k);
  s.H = Dense::Zero(n, k);
  for (Index j = 0; j < k; ++j) {
    const double sigma = svd.singular(j);
    if (!(sigma > 0)) continue;
    const Vector& u = svd.U.col(j);
    const Vector& v = svd.V.col(j);
    if (j == 0) {  // the leading pair of a nonnegative matrix has one sign
      s.H.col(0) = std::sqrt(sigma) * u.cwiseAbs();
      s.W.col(0) = std::sqrt(sigma) * v.cwiseAbs();
      continue;
    }
    const Vector up = u.cwiseMax(0.0), un = (-u).cwiseMax(0.0);
    const Vector vp = v.cwiseMax(0.0), vn = (-v).cwiseMax(0.0);
    const double mp = up.norm() * vp.norm(), mn = un.norm() * vn.norm();
    const bool positive = mp >= mn;
    const double m = positive ? mp : mn;
    if (!(m > 0)) continue;
    const double scale = std::sqrt(sigma * m);
    s.H.col(j) = scale * (positive ? Vector(up / up.norm()) : Vector(un / un.norm()));
    s.W.col(j) = scale * (positive ? Vector(vp / vp.norm()) : Vector(vn / vn.norm()));
  }
  if (kind == NmfInit::nndsvda || kind == NmfInit::nndsvdar) {
    const auto fill = [&](Dense& M) {
      for (Index j = 0; j < M.cols(); ++j)
        for (Index i = 0; i < M.rows(); ++i)
          if (M(i, j) == 0.0) M(i, j) = kind == NmfInit::nndsvda ? mean : mean / 100.0 * rng.uniform();
    };
    fill(s.W);
    fill(s.H);
  }
  return s;
}

}  // namespace dnmf
