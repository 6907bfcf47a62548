#include "dnmf/linalg/products.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

// a·b + c: one rounding where the build targets FMA hardware (-march=native), the plain
// expression elsewhere; either way a fixed, thread-independent order of operations.
inline double madd(double a, double b, double c) {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

/// acc[0..W) = Σ_p v_p · row_{c_p}(Bt)[j0 .. j0+W) for the stored entries of one CSR row.
/// The W accumulators stay in registers (W = 16 is four AVX2 vectors), so each stored
/// entry costs W loads from B and W fused multiply-adds, and no loads or stores of the
/// output row. On graphs without locality (random or power-law edges) every stored
/// entry reads a B row that is not in any cache, and the product is bound by memory
/// latency: the panel therefore prefetches the rows kAhead entries further on (also
/// past the end of this CSR row, up to nnz), which keeps several misses in flight.
/// When B is small enough to stay in the L2/L3 caches (a d×k factor of a data matrix),
/// the prefetches only cost load slots: measured on MNIST (B = 784×128) the product took
/// 107 ms with them and 82 ms without. They are issued only for B above kPrefetchBytes.
constexpr Csr::Offset kAhead = 8;
constexpr double kPrefetchBytes = 8.0 * 1024 * 1024;

bool wants_prefetch(const Dense& Bt) {
  return static_cast<double>(Bt.size()) * sizeof(double) > kPrefetchBytes;
}

template <int W, bool Prefetch>
inline void row_panel(Csr::Offset begin, Csr::Offset end, const Csr::ColIndex* ci, const double* v,
                      const double* b, Index ldb, Index j0, double* out, Csr::Offset nnz) {
  double acc[W] = {};
  for (Csr::Offset p = begin; p < end; ++p) {
    if constexpr (W >= 4 && Prefetch) {
      if (p + kAhead < nnz) {
        const double* ahead = b + static_cast<Index>(ci[p + kAhead]) * ldb + j0;
        __builtin_prefetch(ahead);  // the panel's first and last entries (it may straddle lines)
        if constexpr (W > 8) __builtin_prefetch(ahead + 8);
        __builtin_prefetch(ahead + W - 1);
      }
    }
    const double vp = v[p];
    const double* row = b + static_cast<Index>(ci[p]) * ldb + j0;
#pragma GCC unroll 16
    for (int j = 0; j < W; ++j) acc[j] = madd(vp, row[j], acc[j]);
  }
  for (int j = 0; j < W; ++j) out[j] = acc[j];
}

constexpr Index kChunk = 32;

/// The parallel loop of the gathers: rows of A in chunks of kChunk, each chunk built in a
/// per-thread buffer of `buffers` row-major kChunk×k blocks (row(i, p) fills row i of the
/// chunk at p, p + kChunk·k, …) and handed to store(first, rows, buffer). Each output
/// row is made by one call, so results do not depend on the thread count.
template <class Row, class Store>
void for_row_chunks(const Csr& A, Index k, int buffers, Row row, Store store) {
  const Index m = A.rows(), chunks = (m + kChunk - 1) / kChunk;
// Small products are not worth a fork/join (which costs milliseconds on a loaded machine).
#pragma omp parallel if (A.nnz() * k > 200000)
  {
    std::vector<double> buffer(static_cast<size_t>(buffers * kChunk * k));
#pragma omp for schedule(dynamic, 8)
    for (Index chunk = 0; chunk < chunks; ++chunk) {
      const Index first = chunk * kChunk, rows = std::min(kChunk, m - first);
      for (Index r = 0; r < rows; ++r) row(first + r, buffer.data() + r * k);
      store(first, rows, buffer.data());
    }
  }
}

/// Rows of A·B for CSR A and Bt = Bᵀ (k×n, so row j of B is contiguous), chunk by chunk
/// through store(first, rows, buffer) (row r of the chunk at buffer + r·k). Columns are
/// processed in panels of 16 (the rest in panels of 4 and singles); each output entry
/// is summed over the row's stored entries in order. O(nnz(A)·k).
template <bool Prefetch, class Store>
void gather_rows_impl(const Csr& A, const Dense& Bt, Store store) {
  const Index k = Bt.rows();
  const auto* rp = A.row_ptr().data();
  const auto* ci = A.col_idx().data();
  const double* v = A.values().data();
  const double* b = Bt.data();
  const Csr::Offset nnz = static_cast<Csr::Offset>(A.nnz());
  for_row_chunks(
      A, k, 1,
      [&](Index i, double* c) {
        Index j0 = 0;
        for (; j0 + 16 <= k; j0 += 16)
          row_panel<16, Prefetch>(rp[i], rp[i + 1], ci, v, b, k, j0, c + j0, nnz);
        for (; j0 + 4 <= k; j0 += 4) row_panel<4, Prefetch>(rp[i], rp[i + 1], ci, v, b, k, j0, c + j0, nnz);
        for (; j0 < k; ++j0) row_panel<1, Prefetch>(rp[i], rp[i + 1], ci, v, b, k, j0, c + j0, nnz);
      },
      store);
}

template <class Store>
void gather_rows(const Csr& A, const Dense& Bt, Store store) {
  if (wants_prefetch(Bt))
    gather_rows_impl<true>(A, Bt, store);
  else
    gather_rows_impl<false>(A, Bt, store);
}

/// Two products with one pattern: acc1 = Σ_p v1_p·row, acc2 = Σ_p v2_p·row over one CSR
/// row, each B row gathered once (2W accumulators: W = 16 uses eight AVX2 registers).
template <int W>
inline void row_panel_dual(Csr::Offset begin, Csr::Offset end, const Csr::ColIndex* ci, const double* v1,
                           const double* v2, const double* b, Index ldb, Index j0, double* out1, double* out2,
                           Csr::Offset nnz) {
  double acc1[W] = {}, acc2[W] = {};
  for (Csr::Offset p = begin; p < end; ++p) {
    if constexpr (W >= 4) {
      if (p + kAhead < nnz) {
        const double* ahead = b + static_cast<Index>(ci[p + kAhead]) * ldb + j0;
        __builtin_prefetch(ahead);
        if constexpr (W > 8) __builtin_prefetch(ahead + 8);
        __builtin_prefetch(ahead + W - 1);
      }
    }
    const double a1 = v1[p], a2 = v2[p];
    const double* row = b + static_cast<Index>(ci[p]) * ldb + j0;
#pragma GCC unroll 16
    for (int j = 0; j < W; ++j) {
      acc1[j] = madd(a1, row[j], acc1[j]);
      acc2[j] = madd(a2, row[j], acc2[j]);
    }
  }
  for (int j = 0; j < W; ++j) {
    out1[j] = acc1[j];
    out2[j] = acc2[j];
  }
}

/// Writes columns [from, from + cols) of a chunk (row-major, k wide) into the first
/// `cols` columns of the column-major out, rows first .. first + rows.
void store_columns(const double* buffer, Index first, Index rows, Index k, Index from, Index cols,
                   Dense& out) {
  const Index m = out.rows();
  for (Index j = 0; j < cols; ++j) {
    double* column = out.data() + j * m + first;
    for (Index r = 0; r < rows; ++r) column[r] = buffer[static_cast<size_t>(r * k + from + j)];
  }
}

}  // namespace

void csr_times_dense(const Csr& A, const Dense& B, Dense& out) {
  if (A.cols() != B.rows())
    throw InvalidOption("csr_times_dense: shapes " + std::to_string(A.rows()) + "x" +
                        std::to_string(A.cols()) + " and " + std::to_string(B.rows()) + "x" +
                        std::to_string(B.cols()) + " do not conform");
  // Row j of B must be contiguous: B is copied transposed (O(n·k)).
  const Dense Bt = B.transpose();
  csr_times_transposed(A, Bt, out);
}

void csr_times_transposed(const Csr& A, const Dense& Bt, Dense& out) {
  if (A.cols() != Bt.cols()) throw InvalidOption("csr_times_transposed: shapes do not conform");
  const Index k = Bt.rows();
  out.resize(A.rows(), k);
  gather_rows(A, Bt, [&](Index first, Index rows, const double* buffer) {
    store_columns(buffer, first, rows, k, 0, k, out);
  });
}

void csr_times_dense_pair(const Csr& A, const Dense& Ba, const Dense& Bb, Dense& out_a, Dense& out_b) {
  if (A.cols() != Ba.rows() || A.cols() != Bb.rows())
    throw InvalidOption("csr_times_dense_pair: shapes do not conform");
  const Index ka = Ba.cols(), kb = Bb.cols(), k = ka + kb;
  Dense Bt(k, A.cols());
  Bt.topRows(ka) = Ba.transpose();
  Bt.bottomRows(kb) = Bb.transpose();
  out_a.resize(A.rows(), ka);
  out_b.resize(A.rows(), kb);
  gather_rows(A, Bt, [&](Index first, Index rows, const double* buffer) {
    store_columns(buffer, first, rows, k, 0, ka, out_a);
    store_columns(buffer, first, rows, k, ka, kb, out_b);
  });
}

void csr_times_dense_dual(const Csr& A, const std::vector<double>& values2, const Dense& B, Dense& out1,
                          Dense& out2) {
  if (A.cols() != B.rows()) throw InvalidOption("csr_times_dense_dual: shapes do not conform");
  if (values2.size() != static_cast<size_t>(A.nnz()))
    throw InvalidOption("csr_times_dense_dual: values2 must have one entry per stored entry");
  const Index m = A.rows(), k = B.cols();
  const Dense Bt = B.transpose();
  out1.resize(m, k);
  out2.resize(m, k);
  const auto* rp = A.row_ptr().data();
  const auto* ci = A.col_idx().data();
  const double* v1 = A.values().data();
  const double* v2 = values2.data();
  const double* b = Bt.data();
  const Csr::Offset nnz = static_cast<Csr::Offset>(A.nnz());
  const Index second = kChunk * k;  // offset of the second buffer
  for_row_chunks(
      A, k, 2,
      [&](Index i, double* c1) {
        double* c2 = c1 + second;
        Index j0 = 0;
        for (; j0 + 16 <= k; j0 += 16)
          row_panel_dual<16>(rp[i], rp[i + 1], ci, v1, v2, b, k, j0, c1 + j0, c2 + j0, nnz);
        for (; j0 + 4 <= k; j0 += 4)
          row_panel_dual<4>(rp[i], rp[i + 1], ci, v1, v2, b, k, j0, c1 + j0, c2 + j0, nnz);
        for (; j0 < k; ++j0) row_panel_dual<1>(rp[i], rp[i + 1], ci, v1, v2, b, k, j0, c1 + j0, c2 + j0, nnz);
      },
      [&](Index first, Index rows, const double* buffer) {
        store_columns(buffer, first, rows, k, 0, k, out1);
        store_columns(buffer + second, first, rows, k, 0, k, out2);
      });
}

Dense csr_times_dense(const Csr& A, const Dense& B) {
  Dense out;
  csr_times_dense(A, B, out);
  return out;
}

namespace {

/// Row blocks: the count depends only on the row count (never on the threads), which
/// keeps reductions over blocks deterministic.
Index block_count(Index rows) {
  constexpr Index kMinRows = 2048, kMaxBlocks = 16;
  return std::max<Index>(1, std::min<Index>(kMaxBlocks, (rows + kMinRows - 1) / kMinRows));
}

Index block_begin(Index rows, Index blocks, Index b) {
  return rows * b / blocks;
}

}  // namespace

void dense_times(const Dense& A, const Dense& B, Dense& out) {
  if (A.cols() != B.rows()) throw InvalidOption("dense_times: shapes do not conform");
  out.resize(A.rows(), B.cols());
  // Tall A: blocks of >= 2048 rows. Short A with much work (a d×d Gram times P): blocks
  // of >= 64 rows and >= 8 Mflop each. Either count depends on the shapes only.
  const double flops =
      2.0 * static_cast<double>(A.rows()) * static_cast<double>(A.cols()) * static_cast<double>(B.cols());
  const Index short_blocks = std::min<Index>({16, A.rows() / 64, static_cast<Index>(flops / 8e6)});
  const Index blocks = std::max(block_count(A.rows()), std::max<Index>(short_blocks, 1));
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = block_begin(A.rows(), blocks, b), end = block_begin(A.rows(), blocks, b + 1);
    out.middleRows(begin, end - begin).noalias() = A.middleRows(begin, end - begin) * B;
  }
}

void csr_transpose_times_dense(const Csr& A, const Dense& B, Dense& out) {
  if (A.rows() != B.rows()) throw InvalidOption("csr_transpose_times_dense: shapes do not conform");
  const Index m = A.rows(), n = A.cols(), k = B.cols();
  const Index blocks = block_count(m);
  std::vector<Dense> partial(static_cast<size_t>(blocks));
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  const auto& v = A.values();
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1 && A.nnz() * k > 200000)
  for (Index b = 0; b < blocks; ++b) {
    Dense& part = partial[static_cast<size_t>(b)];
    part.setZero(k, n);  // column f accumulates row f of the result
    const Index begin = block_begin(m, blocks, b), end = block_begin(m, blocks, b + 1);
    double* out_rows = part.data();
    // Rows of B are needed contiguously: 32 at a time are transposed into a small
    // buffer (column-major B is read in cache-friendly strips, no n×k copy).
    constexpr Index kStrip = 32;
    std::vector<double> strip(static_cast<size_t>(kStrip * k));
    for (Index first = begin; first < end; first += kStrip) {
      const Index rows = std::min(kStrip, end - first);
      for (Index j = 0; j < k; ++j) {
        const double* column = B.data() + j * m + first;
        for (Index r = 0; r < rows; ++r) strip[static_cast<size_t>(r * k + j)] = column[r];
      }
      for (Index r = 0; r < rows; ++r) {
        const Index i = first + r;
        const double* bi = strip.data() + r * k;
        for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) {
          double* c = out_rows + static_cast<Index>(ci[p]) * k;
          const double vp = v[p];
#pragma omp simd
          for (Index j = 0; j < k; ++j) c[j] = madd(vp, bi[j], c[j]);
        }
      }
    }
  }
  for (Index b = 1; b < blocks; ++b) partial[0] += partial[static_cast<size_t>(b)];
  out = partial[0].transpose();
}

namespace {

/// One strip of csr_wide_times_tall: for every row f of At, the stored entries whose
/// column lies in the strip (cur[f] .. next[f]) gather panel q of the strip's rows of
/// B (held panel-major, W wide, so a panel of 256 rows is 32 KB and stays in L1) into
/// W accumulators that continue the partial sum of row f. Each output entry receives
/// its products in increasing column order, as in the scatter of
/// csr_transpose_times_dense, so the two give identical results.
template <int W>
void strip_panels(const Csr::ColIndex* ci, const double* v, const std::vector<Csr::Offset>& cur,
                  const std::vector<Csr::Offset>& next, const double* strip, Index strip_rows, Index first,
                  Index panels, Index kp, double* part) {
  const Index d = static_cast<Index>(cur.size());
  for (Index q = 0; q < panels; ++q) {
    // Row c of B (c in the strip) is at panel + (c − first)·W.
    const double* panel = strip + q * strip_rows * W;
    for (Index f = 0; f < d; ++f) {
      const Csr::Offset p0 = cur[static_cast<size_t>(f)], p1 = next[static_cast<size_t>(f)];
      if (p0 == p1) continue;
      double* o = part + f * kp + q * W;
      double acc[W];
      for (int j = 0; j < W; ++j) acc[j] = o[j];
      for (Csr::Offset p = p0; p < p1; ++p) {
        const double vp = v[p];
        const double* row = panel + (static_cast<Index>(ci[p]) - first) * W;
#pragma GCC unroll 16
        for (int j = 0; j < W; ++j) acc[j] = madd(vp, row[j], acc[j]);
      }
      for (int j = 0; j < W; ++j) o[j] = acc[j];
    }
  }
}

template <int W>
void wide_times_tall(const Csr& At, const Dense& B, Dense& out) {
  const Index d = At.rows(), n = At.cols(), k = B.cols();
  const Index kp = (k + W - 1) / W * W, panels = kp / W;  // k padded with zero columns
  constexpr Index kStrip = 256;
  const Index blocks = block_count(n);
  const auto& rp = At.row_ptr();
  const auto* ci = At.col_idx().data();
  const double* v = At.values().data();
  std::vector<Dense> partial(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1 && At.nnz() * k > 200000)
  for (Index b = 0; b < blocks; ++b) {
    Dense& part = partial[static_cast<size_t>(b)];
    part.setZero(kp, d);  // column f accumulates row f of the result
    const Index begin = block_begin(n, blocks, b), end = block_begin(n, blocks, b + 1);
    std::vector<Csr::Offset> cur(static_cast<size_t>(d)), next(static_cast<size_t>(d));
    for (Index f = 0; f < d; ++f)
      cur[static_cast<size_t>(f)] =
          std::lower_bound(ci + rp[f], ci + rp[f + 1], static_cast<Csr::ColIndex>(begin)) - ci;
    std::vector<double> strip(static_cast<size_t>(panels * kStrip * W), 0.0);
    for (Index first = begin; first < end; first += kStrip) {
      const Index rows = std::min(kStrip, end - first);
      for (Index j = 0; j < k; ++j) {  // panel-major copy of B's rows first .. first + rows
        const double* column = B.data() + j * n + first;
        double* dst = strip.data() + (j / W) * rows * W + j % W;
        for (Index r = 0; r < rows; ++r) dst[r * W] = column[r];
      }
      for (Index f = 0; f < d; ++f) {
        Csr::Offset p = cur[static_cast<size_t>(f)];
        while (p < rp[f + 1] && ci[p] < first + rows) ++p;
        next[static_cast<size_t>(f)] = p;
      }
      strip_panels<W>(ci, v, cur, next, strip.data(), rows, first, panels, kp, part.data());
      cur.swap(next);
    }
  }
  for (Index b = 1; b < blocks; ++b) partial[0] += partial[static_cast<size_t>(b)];
  out = partial[0].topRows(k).transpose();
}

}  // namespace

void csr_wide_times_tall(const Csr& At, const Dense& B, Dense& out) {
  if (At.cols() != B.rows()) throw InvalidOption("csr_wide_times_tall: shapes do not conform");
  if (B.cols() >= 16)
    wide_times_tall<16>(At, B, out);
  else
    wide_times_tall<4>(At, B, out);
}

void dense_transpose_times(const Dense& A, const Dense& B, Dense& out) {
  if (A.rows() != B.rows()) throw InvalidOption("dense_transpose_times: shapes do not conform");
  const Index blocks = block_count(A.rows());
  std::vector<Dense> partial(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = block_begin(A.rows(), blocks, b), end = block_begin(A.rows(), blocks, b + 1);
    partial[b].noalias() = A.middleRows(begin, end - begin).transpose() * B.middleRows(begin, end - begin);
  }
  out = std::move(partial[0]);
  for (Index b = 1; b < blocks; ++b) out += partial[b];
}

void dense_gram(const Dense& A, Dense& out) {
  const Index k = A.cols(), blocks = block_count(A.rows());
  std::vector<Dense> partial(static_cast<size_t>(blocks));
#pragma omp parallel for schedule(dynamic, 1) if (blocks > 1)
  for (Index b = 0; b < blocks; ++b) {
    const Index begin = block_begin(A.rows(), blocks, b), end = block_begin(A.rows(), blocks, b + 1);
    Dense& part = partial[static_cast<size_t>(b)];
    part.setZero(k, k);
    part.selfadjointView<Eigen::Lower>().rankUpdate(A.middleRows(begin, end - begin).transpose());
  }
  out = std::move(partial[0]);
  for (Index b = 1; b < blocks; ++b) out += partial[static_cast<size_t>(b)];
  out.triangularView<Eigen::StrictlyUpper>() = out.transpose();
}

}  // namespace dnmf
