// dnmf transform: encode new samples with a saved model.
#include <cstdio>

#include "commands.hpp"
#include "common.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/io/model_file.hpp"
#include "dnmf/metrics/metrics.hpp"

namespace dnmf::cli {

std::unique_ptr<Command> make_transform() {
  auto cmd = std::make_unique<Command>(
      "transform", "Encode the samples of DATA with a model saved by 'dnmf cluster --save-model' (h = Ψᵀx).",
      std::vector<std::pair<std::string, std::string>>{{"MODEL", "model file"},
                                                       {"DATA", "data file with the model's features"}});
  cmd->add("out", "o", "H", "write the n × k encoding here (Matrix Market array; \"-\" = stdout)", "", "",
           true);
  add_data_input_options(*cmd);
  cmd->add_common_options(false);
  return cmd;
}

int run_transform(const Command& cmd) {
  apply_general_options(cmd);
  const std::string model_path = cmd.positional(0), data_path = cmd.positional(1);
  Outputs outputs;
  const size_t out = outputs.add(*cmd.get("out"), "--out");
  outputs.check({{"MODEL", model_path}, {"DATA", data_path}});
  set_stage("reading " + model_path);
  const Encoder model = io::load_model(model_path);
  DataMatrix X = load_data(cmd, data_path);
  set_stage("encoding " + data_path);
  Dense H;
  try {
    H = model.transform(X);
  } catch (const NumericalError& e) {  // the model's values, not the fit, are at fault
    throw InputError(model_path, 0, e.what());
  }
  outputs.write(out, [&](std::ostream& o) {
    io::write_matrix_market(
        o, H, "dnmf transform: " + model.model + " encoding of " + data_path + " (one row per sample)");
  });
  outputs.commit();
  Json j;
  j["model"] = model.model;
  j["n"] = H.rows();
  j["k"] = H.cols();
  j["out"] = *cmd.get("out");
  print_summary(
      outputs, cmd.has("json"), j,
      "wrote " + *cmd.get("out") + ": " + std::to_string(H.rows()) + " x " + std::to_string(H.cols()) + "\n");
  return 0;
}

std::unique_ptr<Command> make_predict() {
  auto cmd = std::make_unique<Command>(
      "predict",
      "Label the samples of DATA with a model saved by 'dnmf cluster --save-model': each sample's code (as "
      "'dnmf transform') goes to the nearest cluster centre (the mean code of each cluster over the training "
      "data).",
      std::vector<std::pair<std::string, std::string>>{{"MODEL", "model file"},
                                                       {"DATA", "data file with the model's features"}});
  cmd->add("out", "o", "LABELS", "write the labels here, one per line (\"-\" = stdout)", "", "", true);
  cmd->add("labels", "", "TRUTH", "ground-truth labels: report ACC, NMI, ARI and purity");
  add_data_input_options(*cmd);
  cmd->add_common_options(false);
  return cmd;
}

int run_predict(const Command& cmd) {
  apply_general_options(cmd);
  const std::string model_path = cmd.positional(0), data_path = cmd.positional(1);
  const auto labels_path = cmd.get("labels");
  Outputs outputs;
  const size_t out = outputs.add(*cmd.get("out"), "--out");
  outputs.check({{"MODEL", model_path}, {"DATA", data_path}, {"--labels", labels_path.value_or("")}});
  set_stage("reading " + model_path);
  const Encoder model = io::load_model(model_path);
  if (model.centroids.rows() == 0)
    throw InputError(model_path, 0,
                     "holds no cluster centres (save the model again with dnmf cluster --save-model)");
  DataMatrix X = load_data(cmd, data_path);
  std::vector<int> truth;
  if (labels_path) truth = read_truth(*labels_path, X.rows());
  set_stage("predicting " + data_path);
  std::vector<int> labels;
  try {
    labels = model.predict(X);
  } catch (const NumericalError& e) {
    throw InputError(model_path, 0, e.what());
  }
  outputs.write(out, [&](std::ostream& o) { io::write_labels(o, labels); });
  outputs.commit();
  Json j;
  j["model"] = model.model;
  j["n"] = X.rows();
  j["clusters"] = model.centroids.rows();
  std::string text = "predicted " + std::to_string(labels.size()) + " labels\n";
  if (!truth.empty()) {
    const Evaluation e = evaluate(truth, labels);
    j["acc"] = e.acc;
    j["nmi"] = e.nmi;
    j["ari"] = e.ari;
    char line[160];
    std::snprintf(line, sizeof line, "ACC %.4f  NMI %.4f  ARI %.4f  (purity %.4f)\n", e.acc, e.nmi, e.ari,
                  e.purity);
    text += line;
  }
  print_summary(outputs, cmd.has("json"), j, text);
  return 0;
}

}  // namespace dnmf::cli
