// Scale benchmark for danmf-crfr: n = 10k, 20k, 40k, 70k samples of MNIST (or synthetic
// d = 784 data when MNIST is absent), layers 256-128-64. Each size runs in a child
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

#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/danmf.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// The first n rows of X (CSR) — MNIST's rows are in random order of classes.
dnmf::DataMatrix head_rows(const dnmf::Csr& X, dnmf::Index n) {
  std::vector<dnmf::Triplet> t;
  for (dnmf::Index i = 0; i < n; ++i)
    for (auto p = X.row_ptr()[i]; p < X.row_ptr()[i + 1]; ++p)
      t.push_back({i, X.col_idx()[p], X.values()[p]});
  return dnmf::DataMatrix(dnmf::Csr::from_triplets(n, X.cols(), std::move(t)));
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

Line run(const dnmf::DataMatrix& X, const std::vector<int>& truth, int pretrain, int iterations) {
  const auto start = Clock::now();
  dnmf::DanmfOptions o;
  o.chain.layers = {256, 128, 64};
  o.chain.pretrain_iterations = pretrain;
  o.chain.max_iterations = iterations;
  o.chain.w_exponent = o.default_w_exponent();
  double fine_start = -1;
  const auto r = dnmf::fit_danmf(X, o, [&](const dnmf::IterationInfo& info) {
    if (info.stage == "fine-tune" && info.iteration == 1) fine_start = info.elapsed_seconds;
    return true;
  });
  Line line;
  line.graph = r.graph_seconds;
  line.iterations = r.fit.iterations;
  // Fine-tuning time per iteration, excluding the first (it includes the setup).
  const double fine = r.fit.seconds - fine_start;
  line.pretrain = fine_start;
  line.per_iteration = iterations > 1 ? fine / (iterations - 1) : fine;
  if (!truth.empty()) {
    dnmf::KMeansOptions km;
    km.n_clusters = 10;
    const auto labels = dnmf::kmeans(dnmf::normalize_rows_l1(r.fit.H), km).labels;
    line.nmi = dnmf::evaluate(truth, labels).nmi;
  }
  line.total = since(start);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  line.peak_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = "../shared/datasets";
  int iterations = 20, pretrain = 5;
  bool full = false;
  for (int a = 1; a < argc; ++a) {
    if (!std::strcmp(argv[a], "--datasets") && a + 1 < argc)
      datasets = argv[++a];
    else if (!std::strcmp(argv[a], "--iter") && a + 1 < argc)
      iterations = std::atoi(argv[++a]);
    else if (!std::strcmp(argv[a], "--pretrain-iter") && a + 1 < argc)
      pretrain = std::atoi(argv[++a]);
    else if (!std::strcmp(argv[a], "--full"))
      full = true;
    else {
      std::fprintf(
          stderr, "usage: bench_scale_danmf_crfr [--datasets DIR] [--iter N] [--pretrain-iter N] [--full]\n");
      return 2;
    }
  }
  const std::string mnist = datasets + "/mnist_70k/X.mtx.gz";
  const bool have_mnist = std::filesystem::exists(mnist);
  std::printf(
      "danmf-crfr, layers 256-128-64, %s, %d threads; %d pre-training its/layer, %d fine-tuning its\n",
      have_mnist ? "MNIST rows" : "synthetic d = 784 data", omp_get_max_threads(), pretrain, iterations);
  std::printf("%8s %10s %9s %11s %14s %9s %9s\n", "n", "nnz", "graph s", "pretrain s", "s/iteration",
              "total s", "peak MB");
  struct Job {
    dnmf::Index n;
    int pretrain, iterations;
  };
  std::vector<Job> jobs;
  for (dnmf::Index n : {10000, 20000, 40000, 70000}) jobs.push_back({n, pretrain, iterations});
  if (full) jobs.push_back({70000, 30, 1000});
  for (const Job& job : jobs) {
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      const dnmf::Csr all =
          have_mnist ? dnmf::io::read_data(mnist, dnmf::io::Storage::sparse).sparse()[0] : synthetic(job.n);
      const dnmf::DataMatrix X = head_rows(all, job.n);
      std::vector<int> truth;
      if (have_mnist && job.iterations >= 1000) {
        truth = dnmf::io::read_labels(datasets + "/mnist_70k/labels.txt");
        truth.resize(static_cast<size_t>(job.n));
      }
      X.require_nonnegative("bench");
      dnmf::DataMatrix scaled = X;
      scaled.normalize(dnmf::Normalization::max);
      const Line l = run(scaled, truth, job.pretrain, job.iterations);
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
