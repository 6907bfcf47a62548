// Graph clustering benchmark for the graph factorisations: symnmf and asymnmf (shallow),
// deep-symnmf (DSNMF) and dasnmf (DAsNMF). Two modes; run on demand.
//
// 1. Labelled graphs
//
//   bench_graph --datasets DIR [--only a,b] [--models symnmf,asymnmf,deep-symnmf,dasnmf]
//       [--seeds N] [--threads T] [--out FILE] [--dasnmf-layers R1,R2] [--large N]
//
//   Graphs: karate football polbooks dolphins polblogs email_eu_core cora citeseer wiki
//   lfr_1k lfr_10k lfr_100k (those present in DIR/MANIFEST.tsv, which gives n, the class
//   count k and whether the graph is directed). Edges: DIR/<name>/edges.txt[.gz] (0-based
//   "src dst"), labels: DIR/<name>/labels.txt. Every model is fitted with k clusters and
//   seeds 0..N-1 (default 3); the table (stdout) and the TSV (--out, default
//   bench/graph.tsv) give mean ± std over the seeds of NMI and ARI against the labels,
//   modularity (on the adjacency the model saw: Newman-Girvan for undirected graphs,
//   Leicht-Newman directed modularity for directed ones), mean conductance (undirected
//   view A + Aᵀ) and the wall time of the whole fit.
//   Models: symnmf and deep-symnmf only on undirected graphs; asymnmf and dasnmf on all
//   (directed graphs keep their direction). Every fit goes through the model registry
//   with the model's defaults (as `dnmf graph cluster`), except:
//     deep-symnmf      layers min(64, n/2), k (the hidden layer only if it exceeds k).
//     dasnmf           hidden layers 256,64 (256,128 for email_eu_core and wiki, as in the
//                      paper), then k; for n < 512 each hidden size becomes min(r, n/2);
//                      hidden sizes <= k are dropped. η from the paper's Table 7
//                      (email_eu_core and wiki .2, cora .15, citeseer .45), elsewhere .2;
//                      λ keeps our default (the paper's λ weighted an influence matrix
//                      scaled differently). --dasnmf-layers R1,R2 replaces the hidden sizes
//                      for every graph.
//   Large graphs (n >= --large, default 50000; here lfr_100k): one seed, no deep-symnmf,
//   and dasnmf with a single hidden layer of 64 — raised to the smallest power of two
//   above k when k >= 64 (lfr_100k has k = 66, so 128), since a hidden layer must be
//   wider than k.
//
// 2. Scaling on synthetic directed SBM graphs (dnmf::generate_sbm, fixed seed)
//
//   bench_graph --sbm [--sizes 10000,100000,1000000] [--blocks 20] [--degree 10]
//       [--within 0.8] [--iter 20] [--pretrain-iter 5] [--layers 64]
//       [--models dasnmf,asymnmf] [--threads T] [--seed S] [--second-order-top T] [--full]
//
//   Each (size, model) runs in a forked child, so the peak RSS (VmHWM) is that job's
//   alone (graph generation included). Fits use a fixed budget (tolerance 0): --iter
//   fine-tuning iterations (asymnmf: --iter iterations from each of its two starts) and
//   --pretrain-iter iterations per pre-training layer; --layers lists the hidden sizes of
//   dasnmf (k = --blocks is appended). The table gives nodes, edges, nnz(S), generation,
//   setup (S, A_S, PageRank) and pre-training seconds, seconds per fine-tuning
//   iteration, total fit seconds, peak MB, NMI against the planted blocks, and for
//   consecutive sizes the growth factor of s/iteration and of the total per doubling of
//   the edge count (2.0 = linear in the edges).
//   --full: the models' default budgets instead (`dnmf graph cluster --help`) to time
//   whole jobs (--pretrain-iter still applies when given).
#include <omp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "dnmf/graph/sbm.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

const char* kUsage =
    "usage:\n"
    "  bench_graph --datasets DIR [--only a,b] [--models symnmf,asymnmf,deep-symnmf,dasnmf]\n"
    "      [--seeds N (3)] [--threads T] [--out FILE (bench/graph.tsv)] [--dasnmf-layers R1,R2]\n"
    "      [--large N (50000)]\n"
    "    Labelled graphs karate football polbooks dolphins polblogs email_eu_core cora citeseer\n"
    "    wiki lfr_1k lfr_10k lfr_100k: mean ± std over seeds of NMI, ARI, modularity (directed\n"
    "    for directed graphs), mean conductance and fit seconds. symnmf/deep-symnmf run on\n"
    "    undirected graphs only. dasnmf: hidden 256,64 (256,128 for email_eu_core, wiki;\n"
    "    min(r, n/2) when n < 512; sizes <= k dropped), paper eta/lambda, 100 + 500 its.\n"
    "    Graphs with n >= --large: 1 seed, no deep-symnmf, dasnmf hidden layer 64 (the next\n"
    "    power of two above k if k >= 64).\n"
    "  bench_graph --sbm [--sizes 10000,100000,1000000] [--blocks 20] [--degree 10] [--within 0.8]\n"
    "      [--iter 20] [--pretrain-iter 5] [--layers 64] [--models dasnmf,asymnmf] [--threads T]\n"
    "      [--seed S] [--second-order-top T (50)] [--full]\n"
    "    Directed SBM scaling: one forked child per size and model (own peak RSS), fixed\n"
    "    iteration budgets (tolerance 0); --full uses the default settings (100 pre-training,\n"
    "    500 fine-tuning iterations, tolerance 1e-4) and times the whole job.\n";

std::vector<std::string> split(const std::string& text, char sep = ',') {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, sep);)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<long long> split_numbers(const std::string& text, const char* option) {
  std::vector<long long> out;
  for (const std::string& item : split(text)) {
    size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || v <= 0)
      throw std::runtime_error(std::string(option) +
                               ": expected positive integers separated by commas, got '" + text + "'");
    out.push_back(v);
  }
  return out;
}

std::string join(const std::vector<int>& v, char sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += sep;
    s += std::to_string(v[i]);
  }
  return s;
}

// ---------------------------------------------------------------------------------
// Mode 1: labelled graphs

const std::vector<std::string> kGraphs = {"karate",   "football",      "polbooks", "dolphins",
                                          "polblogs", "email_eu_core", "cora",     "citeseer",
                                          "wiki",     "lfr_1k",        "lfr_10k",  "lfr_100k"};
const std::vector<std::string> kModels = {"symnmf", "asymnmf", "deep-symnmf", "dasnmf"};

struct GraphInfo {
  dnmf::Index n = 0;
  int classes = 0;
  bool directed = false;
};

/// name → (n, classes, directed) from the graph rows of MANIFEST.tsv (columns found by
/// their header names).
std::map<std::string, GraphInfo> read_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty");
  const auto header = split(line, '\t');
  const auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(path + ": no column '" + name + "'");
    return static_cast<size_t>(it - header.begin());
  };
  const size_t c_name = column("name"), c_n = column("n"), c_k = column("classes"),
               c_dir = column("directed");
  std::map<std::string, GraphInfo> out;
  while (std::getline(in, line)) {
    // Split keeping empty fields, so the column positions hold.
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      f.push_back(line.substr(start, tab - start));
    f.push_back(line.substr(start));
    if (f.size() <= std::max({c_name, c_n, c_k, c_dir})) continue;
    if (f[c_dir] != "True" && f[c_dir] != "False") continue;  // not a graph row
    out[f[c_name]] = {static_cast<dnmf::Index>(std::stoll(f[c_n])), std::stoi(f[c_k]), f[c_dir] == "True"};
  }
  return out;
}

struct Settings {
  int seeds = 3;
  dnmf::Index large = 50000;
  std::vector<int> dasnmf_hidden;  // empty: per dataset
};

/// Hidden sizes → the full layer list ending in k: small graphs clip to n/2, sizes that
/// are not strictly decreasing or not above k are dropped.
std::vector<int> finish_layers(std::vector<int> hidden, dnmf::Index n, int k, bool clip) {
  std::vector<int> layers;
  for (int r : hidden) {
    if (clip) r = static_cast<int>(std::min<dnmf::Index>(r, n / 2));
    if (r <= k) continue;
    if (!layers.empty() && r >= layers.back()) continue;
    layers.push_back(r);
  }
  layers.push_back(k);
  return layers;
}

std::vector<int> dasnmf_layers(const std::string& name, const GraphInfo& g, const Settings& s) {
  std::vector<int> hidden;
  if (!s.dasnmf_hidden.empty()) {
    hidden = s.dasnmf_hidden;
  } else if (g.n >= s.large) {
    int r = 64;
    while (r <= g.classes) r *= 2;
    hidden = {r};
  } else if (name == "email_eu_core" || name == "wiki") {
    hidden = {256, 128};
  } else {
    hidden = {256, 64};
  }
  return finish_layers(hidden, g.n, g.classes, g.n < 512);
}

/// η of the paper's Table 7 where it has the dataset (its λ weighted an influence matrix
/// scaled differently from ours, docs/models.md §8.1, so λ keeps our default).
double dasnmf_eta(const std::string& name) {
  if (name == "cora") return 0.15;
  if (name == "citeseer") return 0.45;
  return 0.2;
}

std::vector<int> dsnmf_layers(const GraphInfo& g) {
  const int hidden = static_cast<int>(std::min<dnmf::Index>(64, g.n / 2));
  return hidden > g.classes ? std::vector<int>{hidden, g.classes} : std::vector<int>{g.classes};
}

struct Run {
  double nmi = 0, ari = 0, modularity = 0, conductance = 0, seconds = 0, iterations = 0;
};

struct Summary {
  double mean = 0, std = 0;
};

Summary summarise(const std::vector<Run>& runs, double Run::*field) {
  Summary s;
  if (runs.empty()) return s;
  for (const Run& r : runs) s.mean += r.*field;
  s.mean /= static_cast<double>(runs.size());
  for (const Run& r : runs) s.std += (r.*field - s.mean) * (r.*field - s.mean);
  s.std = runs.size() > 1 ? std::sqrt(s.std / static_cast<double>(runs.size() - 1)) : 0.0;
  return s;
}

std::string pm(const Summary& s, const char* format = "%.3f±%.3f") {
  char b[64];
  std::snprintf(b, sizeof b, format, s.mean, s.std);
  return b;
}

/// The hidden sizes of a full layer list (the registry's deep graph models append k).
std::vector<std::int64_t> hidden_of(const std::vector<int>& layers) {
  return std::vector<std::int64_t>(layers.begin(), layers.end() - 1);
}

/// A fit through the model registry (the same path as `dnmf graph cluster`): the model's
/// defaults, the seed, and the settings of this benchmark given as option values.
dnmf::FitResult registry_fit(const std::string& model, const dnmf::Csr& A, bool directed, int k,
                             const std::map<std::string, dnmf::OptionValue>& settings,
                             std::vector<int>& labels) {
  const dnmf::ModelSpec& spec = dnmf::find_model(model, dnmf::InputKind::graph);
  dnmf::OptionValues values = spec.defaults();
  for (const auto& [name, value] : settings) values.set(name, value);
  dnmf::FitInput input;
  input.graph = &A;
  input.directed = directed;
  input.n_clusters = k;
  dnmf::FitResult fit = dnmf::fit_model(spec, input, values);
  labels = dnmf::assign_labels(fit, values, k, &A).labels;
  return fit;
}

/// One fit of `model` with seed `seed`; the labels are scored against `truth` and on A.
Run fit_once(const std::string& model, const std::string& name, const GraphInfo& g, const dnmf::Csr& A,
             const std::vector<int>& truth, const Settings& settings, std::uint64_t seed) {
  const auto start = Clock::now();
  std::map<std::string, dnmf::OptionValue> options{{"seed", static_cast<std::int64_t>(seed)}};
  if (model == "deep-symnmf") options["layers"] = hidden_of(dsnmf_layers(g));
  if (model == "dasnmf") {
    options["layers"] = hidden_of(dasnmf_layers(name, g, settings));
    options["eta"] = dasnmf_eta(name);
  }
  std::vector<int> labels;
  const dnmf::FitResult fit = registry_fit(model, A, g.directed, g.classes, options, labels);
  Run run;
  run.seconds = since(start);
  run.iterations = fit.iterations;
  const auto e = dnmf::evaluate(truth, labels);
  run.nmi = e.nmi;
  run.ari = e.ari;
  run.modularity = dnmf::modularity(A, labels);
  run.conductance = dnmf::mean_conductance(A, labels);
  return run;
}

/// `s` padded with spaces to `width` displayed characters (UTF-8 aware: ±, η, λ).
std::string pad(std::string s, size_t width) {
  size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
  if (shown < width) s.append(width - shown, ' ');
  return s;
}

std::string model_setting(const std::string& model, const std::string& name, const GraphInfo& g,
                          const Settings& s) {
  if (model == "deep-symnmf") return join(dsnmf_layers(g), '-');
  if (model == "dasnmf") {
    char b[96];
    std::snprintf(b, sizeof b, "%s η%g", join(dasnmf_layers(name, g, s), '-').c_str(), dasnmf_eta(name));
    return b;
  }
  return std::to_string(g.classes);
}

int run_datasets(const std::string& dir, const std::vector<std::string>& only,
                 const std::vector<std::string>& models, const Settings& settings, const std::string& out) {
  const auto manifest = read_manifest(dir + "/MANIFEST.tsv");
  for (const std::string& name : only)
    if (std::find(kGraphs.begin(), kGraphs.end(), name) == kGraphs.end())
      std::fprintf(stderr, "--only: '%s' is not one of the benchmark graphs, ignored\n", name.c_str());
  std::printf("graph benchmark: %s, %d threads, seeds 0..%d (1 when n >= %lld)\n", dir.c_str(),
              omp_get_max_threads(), settings.seeds - 1, static_cast<long long>(settings.large));
  std::printf("%-13s %7s %8s %3s %3s %-11s %-22s %-12s %-12s %-12s %-12s %-13s %5s\n", "dataset", "n",
              "edges", "k", "dir", "model", "layers/setting", "NMI", "ARI", "modularity", "conductance",
              "seconds", "its");
  std::fflush(stdout);
  std::ostringstream tsv;
  tsv << "dataset\tn\tedges\tk\tdirected\tmodel\tsetting\tseeds\tnmi_mean\tnmi_std\tari_mean\tari_std\t"
         "modularity_mean\tmodularity_std\tconductance_mean\tconductance_std\tseconds_mean\tseconds_std\t"
         "iterations_mean\n";
  const auto total_start = Clock::now();
  for (const std::string& name : kGraphs) {
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    const auto it = manifest.find(name);
    if (it == manifest.end()) {
      std::fprintf(stderr, "%s: not in %s/MANIFEST.tsv, skipped\n", name.c_str(), dir.c_str());
      continue;
    }
    const GraphInfo& g = it->second;
    std::string edges = dir + "/" + name + "/edges.txt";
    if (!std::filesystem::exists(edges)) edges += ".gz";
    dnmf::io::EdgeListOptions eo;
    eo.directed = g.directed;
    eo.num_nodes = g.n;
    const dnmf::Csr A = dnmf::io::read_edge_list(edges, eo);
    const std::vector<int> truth = dnmf::io::read_labels(dir + "/" + name + "/labels.txt");
    if (static_cast<dnmf::Index>(truth.size()) != g.n)
      throw std::runtime_error(name + ": " + std::to_string(truth.size()) +
                               " labels for n = " + std::to_string(g.n));
    const long long edge_count = g.directed ? A.nnz() : A.nnz() / 2;  // self-loops are dropped
    const bool large = g.n >= settings.large;
    const int seeds = large ? 1 : settings.seeds;
    for (const std::string& model : models) {
      if ((model == "symnmf" || model == "deep-symnmf") && g.directed) continue;  // symmetric A only
      if (model == "deep-symnmf" && large) continue;
      const std::string setting = model_setting(model, name, g, settings);
      std::vector<Run> runs;
      std::string failure;
      for (int s = 0; s < seeds && failure.empty(); ++s) {
        try {
          runs.push_back(fit_once(model, name, g, A, truth, settings, static_cast<std::uint64_t>(s)));
          const Run& r = runs.back();
          std::fprintf(stderr, "  %s %s seed %d: NMI %.3f, %.1f s, %g its\n", name.c_str(), model.c_str(), s,
                       r.nmi, r.seconds, r.iterations);
        } catch (const std::exception& e) {
          failure = e.what();
        }
      }
      if (!failure.empty()) {
        std::printf("%-13s %7lld %8lld %3d %3s %-11s failed: %s\n", name.c_str(), static_cast<long long>(g.n),
                    edge_count, g.classes, g.directed ? "yes" : "no", model.c_str(), failure.c_str());
        std::fflush(stdout);
        continue;
      }
      const Summary nmi = summarise(runs, &Run::nmi), ari = summarise(runs, &Run::ari),
                    q = summarise(runs, &Run::modularity), phi = summarise(runs, &Run::conductance),
                    sec = summarise(runs, &Run::seconds), its = summarise(runs, &Run::iterations);
      std::printf("%-13s %7lld %8lld %3d %3s %-11s %s %s %s %s %s %s %5.0f\n", name.c_str(),
                  static_cast<long long>(g.n), edge_count, g.classes, g.directed ? "yes" : "no",
                  model.c_str(), pad(setting, 22).c_str(), pad(pm(nmi), 12).c_str(), pad(pm(ari), 12).c_str(),
                  pad(pm(q), 12).c_str(), pad(pm(phi), 12).c_str(), pad(pm(sec, "%.2f±%.2f"), 13).c_str(),
                  its.mean);
      std::fflush(stdout);
      char row[512];
      std::snprintf(
          row, sizeof row,
          "%s\t%lld\t%lld\t%d\t%d\t%s\t%s\t%d\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.6f\t%.4f\t%."
          "4f\t%.1f\n",
          name.c_str(), static_cast<long long>(g.n), edge_count, g.classes, g.directed ? 1 : 0, model.c_str(),
          setting.c_str(), seeds, nmi.mean, nmi.std, ari.mean, ari.std, q.mean, q.std, phi.mean, phi.std,
          sec.mean, sec.std, its.mean);
      tsv << row;
    }
  }
  std::printf("total %.1f s\n", since(total_start));
  dnmf::io::write_file_atomically(out, [&](std::ostream& o) { o << tsv.str(); });
  std::fprintf(stderr, "wrote %s\n", out.c_str());
  return 0;
}

// ---------------------------------------------------------------------------------
// Mode 2: SBM scaling

struct SbmSettings {
  std::vector<long long> sizes{10000, 100000, 1000000};
  int blocks = 20;
  double degree = 10, within = 0.8;
  int iterations = 20, pretrain = 5;
  std::vector<int> hidden{64};
  std::uint64_t seed = 1;
  int second_order_top = 50;
  bool full = false;
  bool pretrain_given = false;  // --pretrain-iter also applies with --full
};

/// What a child sends back through its pipe (plain data).
struct SbmLine {
  int ok = 0;
  long long nodes = 0, edges = 0, s_entries = -1;
  int iterations = 0;
  double generate = 0, setup = -1, pretrain = -1, per_iteration = 0, total = 0, peak_mb = 0, nmi = 0;
  char error[256] = {};
};

/// VmHWM of this process in MB (0 if unavailable).
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  return 0.0;
}

SbmLine sbm_job(long long nodes, const std::string& model, const SbmSettings& s) {
  SbmLine line;
  const auto gen_start = Clock::now();
  dnmf::SbmOptions so;
  so.nodes = nodes;
  so.blocks = s.blocks;
  so.average_degree = s.degree;
  so.within = s.within;
  so.directed = true;
  so.seed = s.seed;
  const dnmf::SbmGraph graph = dnmf::generate_sbm(so);
  line.generate = since(gen_start);
  line.nodes = nodes;
  line.edges = graph.adjacency.nnz();
  std::vector<int> labels;
  std::map<std::string, dnmf::OptionValue> options{{"seed", static_cast<std::int64_t>(s.seed)}};
  if (!s.full) {
    options["iter"] = std::int64_t{s.iterations};
    options["tol"] = 0.0;
  }
  if (model == "dasnmf") {
    options["layers"] = hidden_of(finish_layers(s.hidden, nodes, s.blocks, false));
    options["second-order-top"] = std::int64_t{s.second_order_top};
    if (!s.full || s.pretrain_given) options["pretrain-iter"] = std::int64_t{s.pretrain};
  }
  int updates = 0;  // iterations of every stage (asymnmf: over both of its starts)
  const auto start = Clock::now();
  const dnmf::ModelSpec& spec = dnmf::find_model(model, dnmf::InputKind::graph);
  dnmf::OptionValues values = spec.defaults();
  for (const auto& [name, value] : options) values.set(name, value);
  dnmf::FitInput input;
  input.graph = &graph.adjacency;
  input.directed = true;
  input.n_clusters = s.blocks;
  const dnmf::FitResult r = dnmf::fit_model(spec, input, values, [&](const dnmf::IterationInfo& info) {
    if (info.stage.find("pretrain") == std::string::npos) ++updates;
    return true;
  });
  labels = dnmf::assign_labels(r, values, s.blocks, &graph.adjacency).labels;
  line.total = since(start);
  const auto extra = [&](const char* name) {
    const auto it = r.extras.find(name);
    return it == r.extras.end() ? -1.0
                                : std::visit(
                                      [](const auto& v) -> double {
                                        using T = std::decay_t<decltype(v)>;
                                        if constexpr (std::is_arithmetic_v<T>)
                                          return static_cast<double>(v);
                                        else
                                          return 0.0;
                                      },
                                      it->second);
  };
  line.s_entries = static_cast<long long>(extra("second_order_entries"));
  line.setup = extra("setup_seconds");
  line.pretrain = extra("pretrain_seconds");
  line.iterations = updates;
  const double fine = line.total - std::max(line.setup, 0.0) - std::max(line.pretrain, 0.0);
  line.per_iteration = updates > 0 ? fine / updates : 0;
  line.nmi = dnmf::nmi(graph.labels, labels);
  line.peak_mb = peak_rss_mb();
  line.ok = 1;
  return line;
}

/// Runs sbm_job in a forked child and returns its line (ok = 0 and a message on failure).
SbmLine sbm_child(long long nodes, const std::string& model, const SbmSettings& s) {
  int fds[2];
  SbmLine line;
  if (pipe(fds) != 0) {
    std::snprintf(line.error, sizeof line.error, "pipe failed");
    return line;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::snprintf(line.error, sizeof line.error, "fork failed");
    return line;
  }
  if (pid == 0) {
    close(fds[0]);
    SbmLine result;
    try {
      result = sbm_job(nodes, model, s);
    } catch (const std::exception& e) {
      std::snprintf(result.error, sizeof result.error, "%s", e.what());
    }
    const char* p = reinterpret_cast<const char*>(&result);
    size_t left = sizeof result;
    while (left > 0) {
      const ssize_t w = write(fds[1], p, left);
      if (w <= 0) break;
      p += w;
      left -= static_cast<size_t>(w);
    }
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  char* p = reinterpret_cast<char*>(&line);
  size_t got = 0;
  while (got < sizeof line) {
    const ssize_t r = read(fds[0], p + got, sizeof line - got);
    if (r <= 0) break;
    got += static_cast<size_t>(r);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof line) {
    line = SbmLine{};
    if (WIFSIGNALED(status))
      std::snprintf(line.error, sizeof line.error, "child killed by signal %d", WTERMSIG(status));
    else
      std::snprintf(line.error, sizeof line.error, "child exited without a result (status %d)", status);
  }
  return line;
}

int run_sbm(const SbmSettings& s, const std::vector<std::string>& models) {
  std::printf(
      "directed SBM: %d blocks, mean out-degree %g, within %g, seed %llu, %d threads; dasnmf layers %s, "
      "top %d of S per row; %s\n",
      s.blocks, s.degree, s.within, static_cast<unsigned long long>(s.seed), omp_get_max_threads(),
      join(finish_layers(s.hidden, 1LL << 40, s.blocks, false), '-').c_str(), s.second_order_top,
      (s.full ? "full settings (" + std::to_string(s.pretrain_given ? s.pretrain : 100) +
                    " + 500 its, tolerance 1e-4)"
              : "fixed budget: " + std::to_string(s.pretrain) + " pre-training its/layer, " +
                    std::to_string(s.iterations) + " fine-tuning its, tolerance 0")
          .c_str());
  std::printf("%-8s %9s %10s %10s %7s %8s %9s %6s %10s %9s %8s %6s %8s %8s\n", "model", "nodes", "edges",
              "nnz(S)", "gen s", "setup s", "pretrain", "its", "s/iter", "total s", "peak MB", "NMI",
              "x/2m it", "x/2m tot");
  std::fflush(stdout);
  const auto total_start = Clock::now();
  for (const std::string& model : models) {
    SbmLine previous;
    for (long long n : s.sizes) {
      const SbmLine l = sbm_child(n, model, s);
      if (!l.ok) {
        std::printf("%-8s %9lld  failed: %s\n", model.c_str(), n, l.error);
        std::fflush(stdout);
        previous = SbmLine{};
        continue;
      }
      // Growth per doubling of the edges: (t / t_prev)^(1 / log2(m / m_prev)).
      const auto per_doubling = [&](double t, double t_prev) {
        if (!previous.ok || t_prev <= 0 || t <= 0 || l.edges <= previous.edges) return std::string("-");
        const double doublings =
            std::log2(static_cast<double>(l.edges) / static_cast<double>(previous.edges));
        char b[32];
        std::snprintf(b, sizeof b, "%.2f", std::pow(t / t_prev, 1.0 / doublings));
        return std::string(b);
      };
      const auto seconds = [](double v) {
        char b[32];
        if (v < 0)
          std::snprintf(b, sizeof b, "-");
        else
          std::snprintf(b, sizeof b, "%.2f", v);
        return std::string(b);
      };
      std::printf("%-8s %9lld %10lld %10s %7.2f %8s %9s %6d %10.4f %9.2f %8.0f %6.3f %8s %8s\n",
                  model.c_str(), l.nodes, l.edges,
                  l.s_entries < 0 ? "-" : std::to_string(l.s_entries).c_str(), l.generate,
                  seconds(l.setup).c_str(), seconds(l.pretrain).c_str(), l.iterations, l.per_iteration,
                  l.total, l.peak_mb, l.nmi, per_doubling(l.per_iteration, previous.per_iteration).c_str(),
                  per_doubling(l.total, previous.total).c_str());
      std::fflush(stdout);
      previous = l;
    }
  }
  std::printf("total %.1f s\n", since(total_start));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string datasets, out = "bench/graph.tsv";
    bool sbm = false;
    std::vector<std::string> only, models;
    Settings settings;
    SbmSettings sbm_settings;
    int threads = 0;
    for (int a = 1; a < argc; ++a) {
      const std::string arg = argv[a];
      const auto value = [&]() -> std::string {
        if (a + 1 >= argc) throw std::runtime_error(arg + " needs a value");
        return argv[++a];
      };
      const auto positive = [&]() {
        const auto v = split_numbers(value(), arg.c_str());
        if (v.size() != 1) throw std::runtime_error(arg + ": expected one positive integer");
        return v[0];
      };
      if (arg == "--help" || arg == "-h") {
        std::printf("%s", kUsage);
        return 0;
      } else if (arg == "--datasets") {
        datasets = value();
      } else if (arg == "--sbm") {
        sbm = true;
      } else if (arg == "--only") {
        only = split(value());
      } else if (arg == "--models") {
        models = split(value());
      } else if (arg == "--seeds") {
        settings.seeds = static_cast<int>(positive());
      } else if (arg == "--threads") {
        threads = static_cast<int>(positive());
      } else if (arg == "--out") {
        out = value();
      } else if (arg == "--large") {
        settings.large = positive();
      } else if (arg == "--dasnmf-layers") {
        for (long long r : split_numbers(value(), "--dasnmf-layers"))
          settings.dasnmf_hidden.push_back(static_cast<int>(r));
      } else if (arg == "--sizes") {
        sbm_settings.sizes = split_numbers(value(), "--sizes");
      } else if (arg == "--blocks") {
        sbm_settings.blocks = static_cast<int>(positive());
      } else if (arg == "--degree") {
        sbm_settings.degree = std::stod(value());
      } else if (arg == "--within") {
        sbm_settings.within = std::stod(value());
      } else if (arg == "--iter") {
        sbm_settings.iterations = static_cast<int>(positive());
      } else if (arg == "--pretrain-iter") {
        sbm_settings.pretrain = std::stoi(value());
        sbm_settings.pretrain_given = true;
      } else if (arg == "--layers") {
        sbm_settings.hidden.clear();
        for (long long r : split_numbers(value(), "--layers"))
          sbm_settings.hidden.push_back(static_cast<int>(r));
      } else if (arg == "--seed") {
        sbm_settings.seed = static_cast<std::uint64_t>(std::stoull(value()));
      } else if (arg == "--second-order-top") {
        sbm_settings.second_order_top = static_cast<int>(std::stoll(value()));
      } else if (arg == "--full") {
        sbm_settings.full = true;
      } else {
        std::fprintf(stderr, "unknown argument '%s'\n%s", arg.c_str(), kUsage);
        return 2;
      }
    }
    if (sbm == !datasets.empty()) {
      std::fprintf(stderr, "give exactly one of --datasets DIR and --sbm\n%s", kUsage);
      return 2;
    }
    const std::vector<std::string> known = sbm ? std::vector<std::string>{"dasnmf", "asymnmf"} : kModels;
    if (models.empty()) models = known;
    for (const std::string& m : models)
      if (std::find(known.begin(), known.end(), m) == known.end())
        throw std::runtime_error("--models: unknown model '" + m + "' for this mode");
    if (threads > 0) omp_set_num_threads(threads);
    return sbm ? run_sbm(sbm_settings, models) : run_datasets(datasets, only, models, settings, out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_graph: %s\n", e.what());
    return 1;
  }
}
