#include "dnmf/graph/sbm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"

namespace dnmf {

namespace {

using Offset = Csr::Offset;
using ColIndex = Csr::ColIndex;

template <class T>
std::string show(T value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

/// Endpoint sampler shared by both modes. Block b holds the nodes i with b·n <= i·k < (b+1)·n,
/// i.e. [ceil(b·n/k), ceil((b+1)·n/k)), which matches labels[i] = floor(i·k/n).
class EndpointSampler {
 public:
  explicit EndpointSampler(const SbmOptions& o)
      : n_(o.nodes), k_(o.blocks), within_(o.within), draws_floor_(0), draws_fraction_(0) {
    start_.resize(static_cast<size_t>(k_) + 1);
    // b·n <= (2^31)² fits in 64 bits (validate() bounds n and k <= n).
    for (Index b = 0; b <= k_; ++b) start_[static_cast<size_t>(b)] = (b * n_ + k_ - 1) / k_;
    const double per_node = o.directed ? o.average_degree : o.average_degree / 2;
    draws_floor_ = static_cast<Index>(std::floor(per_node));
    draws_fraction_ = per_node - static_cast<double>(draws_floor_);
  }

  Index block_of(Index i) const { return i * k_ / n_; }

  /// Number of draws of one node: floor(m) or floor(m) + 1 with probability frac(m), so the
  /// expected count is exactly m (a plain round(m) would turn 0.4 into 0 and 2.6 into 3).
  Index draw_count(Rng& rng) const {
    return draws_floor_ + (draws_fraction_ > 0 && rng.uniform() < draws_fraction_ ? 1 : 0);
  }
  Index max_draw_count() const { return draws_floor_ + (draws_fraction_ > 0 ? 1 : 0); }

  /// With probability `within` a uniform node of `target_block`, else a uniform node of the graph.
  ColIndex endpoint(Rng& rng, Index target_block) const {
    if (rng.uniform() < within_) {
      const Index first = start_[static_cast<size_t>(target_block)];
      const Index size = start_[static_cast<size_t>(target_block) + 1] - first;
      return static_cast<ColIndex>(first + static_cast<Index>(rng.below(static_cast<std::uint64_t>(size))));
    }
    return static_cast<ColIndex>(rng.below(static_cast<std::uint64_t>(n_)));
  }

 private:
  Index n_;
  Index k_;
  double within_;
  Index draws_floor_;
  double draws_fraction_;
  std::vector<Index> start_;  // k + 1 block boundaries
};

/// Sorts cols[begin, end), drops duplicates and `self`; returns the new end.
Offset sort_unique_without(std::vector<ColIndex>& cols, Offset begin, Offset end, ColIndex self) {
  auto first = cols.begin() + begin;
  auto last = cols.begin() + end;
  std::sort(first, last);
  last = std::unique(first, last);
  last = std::remove(first, last, self);
  return static_cast<Offset>(last - cols.begin());
}

/// Directed: row i holds i's own draws, so each row is built and deduplicated in place.
/// O(n·m·log m) time for m draws per node; memory = the CSR itself.
Csr directed_adjacency(const SbmOptions& o, const EndpointSampler& sampler, Rng& rng) {
  const Index n = o.nodes;
  std::vector<Offset> row_ptr(static_cast<size_t>(n) + 1, 0);
  std::vector<ColIndex> col_idx;
  col_idx.reserve(static_cast<size_t>(n * sampler.max_draw_count()));
  for (Index i = 0; i < n; ++i) {
    const Index target_block = (sampler.block_of(i) + o.shift) % o.blocks;
    const Offset begin = static_cast<Offset>(col_idx.size());
    for (Index t = sampler.draw_count(rng); t > 0; --t)
      col_idx.push_back(sampler.endpoint(rng, target_block));
    const Offset end =
        sort_unique_without(col_idx, begin, static_cast<Offset>(col_idx.size()), static_cast<ColIndex>(i));
    col_idx.resize(static_cast<size_t>(end));
    row_ptr[static_cast<size_t>(i) + 1] = end;
  }
  std::vector<double> values(col_idx.size(), 1.0);
  return Csr(n, n, std::move(row_ptr), std::move(col_idx), std::move(values));
}

/// Undirected: draws {i, j} are stored in rows i and j. A counting sort by row (degrees,
/// prefix sums, scatter) places both copies, then each row is sorted and deduplicated
/// in place. O(n·m·log m) time, O(n·m) extra memory for the draws (4 bytes each).
Csr undirected_adjacency(const SbmOptions& o, const EndpointSampler& sampler, Rng& rng) {
  const Index n = o.nodes;
  std::vector<Offset> draw_ptr(static_cast<size_t>(n) + 1, 0);
  std::vector<ColIndex> draws;
  draws.reserve(static_cast<size_t>(n * sampler.max_draw_count()));
  // row_ptr first counts the entries of each row (at index i + 1), self-loops excluded.
  std::vector<Offset> row_ptr(static_cast<size_t>(n) + 1, 0);
  for (Index i = 0; i < n; ++i) {
    const Index home = sampler.block_of(i);
    for (Index t = sampler.draw_count(rng); t > 0; --t) {
      const ColIndex j = sampler.endpoint(rng, home);
      if (j == i) continue;
      draws.push_back(j);
      ++row_ptr[static_cast<size_t>(i) + 1];
      ++row_ptr[static_cast<size_t>(j) + 1];
    }
    draw_ptr[static_cast<size_t>(i) + 1] = static_cast<Offset>(draws.size());
  }
  for (Index i = 0; i < n; ++i) row_ptr[static_cast<size_t>(i) + 1] += row_ptr[static_cast<size_t>(i)];

  // Scatter both directions; `cursor` is the next free slot of each row.
  std::vector<ColIndex> col_idx(static_cast<size_t>(row_ptr.back()));
  std::vector<Offset> cursor(row_ptr.begin(), row_ptr.end() - 1);
  for (Index i = 0; i < n; ++i) {
    for (Offset p = draw_ptr[static_cast<size_t>(i)]; p < draw_ptr[static_cast<size_t>(i) + 1]; ++p) {
      const ColIndex j = draws[static_cast<size_t>(p)];
      col_idx[static_cast<size_t>(cursor[static_cast<size_t>(i)]++)] = j;
      col_idx[static_cast<size_t>(cursor[static_cast<size_t>(j)]++)] = static_cast<ColIndex>(i);
    }
  }
  std::vector<ColIndex>().swap(draws);
  std::vector<Offset>().swap(draw_ptr);
  std::vector<Offset>().swap(cursor);

  // Sort and deduplicate each row, compacting towards the front: the write position never
  // passes the start of the row being read, so row i's old end is kept in `begin` for row i + 1.
  Offset write = 0;
  Offset begin = 0;
  for (Index i = 0; i < n; ++i) {
    const Offset end = row_ptr[static_cast<size_t>(i) + 1];
    const auto first = col_idx.begin() + begin;
    std::sort(first, col_idx.begin() + end);
    const auto last = std::unique(first, col_idx.begin() + end);
    // Destination precedes the source when they differ, which std::copy allows.
    if (write != begin) std::copy(first, last, col_idx.begin() + write);
    write += static_cast<Offset>(last - first);
    row_ptr[static_cast<size_t>(i) + 1] = write;
    begin = end;
  }
  col_idx.resize(static_cast<size_t>(write));
  std::vector<double> values(col_idx.size(), 1.0);
  return Csr(n, n, std::move(row_ptr), std::move(col_idx), std::move(values));
}

}  // namespace

void SbmOptions::validate() const {
  const auto fail = [](const std::string& what) { throw InvalidOption("SBM: " + what); };
  if (blocks < 1) fail("blocks = " + show(blocks) + " must be >= 1");
  if (nodes < blocks) fail("nodes = " + show(nodes) + " must be >= blocks = " + show(blocks));
  if (nodes > std::numeric_limits<Csr::ColIndex>::max()) fail("nodes = " + show(nodes) + " must be < 2^31");
  if (!std::isfinite(average_degree) || average_degree <= 0 || average_degree >= static_cast<double>(nodes))
    fail("average_degree = " + show(average_degree) +
         " must be finite and satisfy 0 < average_degree < nodes = " + show(nodes));
  if (!(within >= 0 && within <= 1)) fail("within = " + show(within) + " must lie in [0, 1]");
  if (shift < 0 || shift >= blocks)
    fail("shift = " + show(shift) + " must satisfy 0 <= shift < blocks = " + show(blocks));
  if (!directed && shift != 0) fail("shift = " + show(shift) + " must be 0 for an undirected graph");
}

SbmGraph generate_sbm(const SbmOptions& options) {
  options.validate();
  const EndpointSampler sampler(options);
  Rng rng(options.seed);
  SbmGraph g;
  g.labels.resize(static_cast<size_t>(options.nodes));
  for (Index i = 0; i < options.nodes; ++i)
    g.labels[static_cast<size_t>(i)] = static_cast<int>(sampler.block_of(i));
  g.adjacency = options.directed ? directed_adjacency(options, sampler, rng)
                                 : undirected_adjacency(options, sampler, rng);
  return g;
}

}  // namespace dnmf
