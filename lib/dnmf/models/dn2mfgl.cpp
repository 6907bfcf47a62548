#include "dnmf/models/dn2mfgl.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "dnmf/core/error.hpp"
#include "dnmf/graph/components.hpp"
#include "dnmf/models/registry.hpp"

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
      << ": the objective is unbounded below (a sample's code can grow without limit, docs/models.md §4.6); "
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
    if (options.given_graph) require_sample_graph(*options.given_graph, X.rows(), "dn2mfgl");
    result.graph = options.given_graph ? *options.given_graph : affinity_graph(X, options.graph);
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

// ---------------------------------------------------------------- registry entry

namespace {

FitResult fit_dn2mfgl_model(const FitInput& input, const OptionValues& v, const Progress& progress) {
  const DataMatrix& X = *input.data;
  Dn2mfglOptions o;
  o.chain.layers = resolve_layers(dn2mfgl_spec(), v, X.rows(), X.cols(), input.n_clusters);
  o.alpha = v.real("alpha");
  o.beta = v.real("beta");
  o.nu = v.real("nu");
  o.l21 = parse_l21_mode(v.choice("l21"));
  o.force = v.flag("force");
  o.graph.n_neighbors = static_cast<int>(v.integer("neighbors"));
  o.graph.symmetrize = parse_symmetrization(v.choice("symmetrize"));
  o.chain.pretrain_iterations = static_cast<int>(v.integer("pretrain-iter"));
  o.chain.pretrain_tolerance = v.real("pretrain-tol");
  o.chain.max_iterations = static_cast<int>(v.integer("iter"));
  o.chain.tolerance = v.real("tol");
  o.chain.w_exponent = v.real("w-exponent");
  o.chain.h_exponent = v.real("h-exponent");
  o.chain.safeguard = v.flag("safeguard");
  o.chain.seed = static_cast<std::uint64_t>(v.integer("seed"));
  o.given_graph = input.graph;
  const int p = o.alpha > 0 && !input.graph ? o.graph.resolved_neighbors(X.rows()) : 0;
  Dn2mfglResult r = fit_dn2mfgl(X, o, progress);
  FitResult out;
  ChainFit& fit = r.fit;
  out.status = fit.status;
  out.iterations = fit.iterations;
  out.objective = std::move(fit.objective);
  out.seconds = fit.seconds + r.graph_seconds;
  out.representation = fit.H;
  for (size_t i = 0; i < fit.W.size(); ++i)
    out.factors.push_back({"W" + std::to_string(i + 1), std::move(fit.W[i])});
  out.factors.push_back({"H", std::move(fit.H)});
  std::vector<std::int64_t> layers(o.chain.layers.begin(), o.chain.layers.end());
  std::vector<std::int64_t> pretrain(fit.pretrain_iterations.begin(), fit.pretrain_iterations.end());
  out.extras["layers"] = layers;
  out.extras["p"] = std::int64_t{p};
  out.extras["graph_seconds"] = r.graph_seconds;
  out.extras["graph_components"] = std::int64_t{r.graph.rows() > 0 ? connected_components(r.graph).count : 0};
  out.extras["pretrain_iterations"] = pretrain;
  out.extras["safeguard_halvings"] = std::int64_t{fit.safeguard_halvings};
  out.extras["safeguard_rejections"] = std::int64_t{fit.safeguard_rejections};
  return out;
}

}  // namespace

ModelSpec dn2mfgl_spec() {
  const Dn2mfglOptions d;
  ModelSpec s;
  s.name = "dn2mfgl";
  s.title = "Dn2MFGL: deep NMF with an L2,1 residual, local graph, global variance and sparsity terms";
  s.paper = "Saberi-Movahed et al., Expert Systems with Applications 249 (2024) 123645";
  s.section = "docs/models.md §4";
  s.sample_graph = true;
  s.input = InputKind::data;
  s.options = {
      option_layers("150,10, r1 at most min(n, d)",
                    "layer sizes r1,...,rl (each at most min(n, the previous size))"),
      real_option("alpha", d.alpha, 0, "α: weight of the local graph term"),
      real_option("beta", d.beta, 0, "β: weight of the global variance term"),
      real_option("nu", d.nu, 0, "ν: weight of the inner-product sparsity term"),
      choice_option("l21", "samples", {"samples", "features"},
                    "L2,1 residual over samples (default) or features (the reference code)"),
      flag_option("force", false, "fit even when the objective is unbounded below for these weights"),
  };
  OptionSpec p =
      integer_option("neighbors", d.graph.n_neighbors, 1, 1 << 30, "neighbours p of the binary kNN graph");
  p.short_name = "p";
  p.value_name = "P";
  s.options.push_back(p);
  s.options.push_back(choice_option("symmetrize", "max", {"max", "mean", "mutual", "none"},
                                    "how the kNN graph is made symmetric"));
  s.options.push_back(option_pretrain_iterations(d.chain.pretrain_iterations));
  s.options.push_back(option_pretrain_tolerance(d.chain.pretrain_tolerance));
  s.options.push_back(option_iterations(d.chain.max_iterations));
  s.options.push_back(option_tolerance(d.chain.tolerance));
  s.options.push_back(option_exponent("w-exponent", d.chain.w_exponent, "exponent γ of the H_i updates"));
  s.options.push_back(option_exponent("h-exponent", d.chain.h_exponent, "exponent γ of the V_l update"));
  s.options.push_back(flag_option("safeguard", d.chain.safeguard,
                                  "re-check the objective after each block update; halve γ when it rose"));
  s.options.push_back(option_seed());
  s.options.push_back(option_restarts(1));
  s.options.push_back(option_normalize("auto"));
  s.options.push_back(option_assign("kmeans"));
  s.options.push_back(option_kmeans_normalize("none"));
  s.options.push_back(option_kmeans_init());
  s.default_layers = [](Index n, Index dim, int) {
    // The reference's [150, 10], capped by what NMF pre-training allows (r_i <= min(n, r_{i-1})).
    const std::int64_t r1 = std::max<std::int64_t>(1, std::min<std::int64_t>({150, n, dim}));
    return std::vector<std::int64_t>{r1, std::min<std::int64_t>(10, r1)};
  };
  s.fit = fit_dn2mfgl_model;
  return s;
}

}  // namespace dnmf
