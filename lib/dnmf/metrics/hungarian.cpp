#include "dnmf/metrics/hungarian.hpp"

#include <algorithm>
#include <limits>

namespace dnmf {

// Shortest augmenting paths with row/column potentials (the O(n³) form of the
// Kuhn–Munkres method): rows are added one at a time, and each addition runs a
// Dijkstra-like search over reduced costs, which stay nonnegative thanks to the
// potentials. Works on a square matrix; rectangular input is padded with zeros,
// which changes no optimal choice among real rows/columns.
std::vector<int> min_cost_assignment(const Dense& cost) {
  const Index rows = cost.rows(), cols = cost.cols();
  const Index n = std::max(rows, cols);
  if (n == 0) return {};
  Dense c = Dense::Zero(n, n);
  c.topLeftCorner(rows, cols) = cost;

  const double inf = std::numeric_limits<double>::infinity();
  // 1-based arrays; index 0 is a virtual column used to start each search.
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0);
  std::vector<Index> row_of_col(n + 1, 0), way(n + 1, 0);
  for (Index r = 1; r <= n; ++r) {
    row_of_col[0] = r;
    Index col0 = 0;
    std::vector<double> min_to(n + 1, inf);
    std::vector<char> used(n + 1, 0);
    do {
      used[col0] = 1;
      const Index r0 = row_of_col[col0];
      double delta = inf;
      Index col1 = 0;
      for (Index j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double reduced = c(r0 - 1, j - 1) - u[r0] - v[j];
        if (reduced < min_to[j]) {
          min_to[j] = reduced;
          way[j] = col0;
        }
        if (min_to[j] < delta) {
          delta = min_to[j];
          col1 = j;
        }
      }
      for (Index j = 0; j <= n; ++j) {
        if (used[j]) {
          u[row_of_col[j]] += delta;
          v[j] -= delta;
        } else {
          min_to[j] -= delta;
        }
      }
      col0 = col1;
    } while (row_of_col[col0] != 0);
    // Flip the alternating path back to the start.
    do {
      const Index col1 = way[col0];
      row_of_col[col0] = row_of_col[col1];
      col0 = col1;
    } while (col0 != 0);
  }
  std::vector<int> assignment(static_cast<size_t>(rows), -1);
  for (Index j = 1; j <= n; ++j) {
    const Index r = row_of_col[j] - 1;
    if (r < rows && j - 1 < cols) assignment[static_cast<size_t>(r)] = static_cast<int>(j - 1);
  }
  return assignment;
}

}  // namespace dnmf
