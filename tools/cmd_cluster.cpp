// dnmf cluster: fit a data model, cluster its representation, report and write labels.
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/model_file.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace dnmf::cli {

std::unique_ptr<Command> make_cluster() {
  auto cmd = std::make_unique<Command>(
      "cluster",
      "Factorise DATA (Matrix Market, one sample per row, optionally .gz) with a data model, run k-means (or "
      "argmax) on the representation and report or write the labels.",
      std::vector<std::pair<std::string, std::string>>{{"DATA", "data file (\"-\" = standard input)"}});
  cmd->add("clusters", "k", "K", "number of clusters, or A:B to fit each k from A to B and suggest one", "",
           "", true);
  cmd->add("model", "", "NAME", "the model (see the list below)", "nmf");
  cmd->add("labels", "", "TRUTH", "ground-truth labels: report ACC, NMI, ARI and purity");
  cmd->add(
      "graph", "", "EDGES",
      "a sample graph to use instead of the kNN graph (edge list with node numbers 0..n-1 or Matrix Market "
      "adjacency, undirected; e.g. the citations of attributed data): danmf, danmf-crfr, dn2mfgl");
  cmd->add("out", "o", "LABELS", "write the predicted labels here, one per line (\"-\" = stdout)");
  cmd->add("save-model", "", "FILE", "save the fitted encoder for 'dnmf transform' (danmf, danmf-crfr)");
  add_fit_output_options(*cmd);
  add_data_input_options(*cmd);
  cmd->add_model_options(InputKind::data);
  cmd->add_common_options(true);
  return cmd;
}

std::string describe_fit(const FitResult& fit, double seconds) {
  char line[256];
  std::snprintf(line, sizeof line, "%s: %d iterations (%s), objective %.6e, %.2fs", fit.model.c_str(),
                fit.iterations, to_string(fit.status), fit.final_objective(), seconds);
  std::string text = line;
  std::string detail;
  if (const auto it = fit.extras.find("layers"); it != fit.extras.end()) {
    std::string layers;
    for (auto r : std::get<std::vector<std::int64_t>>(it->second))
      layers += (layers.empty() ? "" : "-") + std::to_string(r);
    detail += "layers " + layers;
  }
  if (const auto it = fit.extras.find("graph_seconds"); it != fit.extras.end()) {
    std::snprintf(line, sizeof line, ", graph %.2fs", std::get<double>(it->second));
    detail += line;
  }
  if (const auto it = fit.extras.find("safeguard_halvings"); it != fit.extras.end())
    detail += ", safeguard: " + std::to_string(std::get<std::int64_t>(it->second)) + " halvings, " +
              std::to_string(std::get<std::int64_t>(fit.extras.at("safeguard_rejections"))) + " rejections";
  if (fit.restarts > 1)
    detail +=
        (detail.empty() ? "" : ", ") + std::string("best of ") + std::to_string(fit.restarts) + " restarts";
  return detail.empty() ? text + "\n" : text + "  (" + detail + ")\n";
}

int run_cluster(const Command& cmd) {
  apply_general_options(cmd);
  const ModelSpec& spec = find_model(cmd.get_or("model", "nmf"), InputKind::data);
  OptionValues values = cmd.model_values(spec);
  const auto k_range = cluster_range(cmd);
  if (k_range && (cmd.has("out") || cmd.has("save-model") || cmd.has("labels") || cmd.has("out-embedding") ||
                  cmd.has("trace")))
    throw UsageError(
        "-k A:B selects k; it writes no labels, model or embedding (run again with the k chosen)");
  const int k = k_range ? k_range->second : static_cast<int>(cmd.integer("clusters", 0, 1, 2147483647));
  const std::string path = cmd.positional(0);
  const auto labels_path = cmd.get("labels");
  const auto graph_path = cmd.get("graph");
  if (graph_path && !spec.sample_graph)
    throw UsageError("--graph: " + spec.name +
                     " has no sample-graph term (models with one: danmf, danmf-crfr, dn2mfgl)");
  if (cmd.has("save-model") && values.contains("assign") && values.choice("assign") != "kmeans")
    throw UsageError(
        "--save-model needs --assign kmeans (predict assigns new samples to the cluster centres)");
  if (cmd.has("save-model") && !spec.encoder)
    throw UsageError("--save-model: " + spec.name + " has no encoder (models with one: danmf, danmf-crfr)");
  // Every output is checked before any input is read (docs/reliability.md).
  Outputs outputs;
  std::optional<size_t> out_labels, out_model;
  if (const auto p = cmd.get("out")) out_labels = outputs.add(*p, "--out");
  if (const auto p = cmd.get("save-model")) out_model = outputs.add(*p, "--save-model");
  const FitOutputs fit_outputs = declare_fit_outputs(cmd, outputs);
  outputs.check(
      {{"DATA", path}, {"--labels", labels_path.value_or("")}, {"--graph", graph_path.value_or("")}});

  ProgressPrinter printer(cmd.has("quiet"));
  const auto start = std::chrono::steady_clock::now();
  DataMatrix X = load_data(cmd, path);
  if (k > X.rows())
    throw InvalidOption("-k " + std::to_string(k) +
                        " exceeds the number of samples n = " + std::to_string(X.rows()) + " of " + path);
  std::vector<int> truth;
  if (labels_path) truth = read_truth(*labels_path, X.rows());
  const double read_seconds = since(start);

  Csr given_graph;
  if (graph_path) {
    set_stage("reading " + *graph_path);
    io::EdgeListOptions eo;
    eo.num_nodes = X.rows();
    eo.named = 0;
    given_graph = io::read_edge_list(*graph_path, eo);
  }
  FitInput input;
  if (graph_path) input.graph = &given_graph;
  input.data = &X;
  input.n_clusters = k;
  input.scaling = apply_normalization(spec, values, X);
  input.scaled = true;
  X.require_nonnegative(path + ": " + spec.name);
  if (spec.check)
    for (const auto& w : spec.check(input, values)) std::fprintf(stderr, "dnmf: warning: %s\n", w.c_str());
  printer.note_when_fitting("data: " + path + " (" + std::to_string(X.rows()) + " samples x " +
                            std::to_string(X.cols()) + " features, " +
                            (X.is_sparse() ? "sparse, nnz " + std::to_string(X.stored_entries()) : "dense") +
                            "), model " + spec.name);
  if (k_range) return run_k_sweep(cmd, spec, values, input, k_range->first, k_range->second, printer);
  set_stage("fitting " + spec.name + " on " + path + " (" + std::to_string(X.rows()) + " x " +
            std::to_string(X.cols()) + ")");
  const FitResult fit = fit_model(spec, input, values, printer.callback());
  if (const auto it = fit.extras.find("graph_components"); it != fit.extras.end())
    if (std::get<std::int64_t>(it->second) > 1)
      printer.note("dnmf: warning: the kNN graph has " + std::to_string(std::get<std::int64_t>(it->second)) +
                   " connected components; consider a larger -p");
  set_stage("k-means on the representation of " + path);
  const auto assign_start = std::chrono::steady_clock::now();
  const Assignment assignment = assign_labels(fit, values, k);
  const double assign_seconds = since(assign_start);
  const double seconds = since(start);

  if (out_labels)
    outputs.write(*out_labels, [&](std::ostream& o) { io::write_labels(o, assignment.labels); });
  if (out_model) {
    // The centres predict() assigns new samples to: each cluster's mean code over the
    // training data (scaled as for the fit).
    Encoder encoder = *fit.encoder;
    encoder.fit_centroids(X, assignment.labels, k, assignment.l1_rows);
    outputs.write(*out_model, [&](std::ostream& o) { io::save_model(o, encoder); });
  }
  write_fit_outputs(outputs, fit_outputs, fit);
  outputs.commit();

  Evaluation eval;
  if (!truth.empty()) eval = evaluate(truth, assignment.labels);
  Json j;
  j["model"] = spec.name;
  j["data"] = path;
  j["n"] = X.rows();
  j["d"] = X.cols();
  j["k"] = k;
  add_fit_json(j, fit);
  j["options"] = options_json(values);
  j["kmeans_inertia"] = assignment.inertia;
  j["seconds"] = seconds;
  j["fit_seconds"] = fit.seconds;
  j["stage_seconds"] = {{"read", read_seconds}, {"fit", fit.seconds}, {"labels", assign_seconds}};
  j["peak_memory_bytes"] = peak_memory_bytes();
  std::string text = describe_fit(fit, seconds);
  if (!truth.empty()) {
    j["acc"] = eval.acc;
    j["nmi"] = eval.nmi;
    j["ari"] = eval.ari;
    j["purity"] = eval.purity;
    char line[160];
    std::snprintf(line, sizeof line, "ACC %.4f  NMI %.4f  ARI %.4f  (purity %.4f)\n", eval.acc, eval.nmi,
                  eval.ari, eval.purity);
    text += line;
  }
  print_summary(outputs, cmd.has("json"), j, text);
  return 0;
}

}  // namespace dnmf::cli
