// The list of subcommands (main.cpp dispatches through it; docs and the fuzzer use it too).
#include "commands.hpp"

namespace dnmf::cli {

const std::vector<CommandEntry>& commands() {
  static const std::vector<CommandEntry> list = {
      {"cluster", make_cluster, run_cluster},
      {"factorize", make_factorize, run_factorize},
      {"transform", make_transform, run_transform},
      {"predict", make_predict, run_predict},
      {"eval", make_eval, run_eval},
      {"knn", make_knn, run_knn},
      {"graph stats", make_graph_stats, run_graph_stats},
      {"graph cluster", make_graph_cluster, run_graph_cluster},
  };
  return list;
}

}  // namespace dnmf::cli
