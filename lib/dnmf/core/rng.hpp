// Seeded random numbers with results that depend only on the seed.
#pragma once

#include <cstdint>
#include <random>

#include "dnmf/core/types.hpp"

namespace dnmf {

/// std::mt19937_64's output sequence is fixed by the C++ standard; the
/// conversions below are ours (std::*_distribution may differ between standard
/// libraries), so a seed gives the same numbers everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /// Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  /// Uniform integer in [0, n), n > 0 (rejection sampling, no modulo bias).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x;
    do {
      x = engine_();
    } while (x >= limit);
    return x % n;
  }

  std::uint64_t next() { return engine_(); }

  /// Standard normal draw (Box-Muller; one value per call for simplicity).
  double normal();

  /// rows x cols matrix with entries uniform in [0, scale).
  Dense uniform_matrix(Index rows, Index cols, double scale = 1.0);

 private:
  std::mt19937_64 engine_;
};

}  // namespace dnmf
