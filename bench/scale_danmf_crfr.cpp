// Scale benchmark for danmf-crfr (layers 256-128-64) and, with --model dn2mfgl, Dn2MFGL
// (reference defaults): n = 10k, 20k, 40k, 70k samples of MNIST (or synthetic d = 784
// data when MNIST is absent). Each size runs in a child
// process so its peak RSS is its own. Prints a table; run on demand:
//   build/bench/bench_scale_danmf_crfr [--datasets DIR] [--iter N] [--pretrain-iter N] [--full]
// Default: 20 fine-tuning iterations per size (time per iteration is what scales);
// --full additionally runs the complete 70k job (kNN, pre-training, 1000 fine-tuning
// iterations, k-means) and reports its wall time and NMI.
#include <omp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "dnmf/core/rng.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// The first n rows of X (CSR; MNIST's rows are not sorted by class), moved out of X.
dnmf::Csr head_rows(dnmf::Csr X, dnmf::Index n) {
  if (n == X.rows()) return X;
  std::vector<dnmf::Csr::Offset> rp(X.row_ptr().begin(), X.row_ptr().begin() + n + 1);
  const auto end = static_cast<std::ptrdiff_t>(rp.back());
  std::vector<dnmf::Csr::ColIndex> ci(X.col_idx().begin(), X.col_idx().begin() + end);
  std::vector<double> v(X.values().begin(), X.values().begin() + end);
  const dnmf::Index cols = X.cols();
  X = dnmf::Csr();  // release the full matrix before the fit
  return dnmf::Csr(n, cols, std::move(rp), std::move(ci), std::move(v));
}

dnmf::Csr synthetic(dnmf::Index n) {  // ~19 % dense like MNIST, values in [0, 1)
  dnmf::Rng rng(7);
  std::vector<dnmf::Triplet> t;
  for (dnmf::Index i = 0; i < n; ++i)
    for (dnmf::Index j = 0; j < 784; ++j)
      if (rng.uniform() < 0.19) t.push_back({i, j, rng.uniform()});
  return dnmf::Csr::from_triplets(n, 784, std::move(t));
}

struct Line {
  double graph = 0, pretrain = 0, per_iteration = 0, total = 0, peak_mb = 0, nmi = -1;
  int iterations = 0;
};

Line run(const dnmf::DataMatrix& X, const std::vector<int>& truth, int pretrain, int iterations, bool dn2) {
  const auto start = Clock::now();
  // Through the model registry (as `dnmf cluster`): danmf-crfr with layers 256-128-64 and
  // its default λ's; dn2mfgl with the reference weights α = β = ν = 1 (layers 150-10, K = 5
  // binary graph). main() scaled X already; the rows of H are scaled to sum 1 for danmf-crfr.
  const dnmf::ModelSpec& spec = dnmf::find_model(dn2 ? "dn2mfgl" : "danmf-crfr", dnmf::InputKind::data);
  dnmf::OptionValues v = spec.defaults();
  if (!dn2) v.set("layers", std::vector<std::int64_t>{256, 128, 64});
  if (dn2)
    for (const char* w : {"alpha", "beta", "nu"}) v.set(w, 1.0);
  v.set("pretrain-iter", std::int64_t{pretrain});
  v.set("iter", std::int64_t{iterations});
  v.set("normalize", std::string("none"));
  v.set("kmeans-normalize", std::string(dn2 ? "none" : "l1"));
  // Wall-clock marks from the progress callback: start of the fit proper (after the
  // graph), first and last fine-tuning iterations.
  Clock::time_point first_fine{}, last_fine{}, fit_start = Clock::now();
  bool fit_started = false;
  const auto callback = [&](const dnmf::IterationInfo& info) {
    if (!fit_started)
      fit_start = Clock::now() - std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(info.elapsed_seconds));
    fit_started = true;
    if (info.stage == "fine-tune") {
      if (info.iteration == 1) first_fine = Clock::now();
      last_fine = Clock::now();
    }
    return true;
  };
  Line line;
  dnmf::DataMatrix data = X;
  dnmf::FitInput input;
  input.data = &data;
  input.n_clusters = 10;
  const dnmf::FitResult fit = dnmf::fit_model(spec, input, v, callback);
  line.graph = std::get<double>(fit.extras.at("graph_seconds"));
  line.iterations = fit.iterations;
  // Time per fine-tuning iteration, excluding the first (it includes the setup).
  line.per_iteration =
      iterations > 1 ? std::chrono::duration<double>(last_fine - first_fine).count() / (iterations - 1) : 0;
  line.pretrain = std::chrono::duration<double>(first_fine - fit_start).count();
  if (!truth.empty()) {
    const auto labels = dnmf::assign_labels(fit, v, 10).labels;
    line.nmi = dnmf::evaluate(truth, labels).nmi;
  }
  line.total = since(start);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  line.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return line;
}

/// "10000,70000" → {10000, 70000}; exits on anything else.
std::vector<dnmf::Index> parse_sizes(const char* text) {
  std::vector<dnmf::Index> sizes;
  const char* p = text;
  while (*p) {
    char* end = nullptr;
    const long long v = std::strtoll(p, &end, 10);
    if (end == p || v < 100 || v > 70000 || (*end && *end != ',')) {
      std::fprintf(stderr, "--sizes: expected comma-separated sample counts in [100, 70000], got '%s'\n",
                   text);
      std::exit(2);
    }
    sizes.push_back(static_cast<dnmf::Index>(v));
    p = *end ? end + 1 : end;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = "../shared/datasets";
  int iterations = 20, pretrain = 5;
  bool full = false, dn2 = false;
  std::vector<dnmf::Index> sizes{10000, 20000, 40000, 70000};
  for (int a = 1; a < argc; ++a) {
    if (!std::strcmp(argv[a], "--datasets") && a + 1 < argc)
      datasets = argv[++a];
    else if (!std::strcmp(argv[a], "--iter") && a + 1 < argc)
      iterations = std::atoi(argv[++a]);
    else if (!std::strcmp(argv[a], "--pretrain-iter") && a + 1 < argc)
      pretrain = std::atoi(argv[++a]);
    else if (!std::strcmp(argv[a], "--sizes") && a + 1 < argc)
      sizes = parse_sizes(argv[++a]);
    else if (!std::strcmp(argv[a], "--model") && a + 1 < argc)
      dn2 = !std::strcmp(argv[++a], "dn2mfgl");
    else if (!std::strcmp(argv[a], "--full"))
      full = true;
    else {
      std::fprintf(stderr,
                   "usage: bench_scale_danmf_crfr [--datasets DIR] [--iter N] [--pretrain-iter N] [--sizes "
                   "N1,N2,..] [--full]\n");
      return 2;
    }
  }
  const std::string mnist = datasets + "/mnist_70k/X.mtx.gz";
  const bool have_mnist = std::filesystem::exists(mnist);
  std::printf("%s, %s, %s, %d threads; %d pre-training its/layer, %d fine-tuning its\n",
              dn2 ? "dn2mfgl" : "danmf-crfr", dn2 ? "layers 150-10, l2-samples" : "layers 256-128-64",
              have_mnist ? "MNIST rows" : "synthetic d = 784 data", omp_get_max_threads(), pretrain,
              iterations);
  std::printf("%8s %10s %9s %11s %14s %9s %9s\n", "n", "nnz", "graph s", "pre+setup s", "s/iteration",
              "total s", "peak MB");
  struct Job {
    dnmf::Index n;
    int pretrain, iterations;
  };
  std::vector<Job> jobs;
  for (dnmf::Index n : sizes) jobs.push_back({n, pretrain, iterations});
  if (full) jobs.push_back(dn2 ? Job{70000, 100, 100} : Job{70000, 30, 1000});
  for (const Job& job : jobs) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      dnmf::Csr all = have_mnist ? dnmf::io::read_matrix_market(mnist) : synthetic(job.n);
      dnmf::DataMatrix X(head_rows(std::move(all), job.n));
      std::vector<int> truth;
      if (have_mnist && job.iterations >= (dn2 ? 100 : 1000) && job.n == 70000 && full) {
        truth = dnmf::io::read_labels(datasets + "/mnist_70k/labels.txt");
        truth.resize(static_cast<size_t>(job.n));
      }
      X.require_nonnegative("bench");
      X.normalize(dn2 ? dnmf::Normalization::l2_samples : dnmf::Normalization::max);
      const Line l = run(X, truth, job.pretrain, job.iterations, dn2);
      std::printf("%8lld %10lld %9.1f %11.1f %14.3f %9.1f %9.0f", static_cast<long long>(job.n),
                  static_cast<long long>(X.stored_entries()), l.graph, l.pretrain, l.per_iteration, l.total,
                  l.peak_mb);
      if (l.nmi >= 0)
        std::printf("   full job: %d pre-training its/layer + %d its, NMI %.3f", job.pretrain, l.iterations,
                    l.nmi);
      std::printf("\n");
      std::fflush(stdout);
      _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      std::printf("%8lld  failed\n", static_cast<long long>(job.n));
  }
  return 0;
}
