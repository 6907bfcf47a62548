// Minimum-cost assignment by successive shortest augmenting paths with potentials
// (the Jonker–Volgenant form of the Hungarian method).
//
// Invariant: with row potentials u and column potentials v, every reduced cost
// r(i,j) = a(i,j) − u_i − v_j is >= 0 for the rows already matched and is 0 on the
// matched edges. Each new row s starts a Dijkstra search over columns (row → column
// costs r; column → its matched row costs 0, since that edge is tight), which is
// valid because r >= 0. The first free column reached ends a shortest augmenting
// path; the potentials are shifted by the distances found so that r stays >= 0 and
// the new matched edges are tight, and the path is flipped. A matching built this
// way, with nonnegative reduced costs and tight matched edges, is optimal (LP duality).
//
// Cost: n rows × one O(n²) dense Dijkstra = O(n³) time, O(n²) memory for the padded
// copy, n = max(rows, cols).
#include "dnmf/metrics/hungarian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dnmf/core/error.hpp"

namespace dnmf {

std::vector<int> min_cost_assignment(const Dense& cost) {
  const Index rows = cost.rows(), cols = cost.cols();
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i)
      if (!std::isfinite(cost(i, j)))
        throw InputError("min_cost_assignment: cost(" + std::to_string(i) + ", " + std::to_string(j) +
                         ") = " + std::to_string(cost(i, j)) + " is not finite");
  const Index n = std::max(rows, cols);
  // Square, row-major, zero-padded copy. The padding is a constant (0) per dummy row
  // or column, so it adds the same amount to every maximum matching among the real
  // rows/columns and never changes which one is cheapest; the search scans a row at a
  // time, hence row-major.
  std::vector<double> a(static_cast<size_t>(n * n), 0.0);
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j) a[static_cast<size_t>(i * n + j)] = cost(i, j);
  auto at = [&](Index i, Index j) { return a[static_cast<size_t>(i * n + j)]; };

  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(static_cast<size_t>(n), 0.0), v(static_cast<size_t>(n), 0.0);
  std::vector<Index> row_of_col(static_cast<size_t>(n), -1), col_of_row(static_cast<size_t>(n), -1);
  // Per-search scratch, reused: tentative distance to each column, the row it was
  // reached from, whether it is final, and the final columns in order.
  std::vector<double> dist(static_cast<size_t>(n));
  std::vector<Index> from_row(static_cast<size_t>(n));
  std::vector<char> done(static_cast<size_t>(n));
  std::vector<Index> scanned;
  scanned.reserve(static_cast<size_t>(n));

  for (Index s = 0; s < n; ++s) {
    // s is unmatched, so u_s is free: choose it so that s's cheapest reduced cost is 0
    // (needed because costs may be negative, e.g. ACC passes −counts). O(n).
    double us = inf;
    for (Index j = 0; j < n; ++j) us = std::min(us, at(s, j) - v[static_cast<size_t>(j)]);
    u[static_cast<size_t>(s)] = us;
    for (Index j = 0; j < n; ++j) {
      dist[static_cast<size_t>(j)] = at(s, j) - us - v[static_cast<size_t>(j)];
      from_row[static_cast<size_t>(j)] = s;
      done[static_cast<size_t>(j)] = 0;
    }
    scanned.clear();
    Index free_col = -1;
    double delta = 0;
    while (free_col < 0) {
      // Closest column not yet final (lowest index on ties, for determinism).
      Index next = -1;
      delta = inf;
      for (Index j = 0; j < n; ++j)
        if (!done[static_cast<size_t>(j)] && dist[static_cast<size_t>(j)] < delta)
          delta = dist[static_cast<size_t>(j)], next = j;
      done[static_cast<size_t>(next)] = 1;
      const Index owner = row_of_col[static_cast<size_t>(next)];
      if (owner < 0) {
        free_col = next;  // a shortest augmenting path ends here
        break;
      }
      scanned.push_back(next);
      // Continue through the tight matched edge next → owner, then owner's row.
      const double base = delta - u[static_cast<size_t>(owner)];
      for (Index j = 0; j < n; ++j) {
        if (done[static_cast<size_t>(j)]) continue;
        const double through = base + at(owner, j) - v[static_cast<size_t>(j)];
        if (through < dist[static_cast<size_t>(j)]) {
          dist[static_cast<size_t>(j)] = through;
          from_row[static_cast<size_t>(j)] = owner;
        }
      }
    }
    // Potential shift by (delta − distance) on every node made final: keeps all
    // reduced costs >= 0 and makes the shortest-path edges tight.
    u[static_cast<size_t>(s)] += delta;
    for (const Index j : scanned) {
      const double shift = delta - dist[static_cast<size_t>(j)];
      v[static_cast<size_t>(j)] -= shift;
      u[static_cast<size_t>(row_of_col[static_cast<size_t>(j)])] += shift;
    }
    // Flip the path: each row on it takes the column it was reached through.
    for (Index j = free_col;;) {
      const Index i = from_row[static_cast<size_t>(j)];
      const Index previous = col_of_row[static_cast<size_t>(i)];
      row_of_col[static_cast<size_t>(j)] = i;
      col_of_row[static_cast<size_t>(i)] = j;
      if (i == s) break;
      j = previous;
    }
  }

  std::vector<int> assignment(static_cast<size_t>(rows), -1);
  for (Index i = 0; i < rows; ++i) {
    const Index j = col_of_row[static_cast<size_t>(i)];
    if (j < cols) assignment[static_cast<size_t>(i)] = static_cast<int>(j);
  }
  return assignment;
}

}  // namespace dnmf
