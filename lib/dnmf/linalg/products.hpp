// Sparse × dense kernels (OpenMP). Results do not depend on the thread count:
// every output entry is summed by one thread in a fixed order.
#pragma once

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf {

/// out = A·B for CSR A (m×n) and dense B (n×k). O(nnz(A)·k) time, O((n+m)·k) extra.
void csr_times_dense(const Csr& A, const Dense& B, Dense& out);
Dense csr_times_dense(const Csr& A, const Dense& B);

}  // namespace dnmf
