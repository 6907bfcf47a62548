// Benchmark helper: plain NMF from given initial factors, so that another tool can be run
// from the very same start (bench/kl_peers.py drives it beside scikit-learn). Prints one
// JSON object: the loss, iterations, seconds per iteration and the objective trace.
//   build/bench/bench_nmf_start X.mtx W0.npy H0.npy [kl|frobenius|is|beta] [iterations=100]
// W0 is d×k and H0 n×k (X ≈ H Wᵀ, rows of X are samples), both dense .npy (float64).
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "dnmf/io/data_file.hpp"
#include "dnmf/models/nmf.hpp"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s X W0.npy H0.npy [kl|frobenius|is|beta] [iterations]\n", argv[0]);
    return 2;
  }
  try {
    dnmf::io::DataReadOptions sparse, dense;
    sparse.storage = dnmf::io::Storage::sparse;
    dense.storage = dnmf::io::Storage::dense;
    const dnmf::DataMatrix X = dnmf::io::read_data(argv[1], sparse);
    dnmf::Dense W = *dnmf::io::read_data(argv[2], dense).dense();
    dnmf::Dense H = *dnmf::io::read_data(argv[3], dense).dense();
    dnmf::NmfOptions opt;
    opt.loss = dnmf::parse_nmf_loss(argc > 4 ? argv[4] : "kl");
    opt.max_iterations = argc > 5 ? std::atoi(argv[5]) : 100;
    opt.tolerance = 0.0;
    opt.rank = static_cast<int>(W.cols());
    const auto start = std::chrono::steady_clock::now();
    const dnmf::NmfResult r = dnmf::fit_nmf(X, opt, std::move(W), std::move(H));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "{\"loss\": \"%s\", \"threads\": %d, \"iterations\": %d, \"seconds\": %.6f, "
        "\"seconds_per_iteration\": %.6f, \"objective\": [",
        dnmf::to_string(opt.loss), omp_get_max_threads(), r.iterations, s, s / r.iterations);
    for (size_t i = 0; i < r.objective.size(); ++i) std::printf("%s%.17g", i ? ", " : "", r.objective[i]);
    std::printf("]}\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_nmf_start: %s\n", e.what());
    return 2;
  }
  return 0;
}
