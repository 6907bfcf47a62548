// The quality harness's C++ half (bench/quality.py drives it and writes docs/quality.md).
// For every labelled dataset and graph of a datasets folder (MANIFEST.tsv) it runs every
// registered model with its documented defaults — one setting per model, the same for
// every dataset — over several seeds, and in the same run the baselines a user would try:
// k-means on the data, spectral clustering on the kNN graph of the data (or on the given
// graph), and writes that graph so that bench/quality.py can run Leiden on it too.
//
//   bench_quality --datasets DIR [--only a,b] [--skip a,b] [--models m1,m2] [--seeds N]
//                 [--max-n N] [--graphs-out DIR] [--threads T] [--full]
//
// One TSV line per (dataset, method, seed) on stdout:
//   dataset kind n k method seed nmi acc ari seconds objective iterations note
// Budget (this 2-core machine): below 5 000 samples/nodes every model and baseline runs
// with --seeds seeds (default 5); from 5 000 one seed, and the data sets there run only
// nmf, danmf-crfr (below 20 000), symnmf/asymnmf on the kNN graph (asymnmf below 20 000)
// and the baselines; graphs from 20 000 nodes run only the shallow graph models and the
// baselines. --full runs every model with the small sets' seeds everywhere.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/graph/spectral.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::stringstream ss(s);
  while (std::getline(ss, item, sep)) out.push_back(item);
  return out;
}

struct Dataset {
  std::string name, kind;  // kind: features | graph | features+graph
  dnmf::Index n = 0;
  int classes = 0;
  bool directed = false;
};

std::vector<Dataset> read_manifest(const std::string& dir) {
  std::ifstream in(dir + "/MANIFEST.tsv");
  if (!in) throw std::runtime_error("cannot open " + dir + "/MANIFEST.tsv");
  std::string line;
  std::getline(in, line);
  const auto header = split(line, '\t');
  const auto col = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw std::runtime_error(std::string("MANIFEST.tsv: no column ") + name);
    return static_cast<size_t>(it - header.begin());
  };
  const size_t c_name = col("name"), c_kind = col("kind"), c_n = col("n"), c_k = col("classes"),
               c_dir = col("directed");
  std::vector<Dataset> out;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      f.push_back(line.substr(start, tab - start));
    f.push_back(line.substr(start));
    if (f.size() <= std::max({c_name, c_kind, c_n, c_k, c_dir})) continue;
    Dataset d;
    d.name = f[c_name];
    d.kind = f[c_kind];
    d.n = std::stoll(f[c_n]);
    d.classes = std::stoi(f[c_k]);
    d.directed = f[c_dir] == "True";
    out.push_back(d);
  }
  return out;
}

std::string first_existing(const std::string& base) {
  for (const std::string& p : {base, base + ".gz"})
    if (std::ifstream(p).good()) return p;
  throw std::runtime_error("missing " + base + "[.gz]");
}

struct Line {
  std::string method;
  std::uint64_t seed = 0;
  dnmf::Evaluation eval;
  double seconds = 0, objective = NAN;
  int iterations = 0;
  std::string note;
};

void print(const Dataset& d, const Line& l) {
  std::printf("%s\t%s\t%lld\t%d\t%s\t%llu\t%.6f\t%.6f\t%.6f\t%.3f\t%.10g\t%d\t%s\n", d.name.c_str(),
              d.kind.c_str(), static_cast<long long>(d.n), d.classes, l.method.c_str(),
              static_cast<unsigned long long>(l.seed), l.eval.nmi, l.eval.acc, l.eval.ari, l.seconds,
              l.objective, l.iterations, l.note.c_str());
  std::fflush(stdout);
}

bool full_budget = false;

int seeds_for(dnmf::Index n, int cap) {
  return full_budget || n < 5000 ? cap : 1;
}

/// The budget rule above: which data-set methods run at size n.
bool within_budget(const std::string& method, dnmf::Index n) {
  if (full_budget || n < 5000) return true;
  if (method == "nmf" || method == "symnmf" || method == "kmeans" || method == "spectral") return true;
  return n < 20000 && (method == "danmf-crfr" || method == "asymnmf");
}

/// A registry model with its defaults (seed set), fitted and assigned.
Line run_model(const dnmf::ModelSpec& spec, const dnmf::FitInput& input_template,
               const dnmf::DataMatrix* data, const std::vector<int>& truth, int k, std::uint64_t seed) {
  dnmf::OptionValues v = spec.defaults();
  v.set("seed", static_cast<std::int64_t>(seed));
  dnmf::FitInput input = input_template;
  dnmf::DataMatrix copy;
  if (data) {
    copy = *data;  // fit_model scales the data in place
    input.data = &copy;
  }
  input.n_clusters = k;
  const auto start = Clock::now();
  Line l;
  l.method = spec.name;
  l.seed = seed;
  try {
    const dnmf::FitResult fit = dnmf::fit_model(spec, input, v);
    const dnmf::Assignment a = dnmf::assign_labels(fit, v, k, input.graph);
    l.seconds = since(start);
    l.eval = dnmf::evaluate(truth, a.labels);
    l.objective = fit.final_objective();
    l.iterations = fit.iterations;
  } catch (const std::exception& e) {
    l.seconds = since(start);
    l.note = std::string("error: ") + e.what();
    for (char& c : l.note)
      if (c == '\t' || c == '\n') c = ' ';
    l.eval.nmi = l.eval.acc = l.eval.ari = NAN;
  }
  return l;
}

/// The kNN graph of the data the graph baselines and graph models share: p = 10 nearest
/// neighbours of the auto-scaled samples, binary weights, max-symmetrised.
dnmf::Csr data_graph(const dnmf::DataMatrix& X) {
  dnmf::DataMatrix scaled = X;
  scaled.normalize(dnmf::Normalization::automatic);
  dnmf::AffinityOptions o;
  o.n_neighbors = static_cast<int>(std::min<dnmf::Index>(10, X.rows() - 1));
  o.weights = dnmf::AffinityWeights::binary;
  o.symmetrize = dnmf::Symmetrization::max;
  return dnmf::affinity_graph(scaled, o);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "../shared/datasets", graphs_out;
  std::vector<std::string> only, skip, models;
  int seeds = 5;
  dnmf::Index max_n = 1 << 30;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    const auto next = [&]() -> std::string {
      if (a + 1 >= argc) throw std::runtime_error(arg + " needs a value");
      return argv[++a];
    };
    if (arg == "--datasets")
      dir = next();
    else if (arg == "--only")
      only = split(next(), ',');
    else if (arg == "--skip")
      skip = split(next(), ',');
    else if (arg == "--models")
      models = split(next(), ',');
    else if (arg == "--seeds")
      seeds = std::stoi(next());
    else if (arg == "--max-n")
      max_n = std::stoll(next());
    else if (arg == "--graphs-out")
      graphs_out = next();
    else if (arg == "--threads")
      omp_set_num_threads(std::stoi(next()));
    else if (arg == "--full")
      full_budget = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", arg.c_str());
      return 2;
    }
  }
  const auto wanted = [&](const std::string& model) {
    return models.empty() || std::find(models.begin(), models.end(), model) != models.end();
  };
  std::printf("dataset\tkind\tn\tk\tmethod\tseed\tnmi\tacc\tari\tseconds\tobjective\titerations\tnote\n");
  for (const Dataset& d : read_manifest(dir)) {
    if (!only.empty() && std::find(only.begin(), only.end(), d.name) == only.end()) continue;
    if (std::find(skip.begin(), skip.end(), d.name) != skip.end()) continue;
    if (d.n > max_n) continue;
    const std::string base = dir + "/" + d.name + "/";
    const std::vector<int> truth = dnmf::io::read_labels(base + "labels.txt");
    const int k = d.classes;
    const int runs = seeds_for(d.n, seeds);
    std::fprintf(stderr, "== %s (%s, n = %lld, k = %d, %d seeds)\n", d.name.c_str(), d.kind.c_str(),
                 static_cast<long long>(d.n), k, runs);
    if (d.kind == "features" || d.kind == "features+graph") {
      const dnmf::DataMatrix X = dnmf::io::read_data(first_existing(base + "X.mtx"));
      const dnmf::Csr G = data_graph(X);
      if (!graphs_out.empty()) dnmf::io::write_matrix_market(graphs_out + "/" + d.name + ".knn.mtx", G);
      for (const auto& spec : dnmf::model_registry()) {
        if (!wanted(spec.name) || !within_budget(spec.name, d.n)) continue;
        dnmf::FitInput input;
        if (spec.input == dnmf::InputKind::data) {
          for (int s = 0; s < runs; ++s) print(d, run_model(spec, input, &X, truth, k, s));
        } else if (spec.name == "symnmf" || spec.name == "asymnmf") {
          // Graph models on the kNN graph of the data (method name: model@knn).
          input.graph = &G;
          for (int s = 0; s < runs; ++s) {
            Line l = run_model(spec, input, nullptr, truth, k, s);
            l.method += "@knn";
            print(d, l);
          }
        }
      }
      if (wanted("kmeans") && within_budget("kmeans", d.n))
        for (int s = 0; s < runs; ++s) {
          const auto start = Clock::now();
          dnmf::KMeansOptions km;
          km.n_clusters = k;
          km.seed = s;
          dnmf::DataMatrix scaled = X;
          scaled.normalize(dnmf::Normalization::automatic);
          Line l;
          l.method = "kmeans";
          l.seed = s;
          const auto labels = dnmf::kmeans(scaled.to_dense(), km).labels;
          l.seconds = since(start);
          l.eval = dnmf::evaluate(truth, labels);
          print(d, l);
        }
      if (wanted("spectral"))
        for (int s = 0; s < runs; ++s) {
          const auto start = Clock::now();
          Line l;
          l.method = "spectral@knn";
          l.seed = s;
          l.eval = dnmf::evaluate(truth, dnmf::spectral_clustering(G, k, 10, s));
          l.seconds = since(start);
          print(d, l);
        }
    }
    if (d.kind == "graph") {
      dnmf::io::EdgeListOptions eo;
      eo.directed = d.directed;
      eo.num_nodes = d.n;
      const dnmf::Csr A = dnmf::io::read_edge_list(first_existing(base + "edges.txt"), eo);
      for (const auto& spec : dnmf::model_registry()) {
        if (spec.input != dnmf::InputKind::graph || !wanted(spec.name)) continue;
        // Budget: the deep graph models only below 20 000 nodes (unless --full).
        if (!full_budget && d.n >= 20000 && (spec.name == "deep-symnmf" || spec.name == "dasnmf")) continue;
        if (d.directed && (spec.name == "symnmf" || spec.name == "deep-symnmf")) continue;
        dnmf::FitInput input;
        input.graph = &A;
        input.directed = d.directed;
        for (int s = 0; s < runs; ++s) print(d, run_model(spec, input, nullptr, truth, k, s));
      }
      if (wanted("spectral"))
        for (int s = 0; s < runs; ++s) {
          const auto start = Clock::now();
          Line l;
          l.method = "spectral";
          l.seed = s;
          l.eval = dnmf::evaluate(truth, dnmf::spectral_clustering(A, k, 10, s));
          l.seconds = since(start);
          print(d, l);
        }
    }
  }
  return 0;
}
