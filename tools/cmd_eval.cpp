// dnmf eval: clustering metrics of a labelling against the truth.
#include <cstdio>

#include "commands.hpp"
#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace dnmf::cli {

std::unique_ptr<Command> make_eval() {
  auto cmd = std::make_unique<Command>(
      "eval",
      "Print ACC (Hungarian), NMI (arithmetic), ARI and purity of predicted labels against the truth.",
      std::vector<std::pair<std::string, std::string>>{{"PRED", "predicted labels, one integer per line"},
                                                       {"TRUTH", "true labels, one integer per line"}});
  cmd->add("json", "", "", "print one JSON object on stdout instead of text", "", "general options");
  return cmd;
}

int run_eval(const Command& cmd) {
  const std::string pred_path = cmd.positional(0), truth_path = cmd.positional(1);
  const auto predicted = io::read_labels(pred_path);
  const auto truth = io::read_labels(truth_path);
  if (predicted.size() != truth.size())
    throw InputError(pred_path, 0,
                     "has " + std::to_string(predicted.size()) + " labels but " + truth_path + " has " +
                         std::to_string(truth.size()));
  const auto e = evaluate(truth, predicted);
  Json j;
  j["n"] = truth.size();
  j["acc"] = e.acc;
  j["nmi"] = e.nmi;
  j["ari"] = e.ari;
  j["purity"] = e.purity;
  char line[160];
  std::snprintf(line, sizeof line, "ACC %.4f  NMI %.4f  ARI %.4f  (purity %.4f)\n", e.acc, e.nmi, e.ari,
                e.purity);
  print_summary(Outputs(), cmd.has("json"), j, line);
  return 0;
}

}  // namespace dnmf::cli
