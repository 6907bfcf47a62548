// dnmf command-line tool: parses flags, calls the library, renders progress on
// stderr and maps exceptions to exit codes (0 ok, 2 bad usage/input, 1 internal).
// No maths lives here: anything computational belongs in lib/.
#include <omp.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "args.hpp"
#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/graph/components.hpp"
#include "dnmf/graph/knn.hpp"
#include "dnmf/graph/pagerank.hpp"
#include "dnmf/io/atomic_file.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/io/model_file.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/danmf.hpp"
#include "dnmf/models/deep_graph_nmf.hpp"
#include "dnmf/models/dn2mfgl.hpp"
#include "dnmf/models/graph_nmf.hpp"
#include "dnmf/models/nmf.hpp"

namespace {

using dnmf::cli::Args;
using dnmf::cli::OptionSpec;
using dnmf::cli::UsageError;

constexpr const char* kVersion = "0.1.0";

const char* kTopUsage =
    "usage: dnmf <command> [options]\n"
    "\n"
    "Clustering with (deep) nonnegative matrix factorization. Data files hold one\n"
    "sample per row (Matrix Market, optionally .gz); labels are one integer per line.\n"
    "\n"
    "commands:\n"
    "  cluster DATA.mtx -k K      factorize, run k-means on the representation, write labels\n"
    "  factorize DATA.mtx --rank R --out PREFIX   write the factors PREFIX.W.mtx, PREFIX.H.mtx\n"
    "  transform MODEL DATA.mtx --out H.mtx   encode new samples with a saved deep model\n"
    "  eval PRED.txt TRUTH.txt    print ACC, NMI, ARI (and purity) of a labelling\n"
    "  knn DATA.mtx --out G.mtx   build the sparse p-nearest-neighbour affinity graph\n"
    "  graph stats EDGES          nodes, edges, components, degrees, top PageRank nodes\n"
    "  version                    print the version\n"
    "\n"
    "Run 'dnmf <command> --help' for the options of a command.\n";

// ---------------------------------------------------------------- progress on stderr

/// Renders IterationInfo as at most one line per second (plus the last one) with
/// an ETA from the mean time per iteration so far.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool quiet) : quiet_(quiet) {}
  dnmf::Progress callback() {
    if (quiet_) return {};
    return [this](const dnmf::IterationInfo& info) {
      if (!deferred_.empty()) {
        std::fprintf(stderr, "%s\n", deferred_.c_str());
        deferred_.clear();
      }
      const bool last = info.iteration == info.max_iterations;
      if (info.iteration == 1 || last || info.elapsed_seconds - last_print_ >= 1.0) {
        last_print_ = info.elapsed_seconds;
        const double per_iteration = info.elapsed_seconds / info.iteration;
        const double eta = per_iteration * (info.max_iterations - info.iteration);
        std::fprintf(stderr, "[%s] iter %d/%d  objective %.6e  elapsed %.2fs  ETA <= %.1fs\n",
                     info.stage.c_str(), info.iteration, info.max_iterations, info.objective,
                     info.elapsed_seconds, eta);
      }
      return true;
    };
  }
  void note(const std::string& message) const {
    if (!quiet_) std::fprintf(stderr, "%s\n", message.c_str());
  }
  /// A note printed with the first progress line, so that errors the fit detects
  /// before it starts iterating remain the only output.
  void note_when_fitting(const std::string& message) {
    if (!quiet_) deferred_ = message;
  }

 private:
  bool quiet_;
  std::string deferred_;
  double last_print_ = -1.0;
};

// ---------------------------------------------------------------- small helpers

std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

dnmf::DataMatrix load_data(const std::string& path, const std::string& storage) {
  if (storage != "auto" && storage != "sparse" && storage != "dense")
    throw UsageError("--storage must be auto, sparse or dense (got '" + storage + "')");
  return dnmf::io::read_data(path, dnmf::io::parse_storage(storage));
}

void set_threads(const Args& args) {
  const long long threads = args.get_int("--threads", 0, 0, 4096);
  if (threads > 0) omp_set_num_threads(static_cast<int>(threads));
}

std::vector<int> read_truth(const std::string& path, dnmf::Index n) {
  auto truth = dnmf::io::read_labels(path);
  if (static_cast<dnmf::Index>(truth.size()) != n)
    throw dnmf::InputError(
        path, 0,
        "has " + std::to_string(truth.size()) + " labels but the data has " + std::to_string(n) + " samples");
  return truth;
}

const std::vector<OptionSpec> kCommonFitOptions = {
    {"--iter", "", "N", "maximum (fine-tuning) iterations (default 500 nmf, 1000 deep models)"},
    {"--tol", "", "T", "stop when the relative objective decrease < T (default 1e-6 nmf, 0 deep; 0 = never)"},
    {"--seed", "", "S", "random seed for initialisation and k-means (default 0)"},
    {"--threads", "", "T", "OpenMP threads (default: all cores)"},
    {"--normalize", "", "HOW",
     "none|max|l2-samples|minmax-features (default none for nmf, max for deep models)"},
    {"--storage", "", "HOW", "auto|sparse|dense in-memory form of DATA (default auto)"},
    {"--quiet", "-q", "", "no progress on stderr"},
};

dnmf::NmfOptions nmf_options(const Args& args, long long rank) {
  dnmf::NmfOptions opt;
  opt.rank = static_cast<int>(rank);
  opt.max_iterations = static_cast<int>(args.get_int("--iter", opt.max_iterations, 1, 100000000));
  opt.tolerance = args.get_double("--tol", opt.tolerance);
  if (opt.tolerance < 0) throw UsageError("--tol must be >= 0");
  opt.seed = args.get_seed("--seed", 0);
  return opt;
}

std::vector<int> parse_layers(const std::string& text) {
  std::vector<int> layers;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end || v < 1 || v > (1 << 20))
      throw UsageError("--layers expects positive integers separated by commas, e.g. 120,100,80 (got '" +
                       text + "')");
    layers.push_back(static_cast<int>(v));
  }
  if (layers.empty()) throw UsageError("--layers needs at least one size");
  return layers;
}

/// "150-10" (sep "-") or "150, 10" (sep ", ").
std::string join_layers(const std::vector<int>& layers, const char* sep) {
  std::string text;
  for (int r : layers) {
    if (!text.empty()) text += sep;
    text += std::to_string(r);
  }
  return text;
}

std::string describe_data(const std::string& path, const dnmf::DataMatrix& X) {
  return "data: " + path + " (" + std::to_string(X.rows()) + " samples x " + std::to_string(X.cols()) +
         " features, " + (X.is_sparse() ? "sparse, nnz " + std::to_string(X.stored_entries()) : "dense") +
         ")";
}

/// What `cluster` reports about a fit, filled by each model branch.
struct FitOutcome {
  dnmf::Dense representation;
  int iterations = 0;
  dnmf::Status status = dnmf::Status::not_run;
  double objective = NAN, fit_seconds = 0;
  std::ostringstream extra;  // model-specific JSON fields
  std::string describe;      // model-specific text line
};

/// The part shared by the deep models: graph warning, representation for k-means,
/// JSON tail (p, graph_seconds, pretrain_iterations, safeguard counts), text line.
void finish_deep_fit(dnmf::ChainFit& fit, const dnmf::Csr& graph, double graph_seconds, int p,
                     const std::vector<int>& layers, bool l1_rows, const ProgressPrinter& printer,
                     FitOutcome& out) {
  if (graph.rows() > 0) {
    const auto comps = dnmf::connected_components(graph);
    if (comps.count > 1)
      printer.note("dnmf: warning: the kNN graph has " + std::to_string(comps.count) +
                   " connected components; consider a larger -p");
  }
  out.representation = l1_rows ? dnmf::normalize_rows_l1(fit.H) : std::move(fit.H);
  out.iterations = fit.iterations;
  out.status = fit.status;
  out.objective = fit.objective.empty() ? NAN : fit.objective.back();
  out.fit_seconds = fit.seconds + graph_seconds;
  out.extra << ", \"p\": " << p << ", \"graph_seconds\": " << json_number(graph_seconds)
            << ", \"pretrain_iterations\": [";
  for (size_t i = 0; i < fit.pretrain_iterations.size(); ++i)
    out.extra << (i ? ", " : "") << fit.pretrain_iterations[i];
  out.extra << "], \"safeguard_halvings\": " << fit.safeguard_halvings
            << ", \"safeguard_rejections\": " << fit.safeguard_rejections;
  char line[200];
  std::snprintf(line, sizeof line, "  (layers %s, graph %.2fs, safeguard: %d halvings, %d rejections)",
                join_layers(layers, "-").c_str(), graph_seconds, fit.safeguard_halvings,
                fit.safeguard_rejections);
  out.describe = line;
}

// ---------------------------------------------------------------- commands

int cmd_cluster(const std::vector<std::string>& argv) {
  std::vector<OptionSpec> specs = {
      {"--clusters", "-k", "K", "number of clusters (required)"},
      {"--model", "", "NAME", "nmf | danmf | danmf-crfr | dn2mfgl (default nmf)"},
      {"--rank", "", "R", "nmf: factorization rank (default K)"},
      {"--layers", "", "R1,R2,...",
       "deep models: layer sizes (danmf*: 60,50,40 if d <= 100, else 120,100,80; dn2mfgl: 150,10 capped at "
       "d)"},
      {"--lambda-rep", "", "L1", "danmf-crfr: repulsive weight (default 1e-4)"},
      {"--lambda-att", "", "L2", "danmf, danmf-crfr: attractive graph weight (default 1)"},
      {"--lambda-frp", "", "L3", "danmf-crfr: feature-relationship lambda (default 0.5)"},
      {"--alpha", "", "A", "dn2mfgl: local graph weight (default 1)"},
      {"--beta", "", "B", "dn2mfgl: global variance weight (default 1)"},
      {"--nu", "", "N", "dn2mfgl: inner-product sparsity weight (default 1)"},
      {"--l21", "", "HOW", "dn2mfgl: L2,1 residual over samples (default) | features (reference code)"},
      {"--force", "", "", "dn2mfgl: fit even when the objective is unbounded below for these weights"},
      {"--neighbors", "-p", "P", "deep models: graph neighbours (danmf*: floor(ln n) + 1; dn2mfgl: 5)"},
      {"--sigma", "", "S", "deep models: heat-kernel sigma (default sigma^2 = mean squared kNN distance)"},
      {"--symmetrize", "", "HOW", "deep models: max|mean|mutual|none (default max)"},
      {"--pretrain-iter", "", "N",
       "deep models: pre-training iterations per layer (danmf*: 500, dn2mfgl: 100)"},
      {"--pretrain-tol", "", "T",
       "deep models: relative decrease that ends a layer's pre-training (danmf*: 0, dn2mfgl: 1e-6)"},
      {"--w-exponent", "", "G",
       "deep models: exponent of the W updates (danmf: 1, danmf-crfr: 0.5 with FRP, dn2mfgl: 0.5)"},
      {"--h-exponent", "", "G", "deep models: exponent of the H update (danmf*: 1, dn2mfgl: 0.5)"},
      {"--no-safeguard", "", "", "deep models: do not re-check the objective after each block update"},
      {"--preset", "", "NAME", "deep models: 'reference' = the reference code's graph and budgets"},
      {"--kmeans-normalize", "", "HOW",
       "deep models: l1 (rows of H sum to 1 before k-means; danmf* default) | none (dn2mfgl default)"},
      {"--save-model", "", "FILE", "danmf, danmf-crfr: save the fitted encoder for 'dnmf transform'"},
      {"--labels", "", "TRUTH", "ground-truth labels: report ACC, NMI, ARI, purity"},
      {"--out", "-o", "LABELS", "write the predicted labels here (one per line)"},
      {"--kmeans-init", "", "N", "k-means++ restarts (default 10)"},
      {"--json", "", "", "print one JSON summary object on stdout"},
  };
  specs.insert(specs.end(), kCommonFitOptions.begin(), kCommonFitOptions.end());
  Args args("cluster", specs, {"DATA"});
  args.parse(argv);
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  if (!args.has("--clusters")) throw UsageError("'dnmf cluster' needs -k K (number of clusters)");
  const std::string model = args.get("--model", "nmf");
  if (model != "nmf" && model != "danmf" && model != "danmf-crfr" && model != "dn2mfgl")
    throw UsageError("unknown --model '" + model + "' (available: nmf, danmf, danmf-crfr, dn2mfgl)");
  const bool deep = model != "nmf";
  const bool dn2 = model == "dn2mfgl";
  if (!deep)
    for (const char* flag : {"--layers",       "--lambda-rep",
                             "--lambda-att",   "--lambda-frp",
                             "--neighbors",    "--sigma",
                             "--symmetrize",   "--pretrain-iter",
                             "--pretrain-tol", "--w-exponent",
                             "--h-exponent",   "--no-safeguard",
                             "--preset",       "--kmeans-normalize",
                             "--save-model",   "--alpha",
                             "--beta",         "--nu",
                             "--l21",          "--force"})
      if (args.has(flag))
        throw UsageError(std::string(flag) +
                         " applies to the deep models only (--model danmf|danmf-crfr|dn2mfgl)");
  if (dn2)
    for (const char* flag :
         {"--lambda-rep", "--lambda-att", "--lambda-frp", "--sigma", "--preset", "--save-model"})
      if (args.has(flag))
        throw UsageError(std::string(flag) + " applies to danmf and danmf-crfr, not dn2mfgl");
  if (deep && !dn2)
    for (const char* flag : {"--alpha", "--beta", "--nu", "--l21", "--force"})
      if (args.has(flag)) throw UsageError(std::string(flag) + " applies to dn2mfgl only");
  if (deep && args.has("--rank")) throw UsageError("--rank is for nmf; deep models take --layers");
  set_threads(args);
  const long long k = args.get_int("--clusters", 0, 1, 1LL << 31);
  const long long rank = args.get_int("--rank", k, 1, 1LL << 31);
  const std::string path = args.positional()[0];
  ProgressPrinter printer(args.has("--quiet"));

  const auto start = std::chrono::steady_clock::now();
  dnmf::DataMatrix X = load_data(path, args.get("--storage", "auto"));
  if (k > X.rows())
    throw dnmf::InvalidOption("-k " + std::to_string(k) +
                              " exceeds the number of samples n = " + std::to_string(X.rows()));
  std::vector<int> truth;
  if (const auto t = args.get("--labels")) truth = read_truth(*t, X.rows());
  const dnmf::Normalization normalization =
      dnmf::parse_normalization(args.get("--normalize", dn2    ? "l2-samples"
                                                        : deep ? "max"
                                                               : "none"));  // §9.2
  const double divisor = std::max(std::abs(X.max_value()), std::abs(X.min_value()));
  X.normalize(normalization);
  const std::uint64_t seed = args.get_seed("--seed", 0);

  // Fit; every option and the data are checked before any progress output.
  FitOutcome fit_out;
  if (!deep) {
    const dnmf::NmfOptions opt = nmf_options(args, rank);
    opt.validate(X.rows(), X.cols());
    X.require_nonnegative("NMF");
    printer.note(describe_data(path, X));
    dnmf::NmfResult fit = dnmf::fit_nmf(X, opt, printer.callback());
    fit_out.representation = std::move(fit.H);
    fit_out.iterations = fit.iterations;
    fit_out.status = fit.status;
    fit_out.objective = fit.objective.empty() ? NAN : fit.objective.back();
    fit_out.fit_seconds = fit.seconds;
    fit_out.extra << ", \"rank\": " << rank;
  } else if (dn2) {
    dnmf::Dn2mfglOptions o;
    if (args.has("--layers")) {
      o.chain.layers = parse_layers(*args.get("--layers"));
    } else {  // the reference's [150, 10], capped by what NMF pre-training allows
      const int r1 = static_cast<int>(std::min<dnmf::Index>({150, X.rows(), X.cols()}));
      o.chain.layers = {r1, std::min(10, r1)};
    }
    o.alpha = args.get_double("--alpha", o.alpha);
    o.beta = args.get_double("--beta", o.beta);
    o.nu = args.get_double("--nu", o.nu);
    if (const auto l21 = args.get("--l21")) o.l21 = dnmf::parse_l21_mode(*l21);
    o.force = args.has("--force");
    o.graph.n_neighbors = static_cast<int>(args.get_int("--neighbors", o.graph.n_neighbors, 1, 1 << 30));
    if (const auto sym = args.get("--symmetrize")) o.graph.symmetrize = dnmf::parse_symmetrization(*sym);
    o.chain.pretrain_iterations =
        static_cast<int>(args.get_int("--pretrain-iter", o.chain.pretrain_iterations, 0, 100000000));
    o.chain.pretrain_tolerance = args.get_double("--pretrain-tol", o.chain.pretrain_tolerance);
    o.chain.max_iterations = static_cast<int>(args.get_int("--iter", o.chain.max_iterations, 0, 100000000));
    o.chain.tolerance = args.get_double("--tol", o.chain.tolerance);
    o.chain.w_exponent = args.get_double("--w-exponent", o.chain.w_exponent);
    o.chain.h_exponent = args.get_double("--h-exponent", o.chain.h_exponent);
    o.chain.safeguard = !args.has("--no-safeguard");
    o.chain.seed = seed;
    const std::string kmeans_normalize = args.get("--kmeans-normalize", "none");
    if (kmeans_normalize != "l1" && kmeans_normalize != "none")
      throw UsageError("--kmeans-normalize must be l1 or none");
    o.validate(X.rows(), X.cols());
    const int p = o.alpha > 0 ? o.graph.resolved_neighbors(X.rows()) : 0;
    if (p > 0) {
      dnmf::KnnOptions ko;
      ko.n_neighbors = p;
      ko.validate(X.rows());
    }
    X.require_nonnegative(model);
    // Printed with the first progress line: the boundedness check (§2.6) needs the
    // graph, and its refusal must stay the only output.
    printer.note_when_fitting(describe_data(path, X) + ", " + model + " layers " +
                              join_layers(o.chain.layers, "-") + ", L2,1 over " + dnmf::to_string(o.l21));
    dnmf::Dn2mfglResult r = dnmf::fit_dn2mfgl(X, o, printer.callback());
    fit_out.extra << ", \"layers\": [" << join_layers(o.chain.layers, ", ")
                  << "], \"alpha\": " << json_number(o.alpha) << ", \"beta\": " << json_number(o.beta)
                  << ", \"nu\": " << json_number(o.nu)
                  << ", \"l21\": " << json_string(dnmf::to_string(o.l21));
    finish_deep_fit(r.fit, r.graph, r.graph_seconds, p, o.chain.layers, kmeans_normalize == "l1", printer,
                    fit_out);
  } else {
    dnmf::DanmfOptions o;
    o.variant = dnmf::parse_danmf_variant(model);
    if (const auto preset = args.get("--preset")) {
      if (*preset != "reference") throw UsageError("--preset must be 'reference'");
      dnmf::apply_reference_preset(o);
    }
    o.chain.layers = args.has("--layers")
                         ? parse_layers(*args.get("--layers"))
                         : (X.cols() <= 100 ? std::vector<int>{60, 50, 40} : std::vector<int>{120, 100, 80});
    o.lambda_repulsive = args.get_double("--lambda-rep", o.lambda_repulsive);
    o.lambda_attractive = args.get_double("--lambda-att", o.lambda_attractive);
    o.lambda_frp = args.get_double("--lambda-frp", o.lambda_frp);
    o.graph.n_neighbors = static_cast<int>(args.get_int("--neighbors", o.graph.n_neighbors, 1, 1 << 30));
    o.graph.sigma = args.get_double("--sigma", o.graph.sigma);
    if (o.graph.sigma < 0) throw UsageError("--sigma must be > 0");
    if (const auto sym = args.get("--symmetrize")) o.graph.symmetrize = dnmf::parse_symmetrization(*sym);
    o.chain.pretrain_iterations =
        static_cast<int>(args.get_int("--pretrain-iter", o.chain.pretrain_iterations, 0, 100000000));
    o.chain.pretrain_tolerance = args.get_double("--pretrain-tol", o.chain.pretrain_tolerance);
    o.chain.max_iterations = static_cast<int>(args.get_int("--iter", o.chain.max_iterations, 0, 100000000));
    o.chain.tolerance = args.get_double("--tol", o.chain.tolerance);
    o.chain.w_exponent = args.get_double("--w-exponent", o.default_w_exponent());
    if (!(o.chain.w_exponent > 0.0)) throw UsageError("--w-exponent must lie in (0, 1]");
    o.chain.h_exponent = args.get_double("--h-exponent", o.chain.h_exponent);
    o.chain.safeguard = !args.has("--no-safeguard");
    o.chain.seed = seed;
    const std::string kmeans_normalize = args.get("--kmeans-normalize", "l1");
    if (kmeans_normalize != "l1" && kmeans_normalize != "none")
      throw UsageError("--kmeans-normalize must be l1 or none");
    const auto save = args.get("--save-model");
    if (save && normalization == dnmf::Normalization::minmax_features)
      throw UsageError("--save-model supports --normalize none, max or l2-samples");
    o.validate(X.rows(), X.cols());
    const int p = o.lambda_attractive > 0 ? o.graph.resolved_neighbors(X.rows()) : 0;
    if (p > 0) {
      dnmf::KnnOptions ko;
      ko.n_neighbors = p;
      ko.validate(X.rows());
    }
    X.require_nonnegative(model);
    printer.note(describe_data(path, X) + ", " + model + " layers " + join_layers(o.chain.layers, "-"));
    dnmf::DanmfResult r = dnmf::fit_danmf(X, o, printer.callback());
    if (save) {
      dnmf::io::SavedModel m;
      m.model = model;
      m.normalization = normalization;
      m.divisor = divisor > 0 ? divisor : 1.0;
      m.W = r.fit.W;
      dnmf::io::save_model(*save, m);
    }
    const bool crfr = o.variant == dnmf::DanmfVariant::crfr;
    fit_out.extra << ", \"layers\": [" << join_layers(o.chain.layers, ", ")
                  << "], \"lambda_rep\": " << json_number(crfr ? o.lambda_repulsive : 0.0)
                  << ", \"lambda_att\": " << json_number(o.lambda_attractive)
                  << ", \"lambda_frp\": " << json_number(crfr ? o.lambda_frp : 0.0);
    finish_deep_fit(r.fit, r.affinity, r.graph_seconds, p, o.chain.layers, kmeans_normalize == "l1", printer,
                    fit_out);
  }
  dnmf::Dense& representation = fit_out.representation;
  const int iterations = fit_out.iterations;
  const dnmf::Status status = fit_out.status;
  const double objective = fit_out.objective, fit_seconds = fit_out.fit_seconds;
  const std::string extra = fit_out.extra.str(), describe = fit_out.describe;

  dnmf::KMeansOptions km;
  km.n_clusters = static_cast<int>(k);
  km.n_init = static_cast<int>(args.get_int("--kmeans-init", km.n_init, 1, 100000));
  km.seed = seed;
  const dnmf::KMeansResult clusters = dnmf::kmeans(representation, km);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (const auto out = args.get("--out")) dnmf::io::write_labels(*out, clusters.labels);

  std::ostringstream summary;
  dnmf::Evaluation eval;
  if (!truth.empty()) eval = dnmf::evaluate(truth, clusters.labels);
  if (args.has("--json")) {
    summary << "{\"model\": " << json_string(model) << ", \"data\": " << json_string(path)
            << ", \"n\": " << X.rows() << ", \"d\": " << X.cols() << ", \"k\": " << k << extra
            << ", \"iterations\": " << iterations << ", \"status\": " << json_string(dnmf::to_string(status))
            << ", \"objective\": " << json_number(objective)
            << ", \"kmeans_inertia\": " << json_number(clusters.inertia) << ", \"seed\": " << seed
            << ", \"seconds\": " << json_number(seconds) << ", \"fit_seconds\": " << json_number(fit_seconds);
    if (!truth.empty())
      summary << ", \"acc\": " << json_number(eval.acc) << ", \"nmi\": " << json_number(eval.nmi)
              << ", \"ari\": " << json_number(eval.ari) << ", \"purity\": " << json_number(eval.purity);
    summary << "}\n";
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "%s: %d iterations (%s), objective %.6e, %.2fs%s\n", model.c_str(),
                  iterations, dnmf::to_string(status), objective, seconds, describe.c_str());
    summary << line;
    if (!truth.empty()) {
      std::snprintf(line, sizeof line, "ACC %.4f  NMI %.4f  ARI %.4f  (purity %.4f)\n", eval.acc, eval.nmi,
                    eval.ari, eval.purity);
      summary << line;
    }
  }
  std::cout << summary.str() << std::flush;
  return 0;
}

int cmd_transform(const std::vector<std::string>& argv) {
  Args args("transform",
            {
                {"--out", "-o", "H", "write the n x k encoding here (Matrix Market array; required)"},
                {"--storage", "", "HOW", "auto|sparse|dense in-memory form of DATA (default auto)"},
                {"--threads", "", "T", "OpenMP threads (default: all cores)"},
            },
            {"MODEL", "DATA"});
  args.parse(argv);
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  if (!args.has("--out")) throw UsageError("'dnmf transform' needs --out H.mtx");
  set_threads(args);
  const dnmf::io::SavedModel m = dnmf::io::load_model(args.positional()[0]);
  dnmf::DataMatrix X = load_data(args.positional()[1], args.get("--storage", "auto"));
  const dnmf::Dense H = dnmf::io::encode(m, X);
  dnmf::io::write_matrix_market(*args.get("--out"), H,
                                "dnmf " + std::string(kVersion) + " transform: " + m.model + " encoding of " +
                                    args.positional()[1] + " (one row per sample)");
  std::cout << "wrote " << *args.get("--out") << ": " << H.rows() << " x " << H.cols() << "\n";
  return 0;
}

int cmd_factorize(const std::vector<std::string>& argv) {
  std::vector<OptionSpec> specs = {
      {"--rank", "-r", "R", "factorization rank (required)"},
      {"--out", "-o", "PREFIX", "write PREFIX.W.mtx (d x R basis) and PREFIX.H.mtx (n x R representation)"},
      {"--json", "", "", "print one JSON summary object on stdout"},
  };
  specs.insert(specs.end(), kCommonFitOptions.begin(), kCommonFitOptions.end());
  Args args("factorize", specs, {"DATA"});
  args.parse(argv);
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  if (!args.has("--rank")) throw UsageError("'dnmf factorize' needs --rank R");
  if (!args.has("--out")) throw UsageError("'dnmf factorize' needs --out PREFIX");
  set_threads(args);
  const std::string path = args.positional()[0];
  ProgressPrinter printer(args.has("--quiet"));
  dnmf::DataMatrix X = load_data(path, args.get("--storage", "auto"));
  X.normalize(dnmf::parse_normalization(args.get("--normalize", "none")));
  const dnmf::NmfOptions opt = nmf_options(args, args.get_int("--rank", 0, 1, 1LL << 31));
  const dnmf::NmfResult fit = dnmf::fit_nmf(X, opt, printer.callback());
  const std::string prefix = *args.get("--out");
  const std::string note = "dnmf " + std::string(kVersion) + " nmf rank " + std::to_string(opt.rank) +
                           " seed " + std::to_string(opt.seed) + " data " + path;
  dnmf::io::write_matrix_market(prefix + ".W.mtx", fit.W, note + "\nW: d x rank basis (X ~ H W^T)");
  dnmf::io::write_matrix_market(prefix + ".H.mtx", fit.H,
                                note + "\nH: n x rank representation, one row per sample");
  if (args.has("--json"))
    std::cout << "{\"model\": \"nmf\", \"n\": " << X.rows() << ", \"d\": " << X.cols()
              << ", \"rank\": " << opt.rank << ", \"iterations\": " << fit.iterations
              << ", \"status\": " << json_string(dnmf::to_string(fit.status))
              << ", \"objective\": " << json_number(fit.objective.back())
              << ", \"seconds\": " << json_number(fit.seconds) << "}\n";
  else
    std::cout << "wrote " << prefix << ".W.mtx and " << prefix << ".H.mtx (" << fit.iterations
              << " iterations, objective " << fit.objective.back() << ")\n";
  return 0;
}

int cmd_eval(const std::vector<std::string>& argv) {
  Args args("eval", {{"--json", "", "", "print one JSON object on stdout"}}, {"PRED", "TRUTH"});
  args.parse(argv);
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  const auto predicted = dnmf::io::read_labels(args.positional()[0]);
  const auto truth = dnmf::io::read_labels(args.positional()[1]);
  if (predicted.size() != truth.size())
    throw dnmf::InputError(args.positional()[0], 0,
                           "has " + std::to_string(predicted.size()) + " labels but " + args.positional()[1] +
                               " has " + std::to_string(truth.size()));
  const auto e = dnmf::evaluate(truth, predicted);
  if (args.has("--json"))
    std::cout << "{\"n\": " << truth.size() << ", \"acc\": " << json_number(e.acc)
              << ", \"nmi\": " << json_number(e.nmi) << ", \"ari\": " << json_number(e.ari)
              << ", \"purity\": " << json_number(e.purity) << "}\n";
  else
    std::printf("ACC %.4f  NMI %.4f  ARI %.4f  (purity %.4f)\n", e.acc, e.nmi, e.ari, e.purity);
  return 0;
}

int cmd_knn(const std::vector<std::string>& argv) {
  Args args("knn",
            {
                {"--neighbors", "-p", "P", "neighbours per sample (default floor(ln n) + 1)"},
                {"--weights", "", "W", "heat|binary|self-tuning (default heat)"},
                {"--sigma", "", "S", "heat-kernel sigma (default: sigma^2 = mean squared kNN distance)"},
                {"--self-tuning-neighbor", "", "M", "m for self-tuning weights (default 7)"},
                {"--symmetrize", "", "HOW", "max|mean|mutual|none (default max)"},
                {"--method", "", "M",
                 "auto|kd-tree|brute-force (default auto: kd-tree for d <= 8, brute force for d > 32, timed "
                 "in between)"},
                {"--out", "-o", "GRAPH", "write the n x n graph here (Matrix Market coordinate; required)"},
                {"--storage", "", "HOW", "auto|sparse|dense in-memory form of DATA (default auto)"},
                {"--threads", "", "T", "OpenMP threads (default: all cores)"},
                {"--json", "", "", "print one JSON summary object on stdout"},
                {"--quiet", "-q", "", "no progress on stderr"},
            },
            {"DATA"});
  args.parse(argv);
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  if (!args.has("--out")) throw UsageError("'dnmf knn' needs --out GRAPH.mtx");
  set_threads(args);
  ProgressPrinter printer(args.has("--quiet"));
  const std::string path = args.positional()[0];
  const auto start = std::chrono::steady_clock::now();
  const dnmf::DataMatrix X = load_data(path, args.get("--storage", "auto"));
  dnmf::AffinityOptions opt;
  opt.n_neighbors = static_cast<int>(args.get_int("--neighbors", 0, 1, 1 << 30));
  opt.weights = dnmf::parse_affinity_weights(args.get("--weights", "heat"));
  opt.sigma = args.get_double("--sigma", 0.0);
  if (opt.sigma < 0) throw UsageError("--sigma must be > 0");
  opt.self_tuning_neighbor = static_cast<int>(args.get_int("--self-tuning-neighbor", 7, 1, 1 << 30));
  opt.symmetrize = dnmf::parse_symmetrization(args.get("--symmetrize", "max"));
  opt.method = dnmf::parse_knn_method(args.get("--method", "auto"));
  const int p = opt.resolved_neighbors(X.rows());
  dnmf::KnnOptions ko;
  ko.n_neighbors = p;
  ko.method = opt.method;
  ko.validate(X.rows());
  printer.note("knn: " + std::to_string(X.rows()) + " samples x " + std::to_string(X.cols()) +
               " features, p = " + std::to_string(p) + ", method " + dnmf::to_string(opt.method));
  const dnmf::KnnResult neighbours = dnmf::knn(X, ko);
  const dnmf::KnnMethod method = neighbours.method_used;
  const double knn_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const dnmf::Csr graph = dnmf::affinity_from_knn(neighbours, opt);
  const dnmf::Components components = dnmf::connected_components(graph);
  if (components.count > 1)
    std::cerr << "dnmf: warning: the kNN graph has " << components.count
              << " connected components; graph regularisers cannot link them (consider a larger -p)\n";
  dnmf::io::write_matrix_market(
      *args.get("--out"), graph,
      "dnmf " + std::string(kVersion) + " knn graph of " + path + ": p = " + std::to_string(p) +
          ", weights " + args.get("--weights", "heat") + ", symmetrize " + args.get("--symmetrize", "max"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (args.has("--json"))
    std::cout << "{\"n\": " << X.rows() << ", \"d\": " << X.cols() << ", \"p\": " << p
              << ", \"method\": " << json_string(dnmf::to_string(method)) << ", \"edges\": " << graph.nnz()
              << ", \"components\": " << components.count << ", \"knn_seconds\": " << json_number(knn_seconds)
              << ", \"seconds\": " << json_number(seconds) << "}\n";
  else
    std::cout << "wrote " << *args.get("--out") << ": " << X.rows() << " nodes, " << graph.nnz()
              << " stored entries, " << components.count << " component(s), method "
              << dnmf::to_string(method) << ", " << seconds << " s\n";
  return 0;
}

/// Comma-separated finite numbers, e.g. "10,5,0.1".
std::vector<double> parse_doubles(const std::string& flag, const std::string& text) {
  std::vector<double> values;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    double v = 0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || ptr != item.data() + item.size() || !std::isfinite(v))
      throw UsageError(flag + " expects finite numbers separated by commas, got '" + text + "'");
    values.push_back(v);
  }
  return values;
}

/// Hidden layer sizes for the deep graph models: --layers lists r₁, …, r_{p−1}; k is
/// appended as the last layer. Default: 256, 64 (those above k and at most n/2 kept).
std::vector<int> graph_layers(const Args& args, int k, dnmf::Index n) {
  std::vector<int> layers;
  if (const auto text = args.get("--layers")) {
    layers = parse_layers(*text);
  } else {
    for (int r : {256, 64})
      if (r > k && r <= n / 2) layers.push_back(r);
  }
  layers.push_back(k);
  return layers;
}

int cmd_graph_cluster(const std::vector<std::string>& argv) {
  Args args(
      "graph cluster",
      {
          {"--clusters", "-k", "K", "number of clusters (required)"},
          {"--model", "", "NAME",
           "symnmf | asymnmf | deep-symnmf | dasnmf (default: symnmf undirected, asymnmf --directed)"},
          {"--directed", "", "", "read the edges as directed (default undirected)"},
          {"--one-based", "", "", "node ids start at 1 (default 0)"},
          {"--layers", "", "R1,R2,...",
           "deep models: hidden layer sizes, k is appended (default 256,64, sizes > k and <= n/2 kept)"},
          {"--eta", "", "E", "dasnmf: weight of the second-order proximity, A_S = A + E*S (default 0.2)"},
          {"--lambda", "", "L", "dasnmf: weight of the PageRank smoothness term (default 0.01)"},
          {"--regulariser", "", "FORM",
           "dasnmf: exact (sum C_ij |psi_i - psi_j|^2, default) | paper (eq. 21; unbounded on digraphs)"},
          {"--second-order-top", "", "T",
           "dasnmf: keep the T largest entries per row of S (default 50; 0 = all)"},
          {"--mu", "", "M1,M2,...", "deep-symnmf: weights mu_l of W_l ~ (H_l...H_1)^T (default all 1)"},
          {"--pretrain-iter", "", "N", "deep models: pre-training iterations per layer (default 100)"},
          {"--iter", "", "N", "maximum (fine-tuning) iterations (default 500)"},
          {"--tol", "", "T",
           "stop when the relative objective decrease is below T (default 1e-6; 0 = never)"},
          {"--exponent", "", "G", "exponent of the H rule (default 1/3 symnmf, 1/4 asymnmf and dasnmf)"},
          {"--assign", "", "HOW", "argmax (of the membership rows, default) | kmeans (on the memberships)"},
          {"--seed", "", "S", "seed of the random start (default 0)"},
          {"--labels", "", "TRUTH", "ground-truth labels: report ACC, NMI, ARI"},
          {"--out", "-o", "LABELS", "write the predicted labels here (one per line)"},
          {"--threads", "", "T", "OpenMP threads (default: all cores)"},
          {"--json", "", "", "print one JSON summary object on stdout"},
          {"--quiet", "-q", "", "no progress on stderr"},
      },
      {"EDGES"});
  args.parse(argv);
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  if (!args.has("--clusters")) throw UsageError("'dnmf graph cluster' needs -k K (number of clusters)");
  set_threads(args);
  dnmf::io::EdgeListOptions eo;
  eo.directed = args.has("--directed");
  eo.one_based = args.has("--one-based");
  const std::string model = args.get("--model", eo.directed ? "asymnmf" : "symnmf");
  const bool deep = model == "deep-symnmf" || model == "dasnmf";
  if (model != "symnmf" && model != "asymnmf" && !deep)
    throw UsageError("unknown --model '" + model + "' (available: symnmf, asymnmf, deep-symnmf, dasnmf)");
  if ((model == "symnmf" || model == "deep-symnmf") && eo.directed)
    throw UsageError(model +
                     " factorises undirected graphs; use --model asymnmf or dasnmf for --directed input");
  for (const char* flag : {"--eta", "--lambda", "--regulariser", "--second-order-top"})
    if (args.has(flag) && model != "dasnmf") throw UsageError(std::string(flag) + " is a dasnmf option");
  if (args.has("--mu") && model != "deep-symnmf") throw UsageError("--mu is a deep-symnmf option");
  if (!deep && (args.has("--layers") || args.has("--pretrain-iter")))
    throw UsageError("--layers and --pretrain-iter are for the deep models (deep-symnmf, dasnmf)");
  const std::string assign = args.get("--assign", "argmax");
  if (assign != "argmax" && assign != "kmeans") throw UsageError("--assign must be argmax or kmeans");
  const int k = static_cast<int>(args.get_int("--clusters", 0, 1, 1 << 30));
  const int iterations = static_cast<int>(args.get_int("--iter", 500, 0, 100000000));
  const int pretrain = static_cast<int>(args.get_int("--pretrain-iter", 100, 0, 100000000));
  const double tolerance = args.get_double("--tol", 1e-4);
  const double exponent = args.get_double("--exponent", model == "dasnmf" ? 0.25 : 0.0);
  const std::uint64_t seed = args.get_seed("--seed", 0);
  const std::string path = args.positional()[0];
  const auto start = std::chrono::steady_clock::now();
  const dnmf::Csr A = dnmf::io::read_edge_list(path, eo);
  if (k > A.rows())
    throw UsageError("k = " + std::to_string(k) +
                     " exceeds the number of nodes n = " + std::to_string(A.rows()));
  std::vector<int> truth;
  if (const auto t = args.get("--labels")) truth = read_truth(*t, A.rows());
  ProgressPrinter printer(args.has("--quiet"));
  printer.note("graph: " + path + " (" + std::to_string(A.rows()) + " nodes, " +
               std::to_string(eo.directed ? A.nnz() : A.nnz() / 2) +
               (eo.directed ? " directed" : " undirected") + " edges), " + model +
               " k = " + std::to_string(k));

  dnmf::Dense memberships;
  std::vector<int> labels;
  int fit_iterations = 0;
  dnmf::Status status = dnmf::Status::not_run;
  double objective = NAN, fit_seconds = 0.0;
  std::ostringstream extra;  // model-specific JSON fields
  if (!deep) {
    dnmf::GraphNmfOptions o;
    o.rank = k;
    o.max_iterations = iterations;
    o.tolerance = tolerance;
    o.exponent = exponent;
    o.seed = seed;
    o.validate(A.rows());
    dnmf::GraphNmfResult r = model == "symnmf" ? dnmf::fit_symnmf(A, o, printer.callback())
                                               : dnmf::fit_asymnmf(A, o, printer.callback());
    memberships = std::move(r.H);
    labels = std::move(r.labels);
    fit_iterations = r.iterations;
    status = r.status;
    objective = r.objective.empty() ? NAN : r.objective.back();
    fit_seconds = r.seconds;
  } else if (model == "dasnmf") {
    dnmf::DasnmfOptions o;
    o.layers = graph_layers(args, k, A.rows());
    o.eta = args.get_double("--eta", o.eta);
    o.lambda = args.get_double("--lambda", o.lambda);
    const std::string form = args.get("--regulariser", "exact");
    if (form == "paper") {
      o.regulariser = dnmf::DasnmfRegulariser::paper;
      if (eo.directed)
        std::cerr << "dnmf: warning: the paper's regulariser 2tr(Psi^T D Psi) - 2tr(Psi^T C Psi) is not a "
                     "Laplacian form on directed graphs and is unbounded below for large --lambda\n";
    } else if (form != "exact") {
      throw UsageError("--regulariser must be exact or paper");
    }
    o.second_order_top = static_cast<int>(args.get_int("--second-order-top", o.second_order_top, 0, 1 << 30));
    o.pretrain_iterations = pretrain;
    o.max_iterations = iterations;
    o.tolerance = tolerance;
    o.exponent = exponent;
    o.seed = seed;
    o.validate(A.rows());
    dnmf::DasnmfResult r = dnmf::fit_dasnmf(A, o, printer.callback());
    memberships = std::move(r.Psi);
    labels = std::move(r.labels);
    fit_iterations = r.iterations;
    status = r.status;
    objective = r.objective.empty() ? NAN : r.objective.back();
    fit_seconds = r.seconds;
    extra << ", \"layers\": [" << join_layers(o.layers, ", ") << "], \"eta\": " << json_number(o.eta)
          << ", \"lambda\": " << json_number(o.lambda) << ", \"regulariser\": " << json_string(form)
          << ", \"second_order_entries\": " << r.second_order_entries
          << ", \"pagerank_iterations\": " << r.pagerank_iterations
          << ", \"setup_seconds\": " << json_number(r.setup_seconds)
          << ", \"pretrain_seconds\": " << json_number(r.pretrain_seconds);
    printer.note("dasnmf layers " + join_layers(o.layers, "-") + ", nnz(S) " +
                 std::to_string(r.second_order_entries) + ", setup " + std::to_string(r.setup_seconds) +
                 " s, pre-training " + std::to_string(r.pretrain_seconds) + " s");
  } else {
    dnmf::DsnmfOptions o;
    o.layers = graph_layers(args, k, A.rows());
    if (const auto mu = args.get("--mu")) o.mu = parse_doubles("--mu", *mu);
    o.pretrain_iterations = pretrain;
    o.max_iterations = iterations;
    o.tolerance = tolerance;
    o.seed = seed;
    o.validate(A.rows());
    dnmf::DsnmfResult r = dnmf::fit_dsnmf(A, o, printer.callback());
    memberships = std::move(r.W.back());
    labels = std::move(r.labels);
    fit_iterations = r.iterations;
    status = r.status;
    objective = r.objective.empty() ? NAN : r.objective.back();
    fit_seconds = r.seconds;
    extra << ", \"layers\": [" << join_layers(o.layers, ", ")
          << "], \"pretrain_seconds\": " << json_number(r.pretrain_seconds);
  }
  if (assign == "kmeans" && memberships.rows() == A.rows()) {
    dnmf::KMeansOptions km;
    km.n_clusters = k;
    km.seed = seed;
    labels = dnmf::kmeans(memberships, km).labels;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (const auto out = args.get("--out")) dnmf::io::write_labels(*out, labels);
  const double q = dnmf::modularity(A, labels), phi = dnmf::mean_conductance(A, labels);
  dnmf::Evaluation eval;
  if (!truth.empty()) eval = dnmf::evaluate(truth, labels);
  if (args.has("--json")) {
    std::cout << "{\"model\": " << json_string(model) << ", \"graph\": " << json_string(path)
              << ", \"nodes\": " << A.rows() << ", \"stored_entries\": " << A.nnz()
              << ", \"directed\": " << (eo.directed ? "true" : "false") << ", \"k\": " << k
              << ", \"assign\": " << json_string(assign) << ", \"iterations\": " << fit_iterations
              << ", \"status\": " << json_string(dnmf::to_string(status))
              << ", \"objective\": " << json_number(objective) << extra.str()
              << ", \"modularity\": " << json_number(q) << ", \"mean_conductance\": " << json_number(phi)
              << ", \"seconds\": " << json_number(seconds)
              << ", \"fit_seconds\": " << json_number(fit_seconds);
    if (!truth.empty())
      std::cout << ", \"acc\": " << json_number(eval.acc) << ", \"nmi\": " << json_number(eval.nmi)
                << ", \"ari\": " << json_number(eval.ari);
    std::cout << "}\n";
    return 0;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%s: %d iterations (%s), objective %.6e, %.2fs\n", model.c_str(),
                fit_iterations, dnmf::to_string(status), objective, seconds);
  std::cout << line;
  std::snprintf(line, sizeof line, "%smodularity %.4f  mean conductance %.4f\n",
                eo.directed ? "directed " : "", q, phi);
  std::cout << line;
  if (!truth.empty()) {
    std::snprintf(line, sizeof line, "ACC %.4f  NMI %.4f  ARI %.4f\n", eval.acc, eval.nmi, eval.ari);
    std::cout << line;
  }
  return 0;
}

int cmd_graph(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "cluster")
    return cmd_graph_cluster(std::vector<std::string>(argv.begin() + 1, argv.end()));
  if (argv.empty() || argv[0] != "stats") {
    if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h")) {
      std::cout
          << "usage: dnmf graph stats EDGES [options]\n       dnmf graph cluster EDGES -k K [options]\n";
      return 0;
    }
    throw UsageError(
        "'dnmf graph' expects the subcommand 'stats' or 'cluster' (usage: dnmf graph stats EDGES)");
  }
  Args args("graph stats",
            {
                {"--directed", "", "", "read the edges as directed (default undirected)"},
                {"--one-based", "", "", "node ids start at 1 (default 0)"},
                {"--top", "", "N", "how many top PageRank nodes to list (default 10)"},
                {"--threads", "", "T", "OpenMP threads (default: all cores)"},
                {"--json", "", "", "print one JSON object on stdout"},
            },
            {"EDGES"});
  args.parse(std::vector<std::string>(argv.begin() + 1, argv.end()));
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  set_threads(args);
  dnmf::io::EdgeListOptions eo;
  eo.directed = args.has("--directed");
  eo.one_based = args.has("--one-based");
  const std::string path = args.positional()[0];
  const dnmf::Csr A = dnmf::io::read_edge_list(path, eo);
  const dnmf::Index n = A.rows();
  const dnmf::Index edges = eo.directed ? A.nnz() : A.nnz() / 2;
  const dnmf::Components components = dnmf::connected_components(A);
  dnmf::Vector out_degree(n), in_degree = dnmf::Vector::Zero(n);
  for (dnmf::Index i = 0; i < n; ++i)
    out_degree(i) = static_cast<double>(A.row_ptr()[i + 1] - A.row_ptr()[i]);
  for (auto c : A.col_idx()) in_degree(c) += 1;
  const auto pr = dnmf::pagerank(A);
  const int top = static_cast<int>(std::min<long long>(args.get_int("--top", 10, 0, 1 << 30), n));
  std::vector<dnmf::Index> order(static_cast<size_t>(n));
  for (dnmf::Index i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
  std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](dnmf::Index a, dnmf::Index b) {
    return pr.scores(a) != pr.scores(b) ? pr.scores(a) > pr.scores(b) : a < b;
  });
  const auto summary = [&](const dnmf::Vector& d) {
    std::vector<double> v(d.data(), d.data() + d.size());
    std::sort(v.begin(), v.end());
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "min %g, median %g, mean %.3f, max %g", v.empty() ? 0 : v.front(),
                  v.empty() ? 0 : v[v.size() / 2], d.size() ? d.mean() : 0.0, v.empty() ? 0 : v.back());
    return std::string(buffer);
  };
  dnmf::Index isolated = 0;
  for (dnmf::Index i = 0; i < n; ++i) isolated += (out_degree(i) + in_degree(i) == 0);
  if (args.has("--json")) {
    std::cout << "{\"nodes\": " << n << ", \"edges\": " << edges
              << ", \"directed\": " << (eo.directed ? "true" : "false")
              << ", \"components\": " << components.count << ", \"isolated\": " << isolated
              << ", \"mean_out_degree\": " << json_number(out_degree.mean())
              << ", \"max_out_degree\": " << json_number(out_degree.maxCoeff())
              << ", \"max_in_degree\": " << json_number(in_degree.maxCoeff()) << ", \"pagerank_top\": [";
    for (int t = 0; t < top; ++t)
      std::cout << (t ? ", " : "") << "{\"node\": " << order[static_cast<size_t>(t)]
                << ", \"score\": " << json_number(pr.scores(order[static_cast<size_t>(t)])) << "}";
    std::cout << "]}\n";
    return 0;
  }
  std::cout << "graph: " << path << "\n"
            << "nodes: " << n << "\nedges: " << edges << (eo.directed ? " (directed)" : " (undirected)")
            << "\n"
            << "components: " << components.count << (eo.directed ? " (weakly connected)" : "") << "\n"
            << "isolated nodes: " << isolated << "\n";
  if (eo.directed)
    std::cout << "out-degree: " << summary(out_degree) << "\nin-degree: " << summary(in_degree) << "\n";
  else
    std::cout << "degree: " << summary(out_degree) << "\n";
  std::cout << "pagerank (damping 0.85, " << pr.iterations << " iterations"
            << (pr.converged ? "" : ", NOT converged") << "), top " << top << ":\n";
  for (int t = 0; t < top; ++t) {
    char line[96];
    std::snprintf(line, sizeof line, "  %8lld  %.6f\n", static_cast<long long>(order[static_cast<size_t>(t)]),
                  pr.scores(order[static_cast<size_t>(t)]));
    std::cout << line;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kTopUsage;
    return 2;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  try {
    if (command == "cluster") return cmd_cluster(args);
    if (command == "factorize") return cmd_factorize(args);
    if (command == "eval") return cmd_eval(args);
    if (command == "knn") return cmd_knn(args);
    if (command == "transform") return cmd_transform(args);
    if (command == "graph") return cmd_graph(args);
    if (command == "version" || command == "--version") {
      std::cout << "dnmf " << kVersion << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kTopUsage;
      return 0;
    }
    throw UsageError("unknown command '" + command +
                     "' (commands: cluster, factorize, eval, knn, graph, version)");
  } catch (const UsageError& e) {
    std::cerr << "dnmf: " << e.what() << "\n";
    return 2;
  } catch (const dnmf::InputError& e) {
    std::cerr << "dnmf: error: " << e.what() << "\n";
    return 2;
  } catch (const dnmf::InvalidOption& e) {
    std::cerr << "dnmf: error: " << e.what() << "\n";
    return 2;
  } catch (const dnmf::Error& e) {
    std::cerr << "dnmf: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "dnmf: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dnmf: internal error: " << e.what() << "\n";
    return 1;
  }
}
