// The one iteration loop bookkeeping every model uses: the stop rule (one meaning of
// --tol and --iter for all models, docs/models.md §1.2), the objective trace, the
// NaN/Inf check and the progress / interrupt callback. A model's fit supplies the
// sweep; the driver decides after each sweep whether to go on. Restarts are run once
// for every model by fit_model (models/registry.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "dnmf/core/progress.hpp"

namespace dnmf {

/// When an iterative fit stops (docs/models.md §1.2).
enum class StopTest {
  /// The fine-tuning / main-loop rule of every model (--tol): after iteration t ≥ 3,
  /// stop when f_{t−1} − f_t ≤ tol · (f_1 − f_t), i.e. the last iteration gained at most
  /// tol of what the fit has gained since its first iteration. Scale-free, and robust
  /// where f stays close to a large constant (graph objectives near ‖A‖²).
  decrease_so_far,
  /// The layer pre-training rule of the references (--pretrain-tol): after iteration
  /// t ≥ 2, stop when f_{t−1} − f_t ≤ tol · |f_{t−1}|.
  relative_to_previous,
};

struct StopRule {
  int max_iterations = 0;  ///< --iter: sweeps at most (0: none, the fit returns its start)
  double tolerance = 0.0;  ///< 0 = always run max_iterations
  StopTest test = StopTest::decrease_so_far;
};

/// Records the objective after each iteration and decides whether to continue.
class IterationDriver {
 public:
  using Clock = std::chrono::steady_clock;
  /// `stage` names the fit in progress reports and errors ("nmf", "pretrain layer 2/3").
  IterationDriver(std::string stage, StopRule rule, const Progress& progress, std::vector<double>& trace);

  /// Records f after iteration `iteration` (1-based). Returns false when the fit should
  /// stop (converged, f = 0, budget reached or the callback asked to stop); status()
  /// says which. Throws NumericalError naming the stage and iteration if f is NaN/Inf.
  bool record(int iteration, double f);

  Status status() const { return status_; }
  int iterations() const { return iterations_; }
  double elapsed() const;
  const std::string& stage() const { return stage_; }

 private:
  std::string stage_;
  StopRule rule_;
  const Progress& progress_;
  std::vector<double>& trace_;
  Status status_ = Status::max_iterations;
  int iterations_ = 0;
  double first_ = 0.0, previous_ = 0.0;
  Clock::time_point start_;
};

/// Seed of restart r of a fit seeded with `seed`: r = 0 gives `seed` itself (one start is
/// the plain fit), later restarts a well-mixed function of (seed, r).
std::uint64_t restart_seed(std::uint64_t seed, int restart);

/// Wraps a progress callback for one stage of a job that takes the share [begin,
/// begin + weight) of the job's budget: the stage's own fraction done is mapped into it
/// (IterationInfo::job_done). The returned callback refers to `progress`, which must
/// outlive it.
Progress job_share(const Progress& progress, double begin, double weight);

/// Wraps a progress callback so that the fits it is handed to report under `stage`.
Progress renamed_progress(const Progress& progress, std::string stage);

}  // namespace dnmf
