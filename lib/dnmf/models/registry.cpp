#include "dnmf/models/registry.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "dnmf/cluster/assign.hpp"
#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/models/danmf.hpp"
#include "dnmf/models/dasnmf.hpp"
#include "dnmf/models/deep_beta.hpp"
#include "dnmf/models/dn2mfgl.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/dsnmf.hpp"
#include "dnmf/models/graph_nmf.hpp"
#include "dnmf/models/minvol_deep_kl.hpp"
#include "dnmf/models/nmf.hpp"

namespace dnmf {

double FitResult::final_objective() const {
  return objective.empty() ? std::numeric_limits<double>::quiet_NaN() : objective.back();
}

const std::vector<ModelSpec>& model_registry() {
  // One line per model: a new model adds its spec function here.
  static const std::vector<ModelSpec> registry = {
      nmf_spec(),
      danmf_spec(DanmfVariant::danmf),
      danmf_spec(DanmfVariant::crfr),
      dn2mfgl_spec(),
      deep_beta_spec(),
      minvol_deep_kl_spec(),
      symnmf_spec(),
      asymnmf_spec(),
      dsnmf_spec(),
      dasnmf_spec(),
  };
  return registry;
}

std::string model_names(InputKind kind) {
  std::string names;
  for (const auto& m : model_registry())
    if (m.input == kind) names += (names.empty() ? "" : ", ") + m.name;
  return names;
}

const ModelSpec& find_model(const std::string& name, std::optional<InputKind> kind) {
  for (const auto& m : model_registry())
    if (m.name == name && (!kind || m.input == *kind)) return m;
  for (const auto& m : model_registry())
    if (m.name == name)
      throw InvalidOption(
          "--model " + name + " factorises " +
          (m.input == InputKind::graph ? "graphs: use 'dnmf graph cluster'" : "data: use 'dnmf cluster'"));
  throw InvalidOption("unknown --model '" + name +
                      "' (available: " + model_names(kind.value_or(InputKind::data)) + ")");
}

std::vector<int> resolve_layers(const ModelSpec& spec, const OptionValues& values, Index n, Index d, int k) {
  std::vector<std::int64_t> sizes;
  if (values.contains("layers") && values.has_value("layers"))
    sizes = values.integers("layers");
  else if (values.contains("rank") && values.has_value("rank"))
    sizes = {values.integer("rank")};
  else if (spec.default_layers)
    sizes = spec.default_layers(n, d, k);
  std::vector<int> out;
  for (auto r : sizes) out.push_back(static_cast<int>(r));
  return out;
}

DataScaling apply_normalization(const ModelSpec& spec, const OptionValues& values, DataMatrix& data) {
  (void)spec;
  if (!values.contains("normalize")) return {};
  return data.normalize(parse_normalization(values.choice("normalize")));
}

FitResult fit_model(const ModelSpec& spec, const FitInput& input, const OptionValues& values,
                    const Progress& progress) {
  if (spec.input == InputKind::data && !input.data) throw InvalidOption(spec.name + " needs a data matrix");
  if (spec.input == InputKind::graph && !input.graph) throw InvalidOption(spec.name + " needs a graph");
  const auto start = std::chrono::steady_clock::now();
  DataScaling scaling = input.scaling;
  if (spec.input == InputKind::data && !input.scaled)
    scaling = apply_normalization(spec, values, *input.data);
  const int restarts = values.contains("restarts") ? static_cast<int>(values.integer("restarts")) : 1;
  const auto seed = static_cast<std::uint64_t>(values.contains("seed") ? values.integer("seed") : 0);
  FitResult best;
  std::vector<double> finals;
  bool have = false;
  FitCache cache;
  FitInput shared = input;
  if (!shared.cache) shared.cache = &cache;
  for (int r = 0; r < restarts; ++r) {
    OptionValues v = values;
    if (v.contains("seed")) v.set("seed", static_cast<std::int64_t>(restart_seed(seed, r)));
    Progress p = progress;
    if (progress && restarts > 1)
      p = [&progress, r, restarts](const IterationInfo& info) {
        IterationInfo copy = info;
        copy.stage = "restart " + std::to_string(r + 1) + "/" + std::to_string(restarts) + " " + info.stage;
        copy.job_done = (r + std::clamp(info.job_done, 0.0, 1.0)) / restarts;
        return progress(copy);
      };
    FitResult f = spec.fit(shared, v, p);
    finals.push_back(f.final_objective());
    const bool stopped = f.status == Status::stopped_by_callback;
    // The lowest final objective wins; a NaN (no iteration ran) never beats a number.
    if (!have || (std::isfinite(finals.back()) && !(finals.back() >= best.final_objective()))) {
      best = std::move(f);
      best.best_restart = r;
      have = true;
    }
    if (stopped) break;
  }
  best.model = spec.name;
  best.restarts = static_cast<int>(finals.size());
  best.restart_objectives = std::move(finals);
  if (best.encoder) {
    best.encoder->model = spec.name;
    best.encoder->scaling = scaling;
  }
  if (spec.input == InputKind::data && values.contains("normalize"))
    best.extras["normalize"] = std::string(to_string(scaling.how));
  best.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return best;
}

Assignment assign_labels(const FitResult& fit, const OptionValues& values, int n_clusters, const Csr* graph) {
  Assignment a;
  const std::string how = values.contains("assign") ? values.choice("assign") : "kmeans";
  if (how == "argmax") {
    a.argmax = true;
    a.labels = argmax_rows(fit.representation);
    return a;
  }
  if (how == "smooth") {
    if (!graph) throw InvalidOption("--assign smooth needs the graph (graph models only)");
    a.argmax = true;
    a.labels = argmax_rows(smoothed_memberships(*graph, fit.representation));
    return a;
  }
  a.l1_rows = values.contains("kmeans-normalize") && values.choice("kmeans-normalize") == "l1";
  KMeansOptions km;
  km.n_clusters = n_clusters;
  km.n_init = values.contains("kmeans-init") ? static_cast<int>(values.integer("kmeans-init")) : km.n_init;
  km.seed = static_cast<std::uint64_t>(values.contains("seed") ? values.integer("seed") : 0);
  KMeansResult r = kmeans(a.l1_rows ? normalize_rows_l1(fit.representation) : fit.representation, km);
  a.labels = std::move(r.labels);
  a.centroids = std::move(r.centers);
  a.inertia = r.inertia;
  return a;
}

}  // namespace dnmf
