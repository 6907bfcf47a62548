#include "dnmf/core/rng.hpp"

#include <cmath>
#include <numbers>

namespace dnmf {

double Rng::normal() {
  // 1 - u lies in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

Dense Rng::uniform_matrix(Index rows, Index cols, double scale) {
  Dense m(rows, cols);
  // Fill column by column so the sequence does not depend on Eigen's storage order.
  for (Index j = 0; j < cols; ++j)
    for (Index i = 0; i < rows; ++i) m(i, j) = scale * uniform();
  return m;
}

}  // namespace dnmf
