// Progress reporting: the library never prints; callers receive IterationInfo.
#pragma once

#include <functional>
#include <string>

namespace dnmf {

struct IterationInfo {
  std::string stage;           ///< e.g. "nmf", "pretrain layer 2", "fine-tune", "kmeans"
  int iteration = 0;           ///< 1-based iteration within the stage
  int max_iterations = 0;      ///< iteration budget of the stage
  double objective = 0.0;      ///< objective after this iteration
  double elapsed_seconds = 0;  ///< since the fit started
  /// Share of the whole job's iteration budget done after this iteration (0–1, all
  /// stages and restarts): the progress line's whole-job ETA. Stages that stop early
  /// by their tolerance make the ETA an upper bound.
  double job_done = 0.0;
};

/// Return false to stop the fit early (the result's status says so).
using Progress = std::function<bool(const IterationInfo&)>;

/// How an iterative fit ended. Reaching the budget is a status, not an error.
enum class Status { not_run, converged, max_iterations, stopped_by_callback };

const char* to_string(Status s);

}  // namespace dnmf
