#include "dnmf/models/danmf.hpp"

#include <chrono>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/graph/components.hpp"
#include "dnmf/graph/knn.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

DanmfOptions::DanmfOptions() {
  chain.pretrain_iterations = 500;  // docs/models.md §3.5
  chain.max_iterations = 1000;
  chain.w_exponent = 0.0;  // automatic: default_w_exponent() at fit time
  graph.weights = AffinityWeights::heat;
  // docs/models.md §3.4: a symmetrised S⁺ keeps the H rule monotone (§10.2).
  graph.symmetrize = Symmetrization::max;
}

DanmfOptions DanmfOptions::defaults(DanmfVariant variant) {
  DanmfOptions o;
  o.variant = variant;
  if (variant == DanmfVariant::danmf) o.lambda_attractive = 1.0;
  return o;
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
  if (options.lambda_attractive > 0.0 && options.given_graph) {
    require_sample_graph(*options.given_graph, X.rows(), to_string(options.variant));
    result.affinity = *options.given_graph;
  } else if (options.lambda_attractive > 0.0) {
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

DanmfVariant parse_danmf_variant(const std::string& name) {
  if (name == "danmf") return DanmfVariant::danmf;
  if (name == "danmf-crfr") return DanmfVariant::crfr;
  throw InvalidOption("unknown DANMF variant '" + name + "' (danmf or danmf-crfr)");
}

bool variant_is_crfr(DanmfVariant v) {
  return v == DanmfVariant::crfr;
}

const char* to_string(DanmfVariant v) {
  return v == DanmfVariant::danmf ? "danmf" : "danmf-crfr";
}

// ---------------------------------------------------------------- registry entry

namespace {

/// The option values as DanmfOptions (a preset first, then what the caller set).
DanmfOptions danmf_options(DanmfVariant variant, const OptionValues& v, Index n, Index d, int k,
                           const ModelSpec& spec) {
  DanmfOptions o = DanmfOptions::defaults(variant);
  const bool reference = v.choice("preset") == "reference";
  if (reference) apply_reference_preset(o);
  // Under the preset, only what the caller set explicitly overrides it.
  const auto use = [&](const char* name) { return v.contains(name) && (!reference || v.is_set(name)); };
  o.chain.layers = resolve_layers(spec, v, n, d, k);
  if (use("lambda-rep")) o.lambda_repulsive = v.real("lambda-rep");
  if (use("lambda-att")) o.lambda_attractive = v.real("lambda-att");
  if (use("lambda-frp")) o.lambda_frp = v.real("lambda-frp");
  if (!variant_is_crfr(variant)) o.lambda_repulsive = o.lambda_frp = 0.0;
  if (use("neighbors") && v.has_value("neighbors"))
    o.graph.n_neighbors = static_cast<int>(v.integer("neighbors"));
  if (use("sigma") && v.has_value("sigma")) o.graph.sigma = v.real("sigma");
  if (use("symmetrize")) o.graph.symmetrize = parse_symmetrization(v.choice("symmetrize"));
  if (use("pretrain-iter")) o.chain.pretrain_iterations = static_cast<int>(v.integer("pretrain-iter"));
  if (use("pretrain-tol")) o.chain.pretrain_tolerance = v.real("pretrain-tol");
  if (use("iter")) o.chain.max_iterations = static_cast<int>(v.integer("iter"));
  if (use("tol")) o.chain.tolerance = v.real("tol");
  o.chain.w_exponent = v.has_value("w-exponent") ? v.real("w-exponent") : o.default_w_exponent();
  o.chain.h_exponent = v.real("h-exponent");
  o.chain.safeguard = v.flag("safeguard");
  o.chain.seed = static_cast<std::uint64_t>(v.integer("seed"));
  return o;
}

FitResult fit_danmf_model(DanmfVariant variant, const FitInput& input, const OptionValues& v,
                          const Progress& progress) {
  const DataMatrix& X = *input.data;
  const ModelSpec& spec = find_model(to_string(variant));
  DanmfOptions o = danmf_options(variant, v, X.rows(), X.cols(), input.n_clusters, spec);
  o.given_graph = input.graph;
  const int p = o.lambda_attractive > 0 && !input.graph ? o.graph.resolved_neighbors(X.rows()) : 0;
  DanmfResult r = fit_danmf(X, o, progress);
  FitResult out;
  ChainFit& fit = r.fit;
  out.status = fit.status;
  out.iterations = fit.iterations;
  out.objective = std::move(fit.objective);
  out.seconds = fit.seconds + r.graph_seconds;
  out.representation = fit.H;
  for (size_t i = 0; i < fit.W.size(); ++i) out.factors.push_back({"W" + std::to_string(i + 1), fit.W[i]});
  out.factors.push_back({"H", std::move(fit.H)});
  Encoder encoder;
  encoder.W = std::move(fit.W);
  out.encoder = std::move(encoder);
  std::vector<std::int64_t> layers(o.chain.layers.begin(), o.chain.layers.end());
  std::vector<std::int64_t> pretrain(fit.pretrain_iterations.begin(), fit.pretrain_iterations.end());
  out.extras["layers"] = layers;
  out.extras["p"] = std::int64_t{p};
  out.extras["graph_seconds"] = r.graph_seconds;
  out.extras["graph_components"] =
      std::int64_t{r.affinity.rows() > 0 ? connected_components(r.affinity).count : 0};
  out.extras["pretrain_iterations"] = pretrain;
  out.extras["safeguard_halvings"] = std::int64_t{fit.safeguard_halvings};
  out.extras["safeguard_rejections"] = std::int64_t{fit.safeguard_rejections};
  out.extras["w_exponent"] = o.chain.w_exponent;
  return out;
}

}  // namespace

ModelSpec danmf_spec(DanmfVariant variant) {
  const DanmfOptions d = DanmfOptions::defaults(variant);
  const bool crfr = variant_is_crfr(variant);
  ModelSpec s;
  s.name = to_string(variant);
  s.input = InputKind::data;
  if (crfr) {
    s.title = "DANMF-CRFR: deep autoencoder-like NMF with contrastive and feature-relationship regularisers";
    s.paper = "Salahian et al., Expert Systems with Applications 214 (2023) 119051";
  } else {
    s.title = "DANMF: deep autoencoder-like NMF with a graph regulariser";
    s.paper = "Ye, Chen, Zheng, CIKM 2018";
  }
  s.section = "docs/models.md §3";
  s.encoder = true;
  s.sample_graph = true;
  s.options.push_back(option_layers("4k,2k,k (each at most n)",
                                    "layer sizes r1,...,rl (r1 may exceed d; the last is the rank of H)"));
  if (crfr)
    s.options.push_back(real_option("lambda-rep", d.lambda_repulsive, 0, "λ1: weight of the repulsive term"));
  s.options.push_back(
      real_option("lambda-att", d.lambda_attractive, 0, "λ2: weight of the attractive graph term"));
  if (crfr)
    s.options.push_back(
        real_option("lambda-frp", d.lambda_frp, 0, "λ3 inside the feature-relationship term"));
  for (auto& g : sample_graph_options("floor(ln n) + 1", "max")) s.options.push_back(std::move(g));
  s.options.push_back(option_pretrain_iterations(d.chain.pretrain_iterations));
  s.options.push_back(option_pretrain_tolerance(d.chain.pretrain_tolerance));
  s.options.push_back(option_iterations(d.chain.max_iterations));
  s.options.push_back(option_tolerance(d.chain.tolerance));
  s.options.push_back(computed_default(option_exponent("w-exponent", 1.0, "exponent γ of the W updates"),
                                       crfr ? "0.5 with the FRP term (λ3 > 0), else 1" : "1"));
  s.options.push_back(option_exponent("h-exponent", d.chain.h_exponent, "exponent γ of the H update"));
  s.options.push_back(flag_option("safeguard", d.chain.safeguard,
                                  "re-check the objective after each block update; halve γ when it rose"));
  s.options.push_back(
      choice_option("preset", "none", {"none", "reference"},
                    "reference: the reference code's graph (p = 4, σ² = 1000, unsymmetrised) and "
                    "500 + 500 iterations"));
  s.options.push_back(option_seed());
  s.options.push_back(option_restarts(1));
  s.options.push_back(option_normalize("auto"));
  s.options.push_back(option_assign("kmeans"));
  s.options.push_back(option_kmeans_normalize("none"));
  s.options.push_back(option_kmeans_init());
  // Tied to the number of clusters, not to d (docs/models.md §3.5), each width at most n
  // (k <= n is checked by the caller, so the last stays k; r1 > d is allowed).
  s.default_layers = [](Index n, Index, int k) {
    const std::int64_t r = std::max(k, 1);
    std::vector<std::int64_t> layers{4 * r, 2 * r, r};
    for (auto& w : layers) w = std::max<std::int64_t>(1, std::min<std::int64_t>(w, n));
    return layers;
  };
  s.fit = [variant](const FitInput& in, const OptionValues& v, const Progress& p) {
    return fit_danmf_model(variant, in, v, p);
  };
  return s;
}

}  // namespace dnmf
