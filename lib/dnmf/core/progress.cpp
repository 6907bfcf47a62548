#include "dnmf/core/progress.hpp"

namespace dnmf {

const char* to_string(Status s) {
  switch (s) {
    case Status::not_run:
      return "not_run";
    case Status::converged:
      return "converged";
    case Status::max_iterations:
      return "max_iterations";
    case Status::stopped_by_callback:
      return "stopped_by_callback";
  }
  return "unknown";
}

}  // namespace dnmf
