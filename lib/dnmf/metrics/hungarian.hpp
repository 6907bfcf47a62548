// Minimum-cost assignment (Hungarian / Kuhn-Munkres, O(n^3)).
#pragma once

#include <vector>

#include "dnmf/core/types.hpp"

namespace dnmf {

/// For a rows x cols cost matrix (rows <= cols or rows > cols both allowed) returns,
/// for each row, the assigned column or -1 when rows > cols and the row is left out.
/// The assignment minimises the total cost over all maximum matchings.
/// Throws InputError if an entry is NaN or infinite. O(max(rows, cols)³) time.
std::vector<int> min_cost_assignment(const Dense& cost);

}  // namespace dnmf
