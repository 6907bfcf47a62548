// The model registry: one entry per model, declared in the model's own file next to its
// maths (name, input kind, option table with defaults, ranges and help, default layer
// rule, fit function). The CLI, the benchmarks and the Python bindings dispatch through
// it, so a new model is its own .hpp/.cpp, its test, its docs and one line in
// registry.cpp. docs/architecture.md shows the path of a `dnmf cluster` call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/progress.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/encoder.hpp"
#include "dnmf/models/options.hpp"

namespace dnmf {

/// What a model factorises: a data matrix (n samples × d features) or a graph (n × n).
enum class InputKind { data, graph };

/// What the restarts of one fit_model call may share (e.g. the spectral embedding of a
/// graph, which does not depend on the seed). fit_model creates it; models look up and
/// store entries under names of their own.
struct FitCache {
  std::map<std::string, Dense> matrices;
};

/// The input of one fit. Data models read `data` (and build their own sample graph when
/// they need one); graph models read `graph`.
struct FitInput {
  DataMatrix* data = nullptr;  ///< data models: scaled in place by the `normalize` option
  /// Graph models: the adjacency (A_ij ≠ 0: edge i → j). Data models with a sample-graph
  /// term (ModelSpec::sample_graph): a given n×n sample graph instead of the kNN graph.
  const Csr* graph = nullptr;
  bool directed = false;  ///< graph models: the graph's edges have a direction
  int n_clusters = 0;     ///< k of the clustering (the models' rank rules use it)
  /// The caller already scaled *data per the `normalize` option (apply_normalization)
  /// with these parameters; fit_model then leaves it as it is.
  bool scaled = false;
  DataScaling scaling;
  FitCache* cache = nullptr;  ///< set by fit_model for the duration of its restarts
};

/// A model-specific result value (JSON, the Python `extras_`).
using ExtraValue =
    std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>, std::vector<double>>;

struct NamedMatrix {
  std::string name;  ///< "W", "W1", "H", "Psi", ...
  Dense value;
};

/// One result type for every model.
struct FitResult {
  std::string model;
  Status status = Status::not_run;
  int iterations = 0;             ///< main-loop (fine-tuning) iterations of the kept fit
  std::vector<double> objective;  ///< the objective after each iteration (of the kept fit)
  double seconds = 0.0;           ///< all restarts, graph construction and pre-training
  Dense representation;           ///< n×r, row i = sample/node i: what clustering uses
  std::vector<NamedMatrix> factors;
  std::map<std::string, ExtraValue> extras;  ///< e.g. "graph_seconds", "pretrain_iterations"
  /// The encoder of models that map new samples (danmf, danmf-crfr): transform().
  std::optional<Encoder> encoder;
  int restarts = 1;                        ///< fits run
  int best_restart = 0;                    ///< which one was kept (lowest final objective)
  std::vector<double> restart_objectives;  ///< final objective of each restart

  double final_objective() const;  ///< objective.back(), NaN when empty
};

struct ModelSpec {
  std::string name;     ///< "danmf-crfr": the --model value and the Python class's key
  std::string title;    ///< one line for help
  std::string paper;    ///< reference
  std::string section;  ///< "docs/models.md §3"
  InputKind input = InputKind::data;
  bool encoder = false;  ///< FitResult::encoder is set: the fit can encode new samples
  /// A data model with a sample-graph term: FitInput::graph, when set, replaces its kNN graph.
  bool sample_graph = false;
  std::vector<OptionSpec> options;  ///< every option the model takes, defaults included
  /// Layer sizes when --layers (or nmf's --rank) is not given, from n, d and the number
  /// of clusters k: valid for every input. Empty function for models without layers.
  std::function<std::vector<std::int64_t>(Index n, Index d, int k)> default_layers;
  /// Optional checks before any work (throws InvalidOption for combinations the option
  /// table cannot express) returning warnings for the caller to show.
  std::function<std::vector<std::string>(const FitInput&, const OptionValues&)> check;
  /// One fit from the options' seed; fit_model adds restarts and scaling.
  std::function<FitResult(const FitInput&, const OptionValues&, const Progress&)> fit;

  OptionValues defaults() const { return OptionValues(options); }
};

/// Every registered model, in the order help lists them.
const std::vector<ModelSpec>& model_registry();
/// The model called `name`; throws InvalidOption listing the models of `kind` otherwise.
const ModelSpec& find_model(const std::string& name, std::optional<InputKind> kind = std::nullopt);
/// Names of the models of one kind, comma-separated (for messages and help).
std::string model_names(InputKind kind);

/// The layers to use: the `layers` option when set, else the model's rule (n, d, k).
std::vector<int> resolve_layers(const ModelSpec& spec, const OptionValues& values, Index n, Index d, int k);

/// Scales the data per the `normalize` option (data models; `auto` resolved from the data,
/// docs/models.md §10.1); returns the parameters, which saved encoders keep.
DataScaling apply_normalization(const ModelSpec& spec, const OptionValues& values, DataMatrix& data);

/// Fits a model: scales the data (data models), then runs `restarts` fits from seeds
/// derived from `seed` (models/driver.hpp restart_seed; restart 0 uses `seed`), keeping
/// the one with the lowest final objective — labels never take part. Progress reports
/// "restart r/R" in the stage when R > 1.
FitResult fit_model(const ModelSpec& spec, const FitInput& input, const OptionValues& values,
                    const Progress& progress = {});

/// Cluster labels of a fit and what predicting new samples needs.
struct Assignment {
  std::vector<int> labels;
  bool argmax = false;   ///< labels are the rows' largest entries (no centroids)
  bool l1_rows = false;  ///< rows were scaled to sum 1 before k-means
  Dense centroids;       ///< k×r k-means centroids (empty for argmax)
  double inertia = 0.0;  ///< k-means inertia (0 for argmax)
};

/// Cluster labels from a fit, per the model's `assign` option: argmax over the rows of
/// the representation, argmax after smoothing over the graph (`smooth`, graph models:
/// needs `graph`, cluster/assign.hpp), or k-means (k = n_clusters, `kmeans-init` restarts,
/// rows scaled to sum 1 first when `kmeans-normalize` is l1) seeded with the `seed` option.
Assignment assign_labels(const FitResult& fit, const OptionValues& values, int n_clusters,
                         const Csr* graph = nullptr);

}  // namespace dnmf
