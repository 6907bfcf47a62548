// Benchmark: time per plain-NMF iteration as n doubles (sparse and dense X), to show
// the O(nnz·k + (n+d)·k²) cost scaling linearly in n. Prints a table; run on demand:
//   build/bench/bench_nmf_scale [k=20] [iterations=20]
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/nmf.hpp"

namespace {

/// n×d random sparse nonnegative matrix with `per_row` entries per row.
dnmf::Csr random_sparse(dnmf::Index n, dnmf::Index d, int per_row, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  std::vector<dnmf::Triplet> t;
  t.reserve(static_cast<size_t>(n) * per_row);
  for (dnmf::Index i = 0; i < n; ++i)
    for (int e = 0; e < per_row; ++e)
      t.push_back({i, static_cast<dnmf::Index>(rng.below(static_cast<std::uint64_t>(d))), rng.uniform()});
  return dnmf::Csr::from_triplets(n, d, std::move(t));
}

double seconds_per_iteration(const dnmf::DataMatrix& X, int k, int iterations) {
  dnmf::NmfOptions opt;
  opt.rank = k;
  opt.max_iterations = iterations;
  opt.tolerance = 0.0;
  const auto start = std::chrono::steady_clock::now();
  const auto fit = dnmf::fit_nmf(X, opt);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s / fit.iterations;
}

}  // namespace

int main(int argc, char** argv) {
  const int k = argc > 1 ? std::atoi(argv[1]) : 20;
  const int iterations = argc > 2 ? std::atoi(argv[2]) : 20;
  std::printf("plain NMF, k = %d, %d iterations, %d threads\n", k, iterations, omp_get_max_threads());
  std::printf("%-8s %10s %8s %12s %14s %10s\n", "storage", "n", "d", "nnz", "ms/iteration", "ratio");
  const dnmf::Index d_sparse = 10000;
  double previous = 0;
  for (dnmf::Index n = 25000; n <= 400000; n *= 2) {
    const dnmf::DataMatrix X(random_sparse(n, d_sparse, 50, 1));
    const double s = seconds_per_iteration(X, k, iterations);
    std::printf("%-8s %10lld %8lld %12lld %14.2f %10s\n", "sparse", static_cast<long long>(n),
                static_cast<long long>(d_sparse), static_cast<long long>(X.stored_entries()), 1e3 * s,
                previous > 0 ? std::to_string(s / previous).substr(0, 4).c_str() : "-");
    previous = s;
  }
  previous = 0;
  const dnmf::Index d_dense = 784;
  for (dnmf::Index n = 5000; n <= 80000; n *= 2) {
    dnmf::Rng rng(2);
    const dnmf::DataMatrix X(rng.uniform_matrix(n, d_dense));
    const double s = seconds_per_iteration(X, k, iterations);
    std::printf("%-8s %10lld %8lld %12lld %14.2f %10s\n", "dense", static_cast<long long>(n),
                static_cast<long long>(d_dense), static_cast<long long>(X.stored_entries()), 1e3 * s,
                previous > 0 ? std::to_string(s / previous).substr(0, 4).c_str() : "-");
    previous = s;
  }
  return 0;
}
