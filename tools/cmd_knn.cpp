// dnmf knn: the sparse p-nearest-neighbour affinity graph of the samples.
#include <chrono>
#include <cstdio>

#include "commands.hpp"
#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/graph/components.hpp"
#include "dnmf/graph/knn.hpp"
#include "dnmf/io/matrix_market.hpp"

namespace dnmf::cli {

std::unique_ptr<Command> make_knn() {
  auto cmd = std::make_unique<Command>(
      "knn",
      "Build the exact p-nearest-neighbour graph of the samples of DATA with heat-kernel, binary or "
      "self-tuning "
      "weights, symmetrised, and write it as an n × n Matrix Market matrix.",
      std::vector<std::pair<std::string, std::string>>{{"DATA", "data file (\"-\" = standard input)"}});
  cmd->add("out", "o", "GRAPH", "write the graph here (Matrix Market coordinate; \"-\" = stdout)", "", "",
           true);
  cmd->add("neighbors", "p", "P", "neighbours per sample", "floor(ln n) + 1");
  cmd->add("weights", "", "W", "heat|binary|self-tuning", "heat");
  cmd->add("sigma", "", "S", "heat-kernel sigma", "sigma^2 = mean squared kNN distance");
  cmd->add("self-tuning-neighbor", "", "M", "m of the self-tuning weights", "7");
  cmd->add("symmetrize", "", "HOW", "max|mean|mutual|none", "max");
  cmd->add("method", "", "M",
           "auto|kd-tree|brute-force (auto: kd-tree for d <= 8, brute force above 32, timed between)",
           "auto");
  add_data_input_options(*cmd);
  cmd->add_common_options(true);
  return cmd;
}

int run_knn(const Command& cmd) {
  apply_general_options(cmd);
  const std::string path = cmd.positional(0);
  AffinityOptions opt;
  opt.n_neighbors = static_cast<int>(cmd.integer("neighbors", 0, 1, 1 << 30));
  opt.weights = parse_affinity_weights(cmd.get_or("weights", "heat"));
  if (const auto s = cmd.get("sigma")) {
    const OptionSpec sigma = real_option("sigma", 0.0, 0.0, "", true);
    opt.sigma = std::get<double>(parse_option_value(sigma, *s));
  }
  opt.self_tuning_neighbor = static_cast<int>(cmd.integer("self-tuning-neighbor", 7, 1, 1 << 30));
  opt.symmetrize = parse_symmetrization(cmd.get_or("symmetrize", "max"));
  opt.method = parse_knn_method(cmd.get_or("method", "auto"));
  Outputs outputs;
  const size_t out = outputs.add(*cmd.get("out"), "--out");
  outputs.check({{"DATA", path}});

  ProgressPrinter printer(cmd.has("quiet"));
  const auto start = std::chrono::steady_clock::now();
  const DataMatrix X = load_data(cmd, path);
  X.require_finite_scale(path);
  const int p = opt.resolved_neighbors(X.rows());
  KnnOptions ko;
  ko.n_neighbors = p;
  ko.method = opt.method;
  ko.validate(X.rows());
  printer.note("knn: " + std::to_string(X.rows()) + " samples x " + std::to_string(X.cols()) +
               " features, p = " + std::to_string(p) + ", method " + to_string(opt.method));
  set_stage("kNN search on " + path);
  const KnnResult neighbours = knn(X, ko);
  const double knn_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Csr graph = affinity_from_knn(neighbours, opt);
  const Components components = connected_components(graph);
  if (components.count > 1)
    printer.note("dnmf: warning: the kNN graph has " + std::to_string(components.count) +
                 " connected components; graph regularisers cannot link them (consider a larger -p)");
  outputs.write(out, [&](std::ostream& o) {
    io::write_matrix_market(o, graph,
                            "dnmf knn graph of " + path + ": p = " + std::to_string(p) + ", weights " +
                                cmd.get_or("weights", "heat") + ", symmetrize " +
                                cmd.get_or("symmetrize", "max"));
  });
  outputs.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Json j;
  j["n"] = X.rows();
  j["d"] = X.cols();
  j["p"] = p;
  j["method"] = to_string(neighbours.method_used);
  j["edges"] = graph.nnz();
  j["components"] = components.count;
  j["knn_seconds"] = knn_seconds;
  j["seconds"] = seconds;
  char line[512];
  std::snprintf(
      line, sizeof line, "wrote %s: %lld nodes, %lld stored entries, %lld component(s), method %s, %.2f s\n",
      cmd.get("out")->c_str(), static_cast<long long>(X.rows()), static_cast<long long>(graph.nnz()),
      static_cast<long long>(components.count), to_string(neighbours.method_used), seconds);
  print_summary(outputs, cmd.has("json"), j, line);
  return 0;
}

}  // namespace dnmf::cli
