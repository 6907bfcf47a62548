// -k A:B: fitting a model for every k of a range and suggesting one (common.hpp).
#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>

#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/io/text_reader.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/driver.hpp"

namespace dnmf::cli {

std::optional<std::pair<int, int>> cluster_range(const Command& cmd) {
  const auto text = cmd.get("clusters");
  if (!text || text->find(':') == std::string::npos) return std::nullopt;
  const size_t colon = text->find(':');
  const auto parse = [&](const std::string& part) {
    int v = 0;
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || end != part.data() + part.size() || v < 1)
      throw UsageError("-k " + io::quote_token(*text) + ": expected K or A:B with 1 <= A < B");
    return v;
  };
  const int lo = parse(text->substr(0, colon)), hi = parse(text->substr(colon + 1));
  if (lo >= hi) throw UsageError("-k " + io::quote_token(*text) + ": expected A:B with A < B");
  if (hi - lo > 200) throw UsageError("-k " + io::quote_token(*text) + ": at most 201 values of k");
  return std::make_pair(lo, hi);
}

int run_k_sweep(const Command& cmd, const ModelSpec& spec, const OptionValues& values, FitInput input,
                int k_lo, int k_hi, ProgressPrinter& printer) {
  const bool graph_model = spec.input == InputKind::graph;
  const Index n = graph_model ? input.graph->rows() : input.data->rows();
  if (k_hi > n)
    throw InvalidOption("-k " + std::to_string(k_lo) + ":" + std::to_string(k_hi) +
                        " exceeds n = " + std::to_string(n));
  const std::uint64_t seed = values.contains("seed") ? static_cast<std::uint64_t>(values.integer("seed")) : 0;
  Json rows = Json::array();
  std::string text = std::string("k    objective        ") + (graph_model ? "modularity" : "silhouette") +
                     "  stability  seconds\n";
  int best_k = k_lo;
  double best_score = -std::numeric_limits<double>::infinity();
  const DataMatrix* data = input.data;
  for (int k = k_lo; k <= k_hi; ++k) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::vector<int>> labels;
    double objective = 0.0, score = 0.0;
    for (int r = 0; r < 2; ++r) {
      OptionValues v = values;
      if (v.contains("seed")) v.set("seed", static_cast<std::int64_t>(restart_seed(seed, r)));
      FitInput in = input;
      in.n_clusters = k;
      DataMatrix copy;
      if (data) {
        copy = *data;  // a fit may not change the caller's (already scaled) data
        in.data = &copy;
      }
      set_stage("fitting " + spec.name + " with k = " + std::to_string(k));
      const FitResult fit = fit_model(spec, in, v, printer.callback());
      labels.push_back(assign_labels(fit, v, k, input.graph).labels);
      if (r == 0) {
        objective = fit.final_objective();
        score = graph_model ? modularity(*input.graph, labels[0])
                            : silhouette(fit.representation, labels[0], 2000, seed);
      }
    }
    const double stability = ari(labels[0], labels[1]);
    const double seconds = since(start);
    rows.push_back({{"k", k},
                    {"objective", objective},
                    {graph_model ? "modularity" : "silhouette", score},
                    {"stability", stability},
                    {"seconds", seconds}});
    char line[160];
    std::snprintf(line, sizeof line, "%-4d %-16.6e %-11.4f %-10.4f %.2f\n", k, objective, score, stability,
                  seconds);
    text += line;
    if (score > best_score) {
      best_score = score;
      best_k = k;
    }
  }
  text += "suggested k: " + std::to_string(best_k) + " (highest " +
          (graph_model ? "modularity" : "silhouette") + ")\n";
  Json j;
  j["model"] = spec.name;
  j["k_range"] = {k_lo, k_hi};
  j["table"] = rows;
  j["suggested_k"] = best_k;
  j["criterion"] = graph_model ? "modularity" : "silhouette";
  print_summary(Outputs(), cmd.has("json"), j, text);
  return 0;
}

}  // namespace dnmf::cli
