// The dnmf subcommands: each file under tools/ declares one (its options in make_*, its
// work in run_*); main.cpp dispatches and docs/cli.md and the man page are rendered from
// the same declarations.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "command.hpp"

namespace dnmf::cli {

struct CommandEntry {
  std::string path;  ///< "cluster", "graph cluster"
  std::function<std::unique_ptr<Command>()> make;
  std::function<int(const Command&)> run;
};

/// Every subcommand, in the order help lists them.
const std::vector<CommandEntry>& commands();

std::unique_ptr<Command> make_cluster();
int run_cluster(const Command& cmd);
std::unique_ptr<Command> make_factorize();
int run_factorize(const Command& cmd);
std::unique_ptr<Command> make_transform();
int run_transform(const Command& cmd);
std::unique_ptr<Command> make_predict();
int run_predict(const Command& cmd);
std::unique_ptr<Command> make_eval();
int run_eval(const Command& cmd);
std::unique_ptr<Command> make_knn();
int run_knn(const Command& cmd);
std::unique_ptr<Command> make_graph_stats();
int run_graph_stats(const Command& cmd);
std::unique_ptr<Command> make_graph_cluster();
int run_graph_cluster(const Command& cmd);

/// The summary line of a fit: "danmf: 1000 iterations (max_iterations), objective …".
std::string describe_fit(const FitResult& fit, double seconds);

}  // namespace dnmf::cli
