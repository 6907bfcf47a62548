// Benchmark: sparse × dense products S·M (S: random n-node graph, ~10 stored entries
// per row; M: n×k) with our OpenMP CSR kernel (dnmf::csr_times_dense) against
// GraphBLAS GrB_mxm with a full M. Prints a table; run on demand:
//   build/bench/bench_spmm [threads=2] [repetitions=5]
// Times are medians over the repetitions. GraphBLAS variants:
//   grb-row  C = S·M, M held full by row (a fresh C per call)
//   grb-col  C = S·M, M held full by column
//   grb-acc  C = 0 (iso, O(1)), then C += S·M: a full C takes GraphBLAS's saxpy path for full outputs
// A caller holding Eigen (column-major) matrices also pays "M->grb" (M into a full
// by-row GraphBLAS matrix) and "C->Eigen" (the by-row result back), both O(n·k);
// "e2e/ours" compares that end-to-end cost of the best variant with our kernel.
// Our kernel's time already includes its two O(n·k) transposed copies (Mᵀ in, Cᵀ
// out); "2xtransp" times two such copies to show that share.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/graphblas.hpp"
#include "dnmf/linalg/products.hpp"

namespace grb = dnmf::grb;

namespace {

/// n×n with `per_row` uniformly random columns per row (duplicates summed), values in [0, 1).
dnmf::Csr random_graph(dnmf::Index n, int per_row, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  std::vector<dnmf::Triplet> t;
  t.reserve(static_cast<size_t>(n) * per_row);
  for (dnmf::Index i = 0; i < n; ++i)
    for (int e = 0; e < per_row; ++e)
      t.push_back({i, static_cast<dnmf::Index>(rng.below(static_cast<std::uint64_t>(n))), rng.uniform()});
  return dnmf::Csr::from_triplets(n, n, std::move(t));
}

/// Median wall time of `repetitions` runs of f, in milliseconds.
double median_ms(int repetitions, const std::function<void()>& f) {
  std::vector<double> ms;
  for (int r = 0; r < repetitions; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    ms.push_back(1e3 * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::nth_element(ms.begin(), ms.begin() + static_cast<long>(ms.size() / 2), ms.end());
  return ms[ms.size() / 2];
}

double relative_difference(const dnmf::Dense& a, const dnmf::Dense& b) {
  return (a - b).norm() / b.norm();
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const int repetitions = argc > 2 ? std::atoi(argv[2]) : 5;
  omp_set_num_threads(threads);
  grb::set_threads(threads);
  std::printf(
      "S·M, S random graph with ~10 entries/row, M n×k; %d threads (OpenMP and GraphBLAS), median of %d\n",
      threads, repetitions);
  std::printf("%9s %4s %10s | %8s %9s | %8s %8s %8s | %8s %8s | %8s %8s | %9s\n", "n", "k", "nnz(S)",
              "ours ms", "2xtransp", "grb-row", "grb-col", "grb-acc", "M->grb", "C->Eigen", "grb/ours",
              "e2e/ours", "max rdiff");
  for (dnmf::Index n : {100000, 1000000}) {
    const dnmf::Csr S = random_graph(n, 10, 1);
    const grb::Matrix gS = grb::from_csr(S);
    for (int k : {10, 64}) {
      dnmf::Rng rng(2);
      const dnmf::Dense M = rng.uniform_matrix(n, k);
      dnmf::Dense ours;
      const double t_ours = median_ms(repetitions, [&] { dnmf::csr_times_dense(S, M, ours); });

      const grb::Matrix gM_row = grb::from_dense(M, grb::Layout::by_row);
      const grb::Matrix gM_col = grb::from_dense(M, grb::Layout::by_col);
      grb::Matrix c_row, c_col, c_acc;
      const double t_row = median_ms(repetitions, [&] {
        c_row = grb::mxm(gS, gM_row, grb::Semiring::plus_times);
        grb::wait(c_row);
      });
      const double t_col = median_ms(repetitions, [&] {
        c_col = grb::mxm(gS, gM_col, grb::Semiring::plus_times);
        grb::wait(c_col);
      });
      const double t_acc = median_ms(repetitions, [&] {
        c_acc = grb::constant(n, k, 0.0);
        grb::mxm(c_acc, gS, gM_row, grb::Semiring::plus_times, {.accumulate = true});
        grb::wait(c_acc);
      });
      dnmf::Dense Mt;
      const double t_transpose = 2 * median_ms(repetitions, [&] { Mt = M.transpose(); });
      const double t_in = median_ms(repetitions, [&] { grb::wait(grb::from_dense(M, grb::Layout::by_row)); });
      dnmf::Dense back;
      const double t_out = median_ms(repetitions, [&] { back = grb::to_dense(c_row); });
      const double diff =
          std::max({relative_difference(back, ours), relative_difference(grb::to_dense(c_col), ours),
                    relative_difference(grb::to_dense(c_acc), ours)});
      const double best = std::min({t_row, t_col, t_acc});
      std::printf("%9lld %4d %10lld | %8.1f %9.1f | %8.1f %8.1f %8.1f | %8.1f %8.1f | %8.2f %8.2f | %9.1e\n",
                  static_cast<long long>(n), k, static_cast<long long>(S.nnz()), t_ours, t_transpose, t_row,
                  t_col, t_acc, t_in, t_out, best / t_ours, (best + t_in + t_out) / t_ours, diff);
    }
  }
  return 0;
}
