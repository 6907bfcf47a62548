// Pieces every dnmf subcommand shares: progress on stderr, output files checked before
// any work and committed together, the summary on stdout (text or JSON), threads and the
// memory budget, and the stage an out-of-memory error names.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "command.hpp"
#include "dnmf/core/progress.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf::cli {

using Json = nlohmann::ordered_json;

/// What the command is doing, for messages that would otherwise lack context
/// ("out of memory while fitting danmf-crfr on X.mtx (70000 x 784)").
void set_stage(std::string stage);
const std::string& current_stage();

/// Renders IterationInfo on stderr: at most one line per second (plus the first and
/// last of each stage), with the elapsed time and an ETA.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool quiet);
  Progress callback();
  void note(const std::string& message) const;  ///< one line on stderr unless quiet
  /// A note shown with the first progress line, so that errors found before the fit
  /// iterates stay the only output.
  void note_when_fitting(const std::string& message);
  bool quiet() const { return quiet_; }

 private:
  bool quiet_;
  std::string deferred_;
  double last_print_ = -1.0;
  std::string last_stage_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();  ///< the job's start
};

/// The outputs of one command (io::OutputSet): declared and checked right after the
/// arguments are parsed, before any input is read.
class Outputs {
 public:
  /// Declares `path` for `option` (e.g. "--out"); returns its index. Bad paths are
  /// refused at once (exit 2).
  size_t add(const std::string& path, const std::string& option);
  /// Refuses outputs naming each other or one of the inputs (role, path).
  void check(const std::vector<std::pair<std::string, std::string>>& inputs) const;
  void write(size_t index, const std::function<void(std::ostream&)>& writer);
  void commit();
  bool to_stdout() const { return set_.writes_to_stdout(); }

 private:
  io::OutputSet set_;
};

/// Prints the summary: JSON (one object) or text. When an output goes to standard output
/// the summary goes to stderr instead, so the two never mix.
void print_summary(const Outputs& outputs, bool json, const Json& object, const std::string& text);

/// --threads and --max-memory.
void apply_general_options(const Command& cmd);

/// Reads a data file (--storage auto|sparse|dense).
/// --storage, --format, --delimiter and --header of the commands that read data.
void add_data_input_options(Command& cmd);
/// Reads DATA per those options (io/data_file.hpp).
DataMatrix load_data(const Command& cmd, const std::string& path);
/// Reads labels and checks their count against n.
std::vector<int> read_truth(const std::string& path, Index n);

/// A fit's record for JSON: status, iterations, objective (final value and trace
/// summary), restarts, and the model's extras.
void add_fit_json(Json& j, const FitResult& fit);

/// --out-embedding FILE (the n×r representation clustering used, Matrix Market array)
/// and --trace FILE (TSV: iteration, objective) for the fitting commands.
void add_fit_output_options(Command& cmd);
struct FitOutputs {
  std::optional<size_t> embedding, trace;
};
FitOutputs declare_fit_outputs(const Command& cmd, Outputs& outputs);
void write_fit_outputs(Outputs& outputs, const FitOutputs& which, const FitResult& fit);

/// -k K or -k A:B (a range, A < B, both >= 2 unless A = 1): the range, or nullopt for one k.
std::optional<std::pair<int, int>> cluster_range(const Command& cmd);

/// Model selection over k = A..B (-k A:B): per k, the model fitted from the seed and from
/// a second restart seed, labels from each; the table gives the objective, the
/// silhouette of the representation (data) or the modularity (graphs), and the stability
/// (ARI between the two fits' labels), and suggests the k with the highest silhouette
/// (data) or modularity (graphs). `input` is ready for fit_model (data already scaled);
/// prints text or JSON. Returns the exit code.
int run_k_sweep(const Command& cmd, const ModelSpec& spec, const OptionValues& values, FitInput input,
                int k_lo, int k_hi, ProgressPrinter& printer);

/// Peak resident memory of this process so far (VmHWM), in bytes; 0 when unknown.
std::int64_t peak_memory_bytes();

/// Seconds since `t`.
inline double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
/// The resolved options of a model as a JSON object (computed defaults omitted).
Json options_json(const OptionValues& values);
Json extra_json(const ExtraValue& value);

}  // namespace dnmf::cli
