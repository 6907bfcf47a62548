// Basic numeric types shared by the whole library.
#pragma once

#include <Eigen/Dense>
#include <cstdint>

namespace dnmf {

/// Signed 64-bit index: row/column counts and nonzero offsets. Graphs with more
/// than 2^31 edges must be representable, so offsets never use 32-bit ints.
using Index = std::int64_t;

/// Dense column-major double matrix (Eigen). Factors and representations use it.
using Dense = Eigen::MatrixXd;
using Vector = Eigen::VectorXd;
using IndexVector = Eigen::Matrix<Index, Eigen::Dynamic, 1>;

}  // namespace dnmf
