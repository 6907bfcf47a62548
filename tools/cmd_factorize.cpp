// dnmf factorize: plain NMF, writing the factors.
#include <chrono>

#include "commands.hpp"
#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/io/matrix_market.hpp"

namespace dnmf::cli {

std::unique_ptr<Command> make_factorize() {
  auto cmd = std::make_unique<Command>(
      "factorize",
      "Plain NMF of DATA, X ≈ H Wᵀ, written as PREFIX.W.mtx (d × R basis) and PREFIX.H.mtx (n × R, one row "
      "per "
      "sample).",
      std::vector<std::pair<std::string, std::string>>{{"DATA", "data file (\"-\" = standard input)"}});
  cmd->add("out", "o", "PREFIX", "write PREFIX.W.mtx and PREFIX.H.mtx", "", "", true);
  add_data_input_options(*cmd);
  cmd->add_model_options(InputKind::data, {"nmf"});
  cmd->add_common_options(true);
  return cmd;
}

int run_factorize(const Command& cmd) {
  apply_general_options(cmd);
  const ModelSpec& spec = find_model("nmf", InputKind::data);
  OptionValues values = cmd.model_values(spec);
  if (!cmd.has("rank")) throw UsageError("'dnmf factorize' needs --rank R");
  const std::string path = cmd.positional(0), prefix = *cmd.get("out");
  if (prefix == "-")
    throw UsageError("--out: factorize writes two files, PREFIX.W.mtx and PREFIX.H.mtx; give a prefix");
  Outputs outputs;
  const size_t out_w = outputs.add(prefix + ".W.mtx", "--out");
  const size_t out_h = outputs.add(prefix + ".H.mtx", "--out");
  outputs.check({{"DATA", path}});

  ProgressPrinter printer(cmd.has("quiet"));
  const auto start = std::chrono::steady_clock::now();
  DataMatrix X = load_data(cmd, path);
  FitInput input;
  input.data = &X;
  input.n_clusters = static_cast<int>(values.integer("rank"));
  input.scaling = apply_normalization(spec, values, X);
  input.scaled = true;
  X.require_nonnegative(path + ": nmf");
  set_stage("fitting nmf on " + path);
  const FitResult fit = fit_model(spec, input, values, printer.callback());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string note = "dnmf factorize: nmf rank " + std::to_string(values.integer("rank")) + " seed " +
                           std::to_string(values.integer("seed")) + " data " + path;
  outputs.write(out_w, [&](std::ostream& o) {
    io::write_matrix_market(o, fit.factors.at(0).value, note + "\nW: d x rank basis (X ~ H W^T)");
  });
  outputs.write(out_h, [&](std::ostream& o) {
    io::write_matrix_market(o, fit.factors.at(1).value,
                            note + "\nH: n x rank representation, one row per sample");
  });
  outputs.commit();
  Json j;
  j["model"] = "nmf";
  j["n"] = X.rows();
  j["d"] = X.cols();
  j["rank"] = values.integer("rank");
  add_fit_json(j, fit);
  j["seconds"] = seconds;
  print_summary(outputs, cmd.has("json"), j,
                "wrote " + prefix + ".W.mtx and " + prefix + ".H.mtx (" + std::to_string(fit.iterations) +
                    " iterations, objective " + std::to_string(fit.final_objective()) + ")\n");
  return 0;
}

}  // namespace dnmf::cli
