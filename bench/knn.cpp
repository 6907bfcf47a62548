// Benchmark: time and peak memory of the p-NN heat-kernel graph (exact kNN search +
// weights + max-symmetrisation) for random points and, if present, MNIST-70k.
// Each configuration runs in a forked child, so its peak resident memory is its own.
// Prints a table; run on demand:
//   build/bench/bench_knn [--datasets DIR] [--max-gflop G] [--quick]
// --max-gflop skips configurations whose estimated work exceeds G·10⁹ operations
// (default 400: no row takes more than a few minutes on 2 cores).
#include <omp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "dnmf/core/rng.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace {

struct Config {
  std::string data;  ///< "random" or a path
  dnmf::Index n, d;
  dnmf::KnnMethod method;
};

dnmf::DataMatrix random_points(dnmf::Index n, dnmf::Index d) {
  dnmf::Rng rng(7);
  dnmf::Dense x(n, d);
  for (dnmf::Index j = 0; j < d; ++j)
    for (dnmf::Index i = 0; i < n; ++i) x(i, j) = rng.uniform();
  return dnmf::DataMatrix(std::move(x));
}

/// Rough cost of one search in 10⁹ operations, calibrated so that ~1 unit takes ~1 s on
/// one core: brute force does n²·d/2 multiply-adds at GEMM speed plus n² candidate
/// offers; a KD-tree does ~n·p·log n·d work at d <= 8 and degenerates to a scalar
/// scan of most points (~n²·d, worse for large d) on uniform data beyond that.
double estimated_gflop(dnmf::Index n, dnmf::Index d, dnmf::KnnMethod m) {
  const double nn = static_cast<double>(n), dd = static_cast<double>(d);
  if (m == dnmf::KnnMethod::brute_force) return nn * nn * (dd / 2 + 8) / 1e9 / 10;
  if (d <= 8) return nn * std::log2(nn) * 12 * dd * 4 / 1e9;
  return nn * nn * dd * (d > 32 ? 4 : 1) / 1e9;
}

void run_child(const Config& c, int write_fd) {
  const dnmf::DataMatrix X =
      c.data == "random" ? random_points(c.n, c.d) : dnmf::DataMatrix(dnmf::io::read_matrix_market(c.data));
  dnmf::AffinityOptions opt;
  opt.method = c.method;
  const int p = opt.resolved_neighbors(X.rows());
  const auto start = std::chrono::steady_clock::now();
  const dnmf::KnnResult neighbours = dnmf::knn(X, {p, c.method});
  const dnmf::Csr S = dnmf::affinity_from_knn(neighbours, opt);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  char line[256];
  std::snprintf(line, sizeof line, "%.2f %.0f %lld %d %d", seconds, usage.ru_maxrss / 1024.0,
                static_cast<long long>(S.nnz()), p, static_cast<int>(neighbours.method_used));
  if (write(write_fd, line, std::strlen(line)) < 0) _exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = "../shared/datasets";
  double max_gflop = 400;
  bool quick = false;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--datasets" && a + 1 < argc)
      datasets = argv[++a];
    else if (arg == "--max-gflop" && a + 1 < argc)
      max_gflop = std::atof(argv[++a]);
    else if (arg == "--quick")
      quick = true;
    else {
      std::fprintf(stderr, "usage: bench_knn [--datasets DIR] [--max-gflop G] [--quick]\n");
      return 2;
    }
  }
  std::vector<Config> configs;
  const std::vector<dnmf::Index> sizes =
      quick ? std::vector<dnmf::Index>{10000, 20000} : std::vector<dnmf::Index>{10000, 100000, 1000000};
  for (dnmf::Index d : {3, 16, 784})
    for (dnmf::Index n : sizes) {
      if (n >= 1000000 && d > 16) continue;  // the grid: 10⁶ only for d <= 16
      for (auto m : {dnmf::KnnMethod::kd_tree, dnmf::KnnMethod::brute_force})
        configs.push_back({"random", n, d, m});
      // Where the automatic choice is made by a timing probe, run it too.
      if (dnmf::choose_knn_method(n, d, false) == dnmf::KnnMethod::automatic)
        configs.push_back({"random", n, d, dnmf::KnnMethod::automatic});
    }
  const std::string mnist = datasets + "/mnist_70k/X.mtx.gz";
  if (!quick && std::filesystem::exists(mnist))
    for (auto m : {dnmf::KnnMethod::kd_tree, dnmf::KnnMethod::brute_force})
      configs.push_back({mnist, 70000, 784, m});

  std::printf("p-NN heat-kernel graph (p = floor(ln n) + 1, max-symmetrised), %d threads\n",
              omp_get_max_threads());
  std::printf("%-10s %9s %5s %4s %-18s %-5s %10s %9s %10s\n", "data", "n", "d", "p", "method", "auto",
              "seconds", "peak MB", "edges");
  for (const Config& c : configs) {
    const bool chosen = dnmf::choose_knn_method(c.n, c.d, c.data != "random") == c.method;
    const std::string name = c.data == "random" ? "random" : "mnist_70k";
    const double work = c.method == dnmf::KnnMethod::automatic
                            ? std::min(estimated_gflop(c.n, c.d, dnmf::KnnMethod::kd_tree),
                                       estimated_gflop(c.n, c.d, dnmf::KnnMethod::brute_force))
                            : estimated_gflop(c.n, c.d, c.method);
    if (work > max_gflop) {
      std::printf("%-10s %9lld %5lld %4s %-18s %-5s %10s %9s %10s  (skipped: ~%.0f Gop > --max-gflop)\n",
                  name.c_str(), static_cast<long long>(c.n), static_cast<long long>(c.d), "-",
                  dnmf::to_string(c.method), chosen ? "yes" : "", "-", "-", "-", work);
      std::fflush(stdout);
      continue;
    }
    int fds[2];
    if (pipe(fds) != 0) return 1;
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      try {
        run_child(c, fds[1]);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_knn: %s\n", e.what());
        _exit(1);
      }
      _exit(0);
    }
    close(fds[1]);
    char buffer[256] = {0};
    const ssize_t got = read(fds[0], buffer, sizeof buffer - 1);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    double seconds = 0, peak = 0;
    long long edges = 0;
    int p = 0, used = 0;
    if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        std::sscanf(buffer, "%lf %lf %lld %d %d", &seconds, &peak, &edges, &p, &used) != 5) {
      std::printf("%-10s %9lld %5lld  failed\n", name.c_str(), static_cast<long long>(c.n),
                  static_cast<long long>(c.d));
      continue;
    }
    const std::string method =
        c.method == dnmf::KnnMethod::automatic
            ? std::string("auto->") + dnmf::to_string(static_cast<dnmf::KnnMethod>(used))
            : dnmf::to_string(c.method);
    std::printf("%-10s %9lld %5lld %4d %-18s %-5s %10.2f %9.0f %10lld\n", name.c_str(),
                static_cast<long long>(c.n), static_cast<long long>(c.d), p, method.c_str(),
                chosen ? "yes" : "", seconds, peak, edges);
  }
  return 0;
}
