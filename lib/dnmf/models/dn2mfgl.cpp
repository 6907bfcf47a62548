#include "dnmf/models/dn2mfgl.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "dnmf/core/error.hpp"

namespace dnmf {

Dn2mfglOptions::Dn2mfglOptions() {
  graph.n_neighbors = 5;
  graph.weights = AffinityWeights::binary;
  graph.symmetrize = Symmetrization::max;
  chain.layers = {150, 10};
  chain.pretraining = Pretraining::nmf;
  chain.pretrain_iterations = 100;
  chain.pretrain_tolerance = 1e-6;
  chain.max_iterations = 100;
  chain.w_exponent = 0.5;
  chain.h_exponent = 0.5;
  chain.max_entry = 1e100;
}

void Dn2mfglOptions::validate(Index n, Index d) const {
  chain.validate(n, d);
  // NMF pre-training factorises Z_i (n×r_{i−1}, Z_1 = X) at rank r_i ≤ min(n, r_{i−1}).
  Index previous = d;
  for (size_t i = 0; i < chain.layers.size(); ++i) {
    const Index r = chain.layers[i];
    if (r > std::min(n, previous))
      throw InvalidOption("layers: r_" + std::to_string(i + 1) + " = " + std::to_string(r) +
                          " exceeds min(n, " + (i == 0 ? std::string("d") : "r_" + std::to_string(i)) +
                          ") = " + std::to_string(std::min(n, previous)) +
                          " (dn2mfgl pre-trains each layer by NMF)");
    previous = r;
  }
  const auto check = [](double v, const char* name) {
    if (!(v >= 0.0) || !std::isfinite(v)) throw InvalidOption(std::string(name) + " must be finite and >= 0");
  };
  check(alpha, "alpha");
  check(beta, "beta");
  check(nu, "nu");
}

std::string dn2mfgl_unbounded_reason(double alpha, double beta, Index n, double min_degree) {
  const double lhs = beta * (1.0 - 1.0 / static_cast<double>(n)), rhs = alpha * min_degree;
  if (!(lhs > rhs)) return {};
  std::ostringstream out;
  out << "beta*(1 - 1/n) = " << lhs << " exceeds alpha * (smallest graph degree) = " << rhs
      << ": the objective is unbounded below (a sample's code can grow without limit, MODELS.md 2.6); "
         "lower beta, raise alpha, or pass --force";
  return out.str();
}

std::vector<std::unique_ptr<ChainTerm>> dn2mfgl_terms(const Dn2mfglOptions& options, const Csr& graph) {
  std::vector<std::unique_ptr<ChainTerm>> terms;
  terms.push_back(std::make_unique<L21Residual>(options.l21));
  // α tr(HᵀLH) with L = D − S and S symmetric equals the attractive term with λ₂ = α/2
  // (its value λ₂ Σ_ij S_ij‖h_i − h_j‖² = 2λ₂ tr(HᵀLH)).
  if (options.alpha > 0.0 && graph.nnz() > 0)
    terms.push_back(std::make_unique<AttractiveTerm>(graph, 0.5 * options.alpha));
  if (options.beta > 0.0) terms.push_back(std::make_unique<VarianceTerm>(options.beta));
  if (options.nu > 0.0) terms.push_back(std::make_unique<InnerProductSparsity>(options.nu));
  return terms;
}

Dn2mfglResult fit_dn2mfgl(const DataMatrix& X, const Dn2mfglOptions& options, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("Dn2MFGL");
  Dn2mfglResult result;
  if (options.alpha > 0.0) {
    const auto start = std::chrono::steady_clock::now();
    result.graph = affinity_graph(X, options.graph);
    result.graph_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const Vector degree = result.graph.row_sums();
    result.min_degree = degree.size() ? degree.minCoeff() : 0.0;
  }
  const std::string reason =
      dn2mfgl_unbounded_reason(options.alpha, options.beta, X.rows(), result.min_degree);
  if (!reason.empty() && !options.force) throw InvalidOption(reason);
  result.fit = fit_deep_chain_on_graph(
      X, result.graph, [&](const Csr& graph) { return dn2mfgl_terms(options, graph); }, options.chain,
      options.sample_order, progress);
  return result;
}

L21Mode parse_l21_mode(const std::string& name) {
  if (name == "samples") return L21Mode::samples;
  if (name == "features") return L21Mode::features;
  throw InvalidOption("--l21: expected 'samples' or 'features', got '" + name + "'");
}

const char* to_string(L21Mode mode) {
  return mode == L21Mode::samples ? "samples" : "features";
}

}  // namespace dnmf
