#include "dnmf/models/danmf.hpp"

#include <chrono>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/graph/knn.hpp"

namespace dnmf {

DanmfOptions::DanmfOptions() {
  chain.pretrain_iterations = 500;  // MODELS.md §1.3.5 / §9.3
  chain.max_iterations = 1000;
  chain.w_exponent = 0.0;  // automatic: default_w_exponent() at fit time
  graph.weights = AffinityWeights::heat;
  graph.symmetrize = Symmetrization::max;  // §9.3: symmetrised S⁺ keeps the H rule monotone (§1.3.10)
}

double DanmfOptions::default_w_exponent() const {
  return (variant == DanmfVariant::crfr && lambda_frp > 0.0) ? 0.5 : 1.0;
}

void DanmfOptions::validate(Index n, Index d) const {
  ChainOptions resolved = chain;
  if (resolved.w_exponent == 0.0) resolved.w_exponent = default_w_exponent();
  resolved.validate(n, d);
  const auto check = [](double v, const char* name) {
    if (!(v >= 0.0) || !std::isfinite(v)) throw InvalidOption(std::string(name) + " must be finite and >= 0");
  };
  check(lambda_repulsive, "lambda_repulsive");
  check(lambda_attractive, "lambda_attractive");
  check(lambda_frp, "lambda_frp");
  if (lambda_attractive > 0.0 && n < 2) throw InvalidOption("the attractive term needs at least 2 samples");
}

void apply_reference_preset(DanmfOptions& options) {
  options.graph.n_neighbors = 4;  // NearestNeighbors(5) minus the point itself
  options.graph.weights = AffinityWeights::heat;
  options.graph.sigma = std::sqrt(1000.0);  // the code's delta = 1000 plays σ²
  options.graph.symmetrize = Symmetrization::none;
  options.chain.pretrain_iterations = 500;
  options.chain.max_iterations = 500;
  options.chain.tolerance = 0.0;
}

std::vector<std::unique_ptr<ChainTerm>> danmf_terms(const DanmfOptions& options, const Csr& affinity) {
  std::vector<std::unique_ptr<ChainTerm>> terms;
  terms.push_back(std::make_unique<DecoderLoss>());
  terms.push_back(std::make_unique<EncoderLoss>());
  const bool crfr = options.variant == DanmfVariant::crfr;
  if (crfr && options.lambda_repulsive > 0.0)
    terms.push_back(std::make_unique<RepulsiveTerm>(options.lambda_repulsive));
  if (options.lambda_attractive > 0.0)
    terms.push_back(std::make_unique<AttractiveTerm>(affinity, options.lambda_attractive));
  if (crfr && options.lambda_frp > 0.0)
    terms.push_back(std::make_unique<FeatureRelationTerm>(options.lambda_frp));
  return terms;
}

DanmfResult fit_danmf(const DataMatrix& X, const DanmfOptions& options, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("DANMF");
  DanmfResult result;
  if (options.lambda_attractive > 0.0) {
    const auto start = std::chrono::steady_clock::now();
    KnnOptions ko;
    ko.n_neighbors = options.graph.resolved_neighbors(X.rows());
    ko.method = options.graph.method;
    ko.validate(X.rows());
    const KnnResult neighbours = knn(X, ko);
    result.knn_method = neighbours.method_used;
    result.affinity = affinity_from_knn(neighbours, options.graph);
    result.graph_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  ChainOptions chain = options.chain;
  if (chain.w_exponent == 0.0) chain.w_exponent = options.default_w_exponent();
  result.fit = fit_deep_chain_on_graph(
      X, result.affinity, [&](const Csr& graph) { return danmf_terms(options, graph); }, chain,
      options.sample_order, progress);
  return result;
}

Dense normalize_rows_l1(const Dense& H) {
  Dense out = H;
  for (Index i = 0; i < out.rows(); ++i) {
    const double s = out.row(i).sum();
    if (s > 0.0) out.row(i) /= s;
  }
  return out;
}

DanmfVariant parse_danmf_variant(const std::string& name) {
  if (name == "danmf") return DanmfVariant::danmf;
  if (name == "danmf-crfr") return DanmfVariant::crfr;
  throw InvalidOption("unknown DANMF variant '" + name + "' (danmf or danmf-crfr)");
}

const char* to_string(DanmfVariant v) {
  return v == DanmfVariant::danmf ? "danmf" : "danmf-crfr";
}

}  // namespace dnmf
