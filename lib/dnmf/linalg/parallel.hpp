// Elementwise work on tall matrices split into row blocks across OpenMP threads.
#pragma once

#include <omp.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "dnmf/core/types.hpp"

namespace dnmf {

/// Calls f(begin, count) for consecutive row blocks covering [0, rows): one block per
/// thread (equal shares, no barrier imbalance) when the work (rows·cols entries) pays
/// for a fork/join, else one block. Only for elementwise work: each entry is written
/// by one call, so the result does not depend on how the rows are split.
template <class F>
void for_row_blocks(Index rows, Index cols, F&& f) {
  if (rows * cols < (Index{1} << 18) || rows < 2) {
    if (rows > 0) f(Index{0}, rows);
    return;
  }
#pragma omp parallel
  {
    const Index blocks = omp_get_num_threads(), b = omp_get_thread_num();
    const Index begin = rows * b / blocks, end = rows * (b + 1) / blocks;
    if (end > begin) f(begin, end - begin);
  }
}

/// combine(…combine(f(block 0), f(block 1))…, f(last block)) over row blocks whose
/// number depends on `rows` only (at most 16, at least 4096 rows each), combined in
/// block order: a parallel reduction whose result does not depend on the thread count.
template <class T, class F, class Combine>
T reduce_row_blocks(Index rows, Index cols, const T& zero, F&& f, Combine&& combine) {
  const Index blocks = std::max<Index>(1, std::min<Index>(16, rows / 4096));
  std::vector<T> partial(static_cast<size_t>(blocks), zero);
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1 && rows * cols >= (Index{1} << 18))
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = rows * b / blocks, end = rows * (b + 1) / blocks;
    partial[static_cast<size_t>(b)] = f(begin, end - begin);
  }
  T total = partial[0];
  for (Index b = 1; b < blocks; ++b) total = combine(total, partial[static_cast<size_t>(b)]);
  return total;
}

/// Σ_b f(begin_b, count_b) with the blocks above, summed in block order. T needs copy and +.
template <class T, class F>
T reduce_row_blocks(Index rows, Index cols, const T& zero, F&& f) {
  return reduce_row_blocks(rows, cols, zero, std::forward<F>(f), [](const T& a, const T& b) -> T {
    T sum = a;
    sum += b;
    return sum;
  });
}

}  // namespace dnmf
