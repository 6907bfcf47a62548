#include "common.hpp"

#include <omp.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <thread>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/io/text_reader.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/driver.hpp"

namespace dnmf::cli {

namespace {
std::string stage_text = "starting";
}

void set_stage(std::string stage) {
  stage_text = std::move(stage);
}

const std::string& current_stage() {
  return stage_text;
}

// ---------------------------------------------------------------- progress

ProgressPrinter::ProgressPrinter(bool quiet) : quiet_(quiet) {}

Progress ProgressPrinter::callback() {
  if (quiet_) return {};
  return [this](const IterationInfo& info) {
    if (!deferred_.empty()) {
      std::fprintf(stderr, "%s\n", deferred_.c_str());
      deferred_.clear();
    }
    const bool new_stage = info.stage != last_stage_;
    const bool last = info.iteration >= info.max_iterations;
    const double job = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (new_stage || last || job - last_print_ >= 1.0) {
      last_print_ = job;
      last_stage_ = info.stage;
      const double per_iteration = info.elapsed_seconds / std::max(info.iteration, 1);
      const double eta = per_iteration * std::max(info.max_iterations - info.iteration, 0);
      // Whole job: the time so far (input, graph, earlier stages) scaled by the share of
      // the job's iteration budget still ahead (IterationInfo::job_done).
      const double done = std::clamp(info.job_done, 0.0, 1.0);
      char job_eta[48] = "?";
      if (done > 0.0) std::snprintf(job_eta, sizeof job_eta, "%.0fs", job * (1.0 - done) / done);
      std::fprintf(stderr,
                   "[%s] iter %d/%d  objective %.6e  stage %.1fs, ETA <= %.1fs  job %.1fs, ETA ~ %s\n",
                   info.stage.c_str(), info.iteration, info.max_iterations, info.objective,
                   info.elapsed_seconds, eta, job, job_eta);
    }
    return true;
  };
}

void ProgressPrinter::note_when_fitting(const std::string& message) {
  if (!quiet_) deferred_ = message;
}

void ProgressPrinter::note(const std::string& message) const {
  if (!quiet_) std::fprintf(stderr, "%s\n", message.c_str());
}

// ---------------------------------------------------------------- outputs

size_t Outputs::add(const std::string& path, const std::string& option) {
  return set_.add(path, option);
}

void Outputs::check(const std::vector<std::pair<std::string, std::string>>& inputs) const {
  set_.check_collisions(inputs);
}

void Outputs::write(size_t index, const std::function<void(std::ostream&)>& writer) {
  set_stage("writing " + set_.path(index));
  set_.write(index, writer);
}

void Outputs::commit() {
  set_stage("writing the outputs");
  // Test hook (tests/test_cli_safety.sh): hold the finished temporary files this many
  // seconds before committing, so a test can signal the process at that moment.
  if (const char* pause = std::getenv("DNMF_TEST_PAUSE_BEFORE_COMMIT"))
    std::this_thread::sleep_for(std::chrono::duration<double>(std::atof(pause)));
  set_.commit();
}

void print_summary(const Outputs& outputs, bool json, const Json& object, const std::string& text) {
  std::ostream& out = outputs.to_stdout() ? std::cerr : std::cout;
  if (json)
    out << object.dump() << "\n";
  else
    out << text;
  out.flush();
}

// ---------------------------------------------------------------- inputs and settings

void apply_general_options(const Command& cmd) {
  if (cmd.has("threads")) omp_set_num_threads(static_cast<int>(cmd.integer("threads", 0, 1, 4096)));
  if (const auto m = cmd.get("max-memory")) set_memory_budget(parse_memory_size(*m, "--max-memory"));
}

void add_data_input_options(Command& cmd) {
  cmd.add("storage", "", "HOW", "in-memory form of DATA: auto|sparse|dense", "auto");
  cmd.add("format", "", "FMT",
          "format of DATA: auto (by the name: .mtx, .csv, .tsv, .svm/.libsvm, .npy, each optionally .gz; "
          "otherwise Matrix Market)|mtx|csv|tsv|libsvm|npy",
          "auto");
  cmd.add("delimiter", "", "D",
          "field separator of csv/tsv DATA: auto|comma|tab|semicolon|space or one character", "auto");
  cmd.add("header", "", "H", "csv/tsv DATA starts with a header line: auto|yes|no", "auto");
}

DataMatrix load_data(const Command& cmd, const std::string& path) {
  set_stage("reading " + path);
  io::DataReadOptions o;
  o.storage = io::parse_storage(cmd.get_or("storage", "auto"));
  o.format = io::parse_data_format(cmd.get_or("format", "auto"));
  const std::string d = cmd.get_or("delimiter", "auto");
  if (d == "comma")
    o.delimited.delimiter = ',';
  else if (d == "tab")
    o.delimited.delimiter = '\t';
  else if (d == "semicolon")
    o.delimited.delimiter = ';';
  else if (d == "space")
    o.delimited.delimiter = ' ';
  else if (d.size() == 1)
    o.delimited.delimiter = d[0];
  else if (d != "auto")
    throw InvalidOption("--delimiter " + io::quote_token(d) +
                        " must be auto, comma, tab, semicolon, space or one character");
  const std::string h = cmd.get_or("header", "auto");
  if (h != "auto" && h != "yes" && h != "no")
    throw InvalidOption("--header " + io::quote_token(h) + " must be auto, yes or no");
  o.delimited.header = h == "auto" ? -1 : (h == "yes" ? 1 : 0);
  return io::read_data(path, o);
}

std::vector<int> read_truth(const std::string& path, Index n) {
  set_stage("reading " + path);
  auto truth = io::read_labels(path);
  if (static_cast<Index>(truth.size()) != n)
    throw InputError(path, 0,
                     "has " + std::to_string(truth.size()) + " labels but the input has " +
                         std::to_string(n) + " samples");
  return truth;
}

// ---------------------------------------------------------------- JSON

namespace {
Json number(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}
}  // namespace

Json extra_json(const ExtraValue& value) {
  struct Visitor {
    Json operator()(std::int64_t v) const { return v; }
    Json operator()(double v) const { return number(v); }
    Json operator()(const std::string& v) const { return v; }
    Json operator()(const std::vector<std::int64_t>& v) const { return v; }
    Json operator()(const std::vector<double>& v) const {
      Json a = Json::array();
      for (double x : v) a.push_back(number(x));
      return a;
    }
  };
  return std::visit(Visitor{}, value);
}

Json options_json(const OptionValues& values) {
  Json j = Json::object();
  for (const auto& spec : values.specs()) {
    const OptionValue& v = values.value(spec.name);
    struct Visitor {
      Json operator()(std::monostate) const { return nullptr; }
      Json operator()(bool b) const { return b; }
      Json operator()(std::int64_t i) const { return i; }
      Json operator()(double d) const { return number(d); }
      Json operator()(const std::string& s) const { return s; }
      Json operator()(const std::vector<std::int64_t>& l) const { return l; }
      Json operator()(const std::vector<double>& l) const { return l; }
    };
    if (!std::holds_alternative<std::monostate>(v)) j[spec.name] = std::visit(Visitor{}, v);
  }
  return j;
}

void add_fit_json(Json& j, const FitResult& fit) {
  j["iterations"] = fit.iterations;
  j["status"] = to_string(fit.status);
  j["objective"] = number(fit.final_objective());
  if (!fit.objective.empty()) {
    Json trace;
    trace["first"] = number(fit.objective.front());
    trace["last"] = number(fit.objective.back());
    trace["length"] = fit.objective.size();
    j["objective_trace"] = trace;
  }
  j["restarts"] = fit.restarts;
  if (fit.restarts > 1) {
    j["best_restart"] = fit.best_restart;
    Json finals = Json::array();
    for (double f : fit.restart_objectives) finals.push_back(number(f));
    j["restart_objectives"] = finals;
  }
  for (const auto& [key, value] : fit.extras) j[key] = extra_json(value);
}

}  // namespace dnmf::cli

namespace dnmf::cli {

void add_fit_output_options(Command& cmd) {
  cmd.add("out-embedding", "", "FILE",
          "write the n×r representation the labels come from (Matrix Market array, \"-\" = stdout)");
  cmd.add("trace", "", "FILE", "write the objective of every iteration of the (kept) fit as TSV");
}

FitOutputs declare_fit_outputs(const Command& cmd, Outputs& outputs) {
  FitOutputs which;
  if (const auto p = cmd.get("out-embedding")) which.embedding = outputs.add(*p, "--out-embedding");
  if (const auto p = cmd.get("trace")) which.trace = outputs.add(*p, "--trace");
  return which;
}

void write_fit_outputs(Outputs& outputs, const FitOutputs& which, const FitResult& fit) {
  if (which.embedding)
    outputs.write(*which.embedding, [&](std::ostream& o) {
      io::write_matrix_market(o, fit.representation, fit.model + " representation (rows: samples or nodes)");
    });
  if (which.trace)
    outputs.write(*which.trace, [&](std::ostream& o) {
      o << "iteration\tobjective\n";
      char line[64];
      for (size_t t = 0; t < fit.objective.size(); ++t) {
        std::snprintf(line, sizeof line, "%zu\t%.17g\n", t + 1, fit.objective[t]);
        o << line;
      }
    });
}

std::int64_t peak_memory_bytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmHWM:") {
      std::int64_t kib = 0;
      status >> kib;
      return kib * 1024;
    }
    status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

}  // namespace dnmf::cli
