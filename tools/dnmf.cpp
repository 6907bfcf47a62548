// dnmf command-line tool: parses flags, calls the library, renders progress on
// stderr and maps exceptions to exit codes (0 ok, 2 bad usage/input, 1 internal).
// No maths lives here: anything computational belongs in lib/.
#include <omp.h>

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
#include "dnmf/io/atomic_file.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/metrics/metrics.hpp"
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
    "  eval PRED.txt TRUTH.txt    print ACC, NMI, ARI (and purity) of a labelling\n"
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

 private:
  bool quiet_;
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

/// Loads DATA as sparse or dense. "auto" keeps array files dense and converts
/// coordinate files to dense when at least a quarter of the entries are stored
/// (dense GEMM is then faster and needs at most ~3× the CSR memory).
dnmf::DataMatrix load_data(const std::string& path, const std::string& storage) {
  if (storage != "auto" && storage != "sparse" && storage != "dense")
    throw UsageError("--storage must be auto, sparse or dense (got '" + storage + "')");
  auto any = dnmf::io::read_matrix_market_any(path);
  if (auto* csr = std::get_if<dnmf::Csr>(&any)) {
    const double cells = static_cast<double>(csr->rows()) * static_cast<double>(csr->cols());
    if (storage == "dense" || (storage == "auto" && static_cast<double>(csr->nnz()) >= 0.25 * cells))
      return dnmf::DataMatrix(csr->to_dense());
    return dnmf::DataMatrix(std::move(*csr));
  }
  auto& dense = std::get<dnmf::Dense>(any);
  if (storage == "sparse") return dnmf::DataMatrix(dnmf::Csr::from_dense(dense));
  return dnmf::DataMatrix(std::move(dense));
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
    {"--iter", "", "N", "maximum iterations (default 500)"},
    {"--tol", "", "T", "stop when the relative objective decrease < T (default 1e-6; 0 = never)"},
    {"--seed", "", "S", "random seed for initialisation and k-means (default 0)"},
    {"--threads", "", "T", "OpenMP threads (default: all cores)"},
    {"--normalize", "", "HOW", "none|max|l2-samples|minmax-features (default none for nmf)"},
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

// ---------------------------------------------------------------- commands

int cmd_cluster(const std::vector<std::string>& argv) {
  std::vector<OptionSpec> specs = {
      {"--clusters", "-k", "K", "number of clusters (required)"},
      {"--model", "", "NAME", "model: nmf (default nmf)"},
      {"--rank", "", "R", "factorization rank (default K)"},
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
  if (model != "nmf") throw UsageError("unknown --model '" + model + "' (available: nmf)");
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
  X.normalize(dnmf::parse_normalization(args.get("--normalize", "none")));
  const dnmf::NmfOptions opt = nmf_options(args, rank);
  // Refuse bad options and data before any progress output: an error is one line.
  opt.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  printer.note("data: " + path + " (" + std::to_string(X.rows()) + " samples x " + std::to_string(X.cols()) +
               " features, " +
               (X.is_sparse() ? "sparse, nnz " + std::to_string(X.stored_entries()) : "dense") + ")");

  const dnmf::NmfResult fit = dnmf::fit_nmf(X, opt, printer.callback());

  dnmf::KMeansOptions km;
  km.n_clusters = static_cast<int>(k);
  km.n_init = static_cast<int>(args.get_int("--kmeans-init", km.n_init, 1, 100000));
  km.seed = opt.seed;
  const dnmf::KMeansResult clusters = dnmf::kmeans(fit.H, km);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (const auto out = args.get("--out")) dnmf::io::write_labels(*out, clusters.labels);

  std::ostringstream summary;
  dnmf::Evaluation eval;
  if (!truth.empty()) eval = dnmf::evaluate(truth, clusters.labels);
  if (args.has("--json")) {
    summary << "{\"model\": " << json_string(model) << ", \"data\": " << json_string(path)
            << ", \"n\": " << X.rows() << ", \"d\": " << X.cols() << ", \"k\": " << k
            << ", \"rank\": " << rank << ", \"iterations\": " << fit.iterations
            << ", \"status\": " << json_string(dnmf::to_string(fit.status))
            << ", \"objective\": " << json_number(fit.objective.empty() ? NAN : fit.objective.back())
            << ", \"kmeans_inertia\": " << json_number(clusters.inertia) << ", \"seed\": " << opt.seed
            << ", \"seconds\": " << json_number(seconds) << ", \"fit_seconds\": " << json_number(fit.seconds);
    if (!truth.empty())
      summary << ", \"acc\": " << json_number(eval.acc) << ", \"nmi\": " << json_number(eval.nmi)
              << ", \"ari\": " << json_number(eval.ari) << ", \"purity\": " << json_number(eval.purity);
    summary << "}\n";
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "%s: %d iterations (%s), objective %.6e, %.2fs\n", model.c_str(),
                  fit.iterations, dnmf::to_string(fit.status),
                  fit.objective.empty() ? NAN : fit.objective.back(), seconds);
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
    if (command == "version" || command == "--version") {
      std::cout << "dnmf " << kVersion << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      std::cout << kTopUsage;
      return 0;
    }
    throw UsageError("unknown command '" + command + "' (commands: cluster, factorize, eval, version)");
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
