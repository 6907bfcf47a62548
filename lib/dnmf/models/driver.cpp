#include "dnmf/models/driver.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "dnmf/core/error.hpp"

namespace dnmf {

IterationDriver::IterationDriver(std::string stage, StopRule rule, const Progress& progress,
                                 std::vector<double>& trace)
    : stage_(std::move(stage)), rule_(rule), progress_(progress), trace_(trace), start_(Clock::now()) {}

double IterationDriver::elapsed() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

bool IterationDriver::record(int iteration, double f) {
  if (!std::isfinite(f))
    throw NumericalError("objective is NaN/Inf after iteration " + std::to_string(iteration) + " (" + stage_ +
                         ")");
  trace_.push_back(f);
  iterations_ = iteration;
  const double done = static_cast<double>(iteration) / std::max(rule_.max_iterations, 1);
  if (progress_ && !progress_({stage_, iteration, rule_.max_iterations, f, elapsed(), done})) {
    status_ = Status::stopped_by_callback;
    return false;
  }
  if (iteration == 1) first_ = f;
  bool small = false;
  if (rule_.tolerance > 0.0) {
    if (rule_.test == StopTest::decrease_so_far)
      small = iteration > 2 && previous_ - f <= rule_.tolerance * (first_ - f);
    else
      small = iteration > 1 && previous_ - f <= rule_.tolerance * std::abs(previous_);
  }
  previous_ = f;
  if (small || f == 0.0) {  // f = 0: an exact factorisation, nothing left to gain
    status_ = Status::converged;
    return false;
  }
  if (iteration >= rule_.max_iterations) {
    status_ = Status::max_iterations;
    return false;
  }
  return true;
}

std::uint64_t restart_seed(std::uint64_t seed, int restart) {
  if (restart == 0) return seed;
  // SplitMix64 finaliser of (seed, restart): nearby seeds give unrelated streams.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(restart);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (z ^ (z >> 31)) & ((std::uint64_t{1} << 53) - 1);
}

Progress job_share(const Progress& progress, double begin, double weight) {
  if (!progress) return {};
  return [&progress, begin, weight](const IterationInfo& info) {
    IterationInfo copy = info;
    copy.job_done = begin + weight * std::clamp(info.job_done, 0.0, 1.0);
    return progress(copy);
  };
}

Progress renamed_progress(const Progress& progress, std::string stage) {
  if (!progress) return {};
  return [&progress, stage = std::move(stage)](const IterationInfo& info) {
    IterationInfo copy = info;
    copy.stage = stage;
    return progress(copy);
  };
}

}  // namespace dnmf
