// dnmf graph stats / dnmf graph cluster: graphs given as edge lists or Matrix Market
// adjacencies.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/components.hpp"
#include "dnmf/graph/pagerank.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/text_reader.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace dnmf::cli {

namespace {

const char* kEdgesHelp =
    "edge list ('src dst [weight]' per line, blank- or comma-separated, '#'/'%' comments, node numbers or "
    "names, optional header) or Matrix Market adjacency, optionally .gz (\"-\" = standard input)";

void add_graph_input_options(Command& cmd) {
  cmd.add("directed", "", "", "read the edges as directed (default undirected)");
  cmd.add("one-based", "", "", "node numbers start at 1 (default 0)");
  cmd.add("names", "", "HOW",
          "node ids are names: auto (when the first edge's ids are not integers)|yes|no; named nodes are "
          "numbered in order of first appearance and written back next to their labels",
          "auto");
  cmd.add("header", "", "H", "the edge list starts with a header line: auto|yes|no", "auto");
}

int tri_state(const Command& cmd, const std::string& name, const char* yes) {
  const std::string v = cmd.get_or(name, "auto");
  if (v == "auto") return -1;
  if (v == yes) return 1;
  if (v == "no") return 0;
  throw InvalidOption("--" + name + " " + io::quote_token(v) + " must be auto, " + yes + " or no");
}

Csr read_graph(const Command& cmd, const std::string& path, std::vector<std::string>& names) {
  io::EdgeListOptions eo;
  eo.directed = cmd.has("directed");
  eo.one_based = cmd.has("one-based");
  eo.named = tri_state(cmd, "names", "yes");
  eo.header = tri_state(cmd, "header", "yes");
  set_stage("reading " + path);
  Csr A = io::read_edge_list(path, eo, &names);
  if (A.rows() == 0) throw InputError(path, 0, "holds no edges (the graph is empty)");
  return A;
}

}  // namespace

std::unique_ptr<Command> make_graph_stats() {
  auto cmd = std::make_unique<Command>(
      "graph stats", "Nodes, edges, components, degrees and the top PageRank nodes of a graph.",
      std::vector<std::pair<std::string, std::string>>{{"EDGES", kEdgesHelp}});
  add_graph_input_options(*cmd);
  cmd->add("top", "", "N", "how many top PageRank nodes to list", "10");
  cmd->add_common_options(false);
  return cmd;
}

int run_graph_stats(const Command& cmd) {
  apply_general_options(cmd);
  const std::string path = cmd.positional(0);
  const bool directed = cmd.has("directed");
  std::vector<std::string> names;
  const Csr A = read_graph(cmd, path, names);
  const Index n = A.rows();
  const Index edges = directed ? A.nnz() : A.nnz() / 2;
  const Components components = connected_components(A);
  Vector out_degree(n), in_degree = Vector::Zero(n);
  for (Index i = 0; i < n; ++i) out_degree(i) = static_cast<double>(A.row_ptr()[i + 1] - A.row_ptr()[i]);
  for (auto c : A.col_idx()) in_degree(c) += 1;
  const auto pr = pagerank(A);
  const int top = static_cast<int>(std::min<long long>(cmd.integer("top", 10, 0, 1 << 30), n));
  std::vector<Index> order(static_cast<size_t>(n));
  for (Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](Index a, Index b) {
    return pr.scores(a) != pr.scores(b) ? pr.scores(a) > pr.scores(b) : a < b;
  });
  const auto summary = [&](const Vector& d) {
    std::vector<double> v(d.data(), d.data() + d.size());
    std::sort(v.begin(), v.end());
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "min %g, median %g, mean %.3f, max %g", v.empty() ? 0 : v.front(),
                  v.empty() ? 0 : v[v.size() / 2], d.size() ? d.mean() : 0.0, v.empty() ? 0 : v.back());
    return std::string(buffer);
  };
  Index isolated = 0;
  for (Index i = 0; i < n; ++i) isolated += (out_degree(i) + in_degree(i) == 0);
  Json j;
  j["nodes"] = n;
  j["edges"] = edges;
  j["directed"] = directed;
  j["components"] = components.count;
  j["isolated"] = isolated;
  // An empty graph (no nodes) has no degrees: report zeros rather than the max of nothing.
  j["mean_out_degree"] = n > 0 ? out_degree.mean() : 0.0;
  j["max_out_degree"] = n > 0 ? out_degree.maxCoeff() : 0.0;
  j["max_in_degree"] = n > 0 ? in_degree.maxCoeff() : 0.0;
  Json tops = Json::array();
  for (int t = 0; t < top; ++t) {
    const auto node = order[static_cast<size_t>(t)];
    Json entry = {{"node", node}, {"score", pr.scores(node)}};
    if (!names.empty()) entry["name"] = names[static_cast<size_t>(node)];
    tops.push_back(entry);
  }
  j["pagerank_top"] = tops;
  std::string text =
      "graph: " + path + "\nnodes: " + std::to_string(n) + "\nedges: " + std::to_string(edges) +
      (directed ? " (directed)" : " (undirected)") + "\ncomponents: " + std::to_string(components.count) +
      (directed ? " (weakly connected)" : "") + "\nisolated nodes: " + std::to_string(isolated) + "\n";
  if (directed)
    text += "out-degree: " + summary(out_degree) + "\nin-degree: " + summary(in_degree) + "\n";
  else
    text += "degree: " + summary(out_degree) + "\n";
  text += "pagerank (damping 0.85, " + std::to_string(pr.iterations) + " iterations" +
          (pr.converged ? "" : ", NOT converged") + "), top " + std::to_string(top) + ":\n";
  for (int t = 0; t < top; ++t) {
    char line[96];
    const auto node = order[static_cast<size_t>(t)];
    std::snprintf(line, sizeof line, "  %8lld  %.6f", static_cast<long long>(node), pr.scores(node));
    text += line;
    text += names.empty() ? "\n" : "  " + names[static_cast<size_t>(node)] + "\n";
  }
  print_summary(Outputs(), cmd.has("json"), j, text);
  return 0;
}

std::unique_ptr<Command> make_graph_cluster() {
  auto cmd =
      std::make_unique<Command>("graph cluster",
                                "Cluster the nodes of a graph with a graph model; report modularity and "
                                "conductance (and ACC/NMI/ARI with "
                                "--labels).",
                                std::vector<std::pair<std::string, std::string>>{{"EDGES", kEdgesHelp}});
  cmd->add("clusters", "k", "K", "number of clusters, or A:B to fit each k from A to B and suggest one", "",
           "", true);
  cmd->add("model", "", "NAME", "the model (see the list below)", "symnmf; asymnmf with --directed");
  add_graph_input_options(*cmd);
  cmd->add("labels", "", "TRUTH", "ground-truth labels: report ACC, NMI, ARI");
  cmd->add("out", "o", "LABELS", "write the predicted labels here, one per line (\"-\" = stdout)");
  add_fit_output_options(*cmd);
  cmd->add_model_options(InputKind::graph);
  cmd->add_common_options(true);
  return cmd;
}

int run_graph_cluster(const Command& cmd) {
  apply_general_options(cmd);
  const bool directed = cmd.has("directed");
  const ModelSpec& spec = find_model(cmd.get_or("model", directed ? "asymnmf" : "symnmf"), InputKind::graph);
  OptionValues values = cmd.model_values(spec);
  const auto k_range = cluster_range(cmd);
  if (k_range && (cmd.has("out") || cmd.has("labels") || cmd.has("out-embedding") || cmd.has("trace")))
    throw UsageError("-k A:B selects k; it writes no labels or embedding (run again with the k chosen)");
  const int k = k_range ? k_range->second : static_cast<int>(cmd.integer("clusters", 0, 1, 2147483647));
  const std::string path = cmd.positional(0);
  const auto labels_path = cmd.get("labels");
  Outputs outputs;
  std::optional<size_t> out_labels;
  if (const auto p = cmd.get("out")) out_labels = outputs.add(*p, "--out");
  const FitOutputs fit_outputs = declare_fit_outputs(cmd, outputs);
  outputs.check({{"EDGES", path}, {"--labels", labels_path.value_or("")}});
  FitInput input;
  input.directed = directed;
  input.n_clusters = k;
  if (spec.check)
    for (const auto& w : spec.check(input, values)) std::fprintf(stderr, "dnmf: warning: %s\n", w.c_str());

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> names;
  const Csr A = read_graph(cmd, path, names);
  if (k > A.rows())
    throw InvalidOption("k = " + std::to_string(k) +
                        " exceeds the number of nodes n = " + std::to_string(A.rows()) + " of " + path);
  std::vector<int> truth;
  if (labels_path) truth = read_truth(*labels_path, A.rows());
  const double read_seconds = since(start);
  input.graph = &A;
  ProgressPrinter printer(cmd.has("quiet"));
  printer.note_when_fitting("graph: " + path + " (" + std::to_string(A.rows()) + " nodes, " +
                            std::to_string(directed ? A.nnz() : A.nnz() / 2) +
                            (directed ? " directed" : " undirected") + " edges), " + spec.name +
                            " k = " + std::to_string(k));
  if (k_range) return run_k_sweep(cmd, spec, values, input, k_range->first, k_range->second, printer);
  set_stage("fitting " + spec.name + " on " + path + " (" + std::to_string(A.rows()) + " nodes)");
  const FitResult fit = fit_model(spec, input, values, printer.callback());
  const auto assign_start = std::chrono::steady_clock::now();
  const Assignment assignment = assign_labels(fit, values, k, &A);
  const double assign_seconds = since(assign_start);
  const double seconds = since(start);
  if (out_labels)
    outputs.write(*out_labels, [&](std::ostream& o) {
      if (names.empty()) {
        io::write_labels(o, assignment.labels);
        return;
      }
      for (size_t i = 0; i < names.size(); ++i) o << names[i] << '\t' << assignment.labels[i] << '\n';
    });
  write_fit_outputs(outputs, fit_outputs, fit);
  outputs.commit();

  const double q = modularity(A, assignment.labels), phi = mean_conductance(A, assignment.labels);
  Json j;
  j["model"] = spec.name;
  j["graph"] = path;
  j["nodes"] = A.rows();
  j["stored_entries"] = A.nnz();
  j["directed"] = directed;
  j["k"] = k;
  j["assign"] = values.choice("assign");
  add_fit_json(j, fit);
  j["options"] = options_json(values);
  j["modularity"] = q;
  j["mean_conductance"] = phi;
  j["seconds"] = seconds;
  j["fit_seconds"] = fit.seconds;
  j["stage_seconds"] = {{"read", read_seconds}, {"fit", fit.seconds}, {"labels", assign_seconds}};
  j["peak_memory_bytes"] = peak_memory_bytes();
  std::string text = describe_fit(fit, seconds);
  char line[160];
  std::snprintf(line, sizeof line, "%smodularity %.4f  mean conductance %.4f\n", directed ? "directed " : "",
                q, phi);
  text += line;
  if (!truth.empty()) {
    const Evaluation eval = evaluate(truth, assignment.labels);
    j["acc"] = eval.acc;
    j["nmi"] = eval.nmi;
    j["ari"] = eval.ari;
    std::snprintf(line, sizeof line, "ACC %.4f  NMI %.4f  ARI %.4f\n", eval.acc, eval.nmi, eval.ari);
    text += line;
  }
  print_summary(outputs, cmd.has("json"), j, text);
  return 0;
}

}  // namespace dnmf::cli
