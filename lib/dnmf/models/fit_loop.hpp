// Pieces shared by the graph models (internal header, not installed): the adjacency
// check, and the iteration bookkeeping that records the objective after each iteration,
// reports progress, checks finiteness and decides whether to stop.
#pragma once

#include <chrono>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/progress.hpp"

namespace dnmf::detail {

class FitLoop {
 public:
  using Clock = std::chrono::steady_clock;
  FitLoop(std::vector<double>& objective, int& iterations, Status& status, int max_iterations,
          double tolerance, const Progress& progress, std::string stage)
      : objective_(objective),
        iterations_(iterations),
        status_(status),
        max_iterations_(max_iterations),
        tolerance_(tolerance),
        progress_(progress),
        stage_(std::move(stage)),
        start_(Clock::now()) {
    status_ = Status::max_iterations;
  }

  /// Records f after iteration `it`; returns false when the fit should stop.
  bool record(int it, double f) {
    if (!std::isfinite(f))
      throw NumericalError("objective is NaN/Inf after iteration " + std::to_string(it) + " (" + stage_ +
                           ")");
    objective_.push_back(f);
    iterations_ = it;
    if (progress_ && !progress_({stage_, it, max_iterations_, f, elapsed()})) {
      status_ = Status::stopped_by_callback;
      return false;
    }
    // Graph objectives stay close to ‖A‖² (a sparse adjacency is explained only in
    // small part by a rank-k model), so a decrease relative to f itself is ≈ 1e-6 already
    // on the plateau right after a random start and stopped fits of 10⁵-node graphs
    // after 2–10 iterations. The decrease is compared with the whole decrease since
    // the first iteration instead: stop when the last step gained at most `tolerance`
    // of it.
    if (it == 1) first_ = f;
    const bool small = it > 2 && tolerance_ > 0.0 && previous_ - f <= tolerance_ * (first_ - f);
    previous_ = f;
    if (small || f == 0.0) {
      status_ = Status::converged;
      return false;
    }
    return true;
  }

  double elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  std::vector<double>& objective_;
  int& iterations_;
  Status& status_;
  int max_iterations_;
  double tolerance_;
  const Progress& progress_;
  std::string stage_;
  Clock::time_point start_;
  double previous_ = 0.0;
  double first_ = 0.0;
};

/// Throws InvalidOption unless A is a square adjacency with no negative entry.
inline void require_adjacency(const Csr& A, const char* model) {
  if (A.rows() != A.cols())
    throw InvalidOption(std::string(model) + ": the adjacency must be square, got " +
                        std::to_string(A.rows()) + " x " + std::to_string(A.cols()));
  if (A.nnz() > 0 && A.min_value() < 0.0)
    throw InvalidOption(std::string(model) + ": the adjacency must be >= 0");
}

/// Wraps a progress callback so that the fits it is handed to report under `stage`.
inline Progress renamed(const Progress& progress, std::string stage) {
  if (!progress) return {};
  return [&progress, stage = std::move(stage)](const IterationInfo& info) {
    IterationInfo copy = info;
    copy.stage = stage;
    return progress(copy);
  };
}

}  // namespace dnmf::detail
