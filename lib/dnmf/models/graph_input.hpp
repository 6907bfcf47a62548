// Checks shared by the graph models (internal header, not installed).
#pragma once

#include <string>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"

namespace dnmf::detail {

/// Throws InvalidOption unless A is a square adjacency with no negative entry.
inline void require_adjacency(const Csr& A, const char* model) {
  if (A.rows() != A.cols())
    throw InvalidOption(std::string(model) + ": the adjacency must be square, got " +
                        std::to_string(A.rows()) + " x " + std::to_string(A.cols()));
  if (A.nnz() > 0 && A.min_value() < 0.0)
    throw InvalidOption(std::string(model) + ": the adjacency must be >= 0");
}

}  // namespace dnmf::detail
