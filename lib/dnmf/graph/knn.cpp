#include "dnmf/graph/knn.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <nanoflann.hpp>
#include <queue>
#include <string>
#include <utility>

#if defined(__AVX__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {
/// Dimension bands of the automatic choice: KD-tree up to kKdTreeAlways, brute force
/// above kBruteForceAlways, a timing probe in between.
constexpr Index kKdTreeAlways = 8;
constexpr Index kBruteForceAlways = 32;
}  // namespace

void KnnOptions::validate(Index n_points) const {
  if (n_neighbors < 1 || n_neighbors > n_points - 1)
    throw InvalidOption("n_neighbors = " + std::to_string(n_neighbors) +
                        " must satisfy 1 <= n_neighbors <= n − 1 = " + std::to_string(n_points - 1));
}

const char* to_string(KnnMethod method) {
  switch (method) {
    case KnnMethod::automatic:
      return "auto";
    case KnnMethod::kd_tree:
      return "kd-tree";
    case KnnMethod::brute_force:
      return "brute-force";
  }
  return "unknown";
}

KnnMethod parse_knn_method(const std::string& name) {
  if (name == "auto") return KnnMethod::automatic;
  if (name == "kd-tree") return KnnMethod::kd_tree;
  if (name == "brute-force") return KnnMethod::brute_force;
  throw InvalidOption("unknown kNN method '" + name + "' (expected auto, kd-tree or brute-force)");
}

KnnMethod choose_knn_method(Index n, Index d, bool /*sparse*/) {
  // KD-trees prune well only in low dimension: on uniform random data at d = 16 a
  // tree query already visits most leaves and is ~8x slower than the GEMM-based brute
  // force (bench/knn). Real data of moderate d often has a low intrinsic dimension,
  // where the tree wins, so between the two bands knn() times a sample of both.
  if (d <= kKdTreeAlways || n < 2048) return d <= 16 ? KnnMethod::kd_tree : KnnMethod::brute_force;
  if (d > kBruteForceAlways) return KnnMethod::brute_force;
  return KnnMethod::automatic;  // decided by the timing probe in knn()
}

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// A candidate neighbour; ordered by (distance, index).
struct Candidate {
  double distance;
  std::int32_t index;
  bool operator<(const Candidate& o) const {
    return distance != o.distance ? distance < o.distance : index < o.index;
  }
};

/// Exact squared distance, summed in feature order (identical to nanoflann's L2_Simple).
double exact_distance(const double* a, const double* b, Index d) {
  double s = 0;
  for (Index f = 0; f < d; ++f) {
    const double diff = a[f] - b[f];
    s += diff * diff;
  }
  return s;
}

void store(KnnResult& r, Index i, std::vector<Candidate>& c) {
  std::sort(c.begin(), c.end());
  for (int j = 0; j < r.k; ++j) {
    r.indices[static_cast<size_t>(i * r.k + j)] = c[j].index;
    r.squared_distances[static_cast<size_t>(i * r.k + j)] = c[j].distance;
  }
}

// ------------------------------------------------------------------ KD-tree

struct RowAdaptor {
  const RowMajor& points;
  size_t kdtree_get_point_count() const { return static_cast<size_t>(points.rows()); }
  double kdtree_get_pt(size_t idx, size_t dim) const {
    return points(static_cast<Index>(idx), static_cast<Index>(dim));
  }
  template <class Box>
  bool kdtree_get_bbox(Box&) const {
    return false;
  }
};

using Tree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, RowAdaptor>, RowAdaptor,
                                                 -1, std::uint32_t>;

/// The tree over the rows of `points` (which must outlive it). O(n log n · d).
struct KdIndex {
  RowAdaptor adaptor;
  Tree tree;
  explicit KdIndex(const RowMajor& points)
      : adaptor{points},
        tree(static_cast<int>(points.cols()), adaptor, nanoflann::KDTreeSingleIndexAdaptorParams(20)) {
    tree.buildIndex();
  }
};

/// Exact neighbours of point i by the tree, sorted, into c.
void kd_query(const RowMajor& points, const Tree& tree, Index i, int k, std::vector<std::uint32_t>& ids,
              std::vector<double>& dist, std::vector<Candidate>& c) {
  const Index n = points.rows(), d = points.cols();
  // nanoflann keeps a point only if strictly closer than the current k-th, so a
  // tie at the boundary may be dropped. Query m results; when the m-th is no
  // farther than the k-th non-self one, ties may be missing: double m and retry.
  size_t m = static_cast<size_t>(k) + 1;
  for (;;) {
    m = std::min(m, static_cast<size_t>(n));
    ids.resize(m);
    dist.resize(m);
    const size_t found = tree.knnSearch(points.row(i).data(), m, ids.data(), dist.data());
    c.clear();
    for (size_t j = 0; j < found; ++j)
      if (static_cast<Index>(ids[j]) != i)
        c.push_back({exact_distance(points.row(i).data(), points.row(ids[j]).data(), d),
                     static_cast<std::int32_t>(ids[j])});
    std::sort(c.begin(), c.end());
    const bool complete = found == static_cast<size_t>(n) ||
                          (static_cast<int>(c.size()) >= k && dist[found - 1] > c[k - 1].distance);
    if (complete) return;
    m *= 2;
  }
}

void knn_kd_tree(const RowMajor& points, const Tree& tree, KnnResult& r) {
  const Index n = points.rows();
#pragma omp parallel
  {
    std::vector<std::uint32_t> ids;
    std::vector<double> dist;
    std::vector<Candidate> c;
#pragma omp for schedule(dynamic, 256)
    for (Index i = 0; i < n; ++i) {
      kd_query(points, tree, i, r.k, ids, dist, c);
      store(r, i, c);
    }
  }
}

// ------------------------------------------------------------------ brute force, dense

/// Keeps the `capacity` best candidates seen so far (a max-heap on (distance, index)).
class TopList {
 public:
  explicit TopList(size_t capacity) : capacity_(capacity) { heap_.reserve(capacity); }
  void clear() { heap_.clear(); }
  void offer(double distance, std::int32_t index) {
    const Candidate c{distance, index};
    if (heap_.size() < capacity_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end());
    } else if (c < heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end());
    }
  }
  bool full() const { return heap_.size() == capacity_; }
  double worst() const { return heap_.front().distance; }
  /// No candidate farther than this can enter the list: worst() when full, else +∞.
  double bound() const { return full() ? worst() : std::numeric_limits<double>::infinity(); }
  const std::vector<Candidate>& items() const { return heap_; }

 private:
  size_t capacity_;
  std::vector<Candidate> heap_;
};

using RowMajorF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Exact squared distance between sparse rows i and j by merging their entries, in
/// feature order: bitwise equal to exact_distance on the dense rows.
double sparse_distance(const Csr& x, Index i, Index j) {
  const auto& rp = x.row_ptr();
  const auto& ci = x.col_idx();
  const auto& v = x.values();
  double s = 0;
  Csr::Offset p = rp[i], q = rp[j];
  const Csr::Offset pe = rp[i + 1], qe = rp[j + 1];
  while (p < pe || q < qe) {
    double diff;
    if (q >= qe || (p < pe && ci[p] < ci[q]))
      diff = v[p++];
    else if (p >= pe || ci[q] < ci[p])
      diff = -v[q++];
    else
      diff = v[p++] - v[q++];
    s += diff * diff;
  }
  return s;
}

/// out[0..W) = Σ_p v_p · block(j0 .. j0+W, c_p) over one CSR row's entries (c_p, v_p),
/// each a single-precision fused multiply-add in entry order: W accumulators in
/// registers (W = 64 is eight AVX vectors). The vector and scalar paths give identical
/// results.
template <int W>
inline void column_panel(Csr::Offset begin, Csr::Offset end, const Csr::ColIndex* ci, const double* v,
                         const Eigen::MatrixXf& block, Index j0, float* out) {
  const Index ld = block.rows();
  const float* base = block.data() + j0;
#if defined(__AVX__) && defined(__FMA__)
  if constexpr (W % 8 == 0) {
    __m256 acc[W / 8];
    for (int q = 0; q < W / 8; ++q) acc[q] = _mm256_setzero_ps();
    for (Csr::Offset p = begin; p < end; ++p) {
      const __m256 vp = _mm256_set1_ps(static_cast<float>(v[p]));
      const float* column = base + static_cast<Index>(ci[p]) * ld;
      for (int q = 0; q < W / 8; ++q) acc[q] = _mm256_fmadd_ps(vp, _mm256_loadu_ps(column + 8 * q), acc[q]);
    }
    for (int q = 0; q < W / 8; ++q) _mm256_storeu_ps(out + 8 * q, acc[q]);
    return;
  }
#endif
  float acc[W] = {};
  for (Csr::Offset p = begin; p < end; ++p) {
    const float vp = static_cast<float>(v[p]);
    const float* column = base + static_cast<Index>(ci[p]) * ld;
    for (int j = 0; j < W; ++j) acc[j] = std::fma(vp, column[j], acc[j]);
  }
  for (int j = 0; j < W; ++j) out[j] = acc[j];
}

/// The points of the tiled brute force: dense rows or CSR rows, read a block at a time.
class Rows {
 public:
  explicit Rows(const RowMajor& dense) : dense_(&dense), n_(dense.rows()), d_(dense.cols()) {}
  explicit Rows(const Csr& sparse) : sparse_(&sparse), n_(sparse.rows()), d_(sparse.cols()) {}
  Index n() const { return n_; }
  Index d() const { return d_; }
  Vector squared_norms() const {
    return dense_ ? Vector(dense_->rowwise().squaredNorm()) : sparse_->row_squared_norms();
  }
  /// Rows [first, first + count) in single precision (only the tile GEMM uses them).
  void block(Index first, Index count, RowMajorF& out) const {
    if (dense_) {
      out = dense_->middleRows(first, count).cast<float>();
      return;
    }
    out.setZero(count, d_);
    const auto& rp = sparse_->row_ptr();
    for (Index r = 0; r < count; ++r)
      for (Csr::Offset p = rp[first + r]; p < rp[first + r + 1]; ++p)
        out(r, sparse_->col_idx()[p]) = static_cast<float>(sparse_->values()[p]);
  }
  double distance(Index i, Index j) const {
    return dense_ ? exact_distance(dense_->row(i).data(), dense_->row(j).data(), d_)
                  : sparse_distance(*sparse_, i, j);
  }

  /// Below this fraction of stored entries a tile is cheaper as sparse rows against a
  /// dense block than as a dense GEMM: the gather runs at about half the GEMM's rate
  /// per multiply-add but skips the zeros (MNIST, 19 % stored: 12 s against 28 s).
  static constexpr double kSparseTileDensity = 0.3;
  bool sparse_tiles() const {
    return sparse_ && static_cast<double>(sparse_->nnz()) <
                          kSparseTileDensity * static_cast<double>(n_) * static_cast<double>(d_);
  }

  /// Rows [first, first + count) as a column-major count×d block (feature f's values
  /// for the block contiguous), for sparse_tile().
  void block_columns(Index first, Index count, Eigen::MatrixXf& out) const {
    out.setZero(count, d_);
    const auto& rp = sparse_->row_ptr();
    for (Index r = 0; r < count; ++r)
      for (Csr::Offset p = rp[first + r]; p < rp[first + r + 1]; ++p)
        out(r, sparse_->col_idx()[p]) = static_cast<float>(sparse_->values()[p]);
  }

  /// tile(i, j) = ⟨x_{a0+i}, x_{b0+j}⟩ in single precision for the block a given by
  /// block_columns and sparse rows b0 .. b0+bn: each stored entry (f, v) of row j adds v
  /// times column f of the block to column j of the tile, in feature order.
  /// O(nnz(rows)·an).
  void sparse_tile(const Eigen::MatrixXf& block_a, Index b0, Index bn, Eigen::MatrixXf& tile) const {
    const Index an = block_a.rows();
    tile.resize(an, bn);
    const auto& rp = sparse_->row_ptr();
    const auto* ci = sparse_->col_idx().data();
    const double* v = sparse_->values().data();
    for (Index j = 0; j < bn; ++j) {
      const Csr::Offset begin = rp[b0 + j], end = rp[b0 + j + 1];
      float* out = tile.col(j).data();
      Index i0 = 0;
      for (; i0 + 64 <= an; i0 += 64) column_panel<64>(begin, end, ci, v, block_a, i0, out + i0);
      for (; i0 + 8 <= an; i0 += 8) column_panel<8>(begin, end, ci, v, block_a, i0, out + i0);
      for (; i0 < an; ++i0) column_panel<1>(begin, end, ci, v, block_a, i0, out + i0);
    }
  }

 private:
  const RowMajor* dense_ = nullptr;
  const Csr* sparse_ = nullptr;
  Index n_, d_;
};

/// Exact scan of one query against all points (fallback when rounding could hide a
/// neighbour). O(n·d).
void exact_scan(const Rows& points, Index i, int k, std::vector<Candidate>& out) {
  TopList top(static_cast<size_t>(k));
  for (Index j = 0; j < points.n(); ++j)
    if (j != i) top.offer(points.distance(i, j), static_cast<std::int32_t>(j));
  out = top.items();
}

constexpr Index kBlock = 256;

/// Brute force over the upper triangle of the block distance matrix. Points are cut
/// into blocks of kBlock; for each pair of blocks (a, b) with b >= a one GEMM gives the
/// tile X_a·X_bᵀ, whose entries are offered both to the candidate lists of block a's
/// points (rows) and to those of block b's points (columns). Symmetry halves the flops:
/// n²·d in total instead of 2n²·d. The GEMM runs in single precision (twice the
/// throughput; sparse rows are densified one block at a time); it only ranks
/// candidates: every reported distance is recomputed exactly in double, and a point is
/// certified only if no point outside its candidate list can be closer than its k-th
/// neighbour given the rounding bound of the single-precision distances; otherwise it
/// is rescanned exactly. A thread owns the lists of the block pairs it schedules by
/// their first block; the column offers lock the second block's lists (one mutex per
/// block). The lists keep the best k + 1 + slack by (distance, index), a total order,
/// so the result does not depend on the order of the offers or on the thread count.
/// Memory: O(threads·kBlock·(kBlock + d) + n·(k + slack)).
void knn_brute_tiled(const Rows& points, KnnResult& r) {
  const Index n = points.n(), d = points.d();
  const Vector norms = points.squared_norms();
  const double max_norm = n ? norms.maxCoeff() : 0.0;
  // Candidates beyond k absorb rounding of the tile distances.
  const int slack = 8;
  const size_t capacity = static_cast<size_t>(std::min<Index>(n, r.k + 1 + slack));
  const Index blocks = (n + kBlock - 1) / kBlock;
  std::vector<TopList> tops(static_cast<size_t>(n), TopList(capacity));
  std::vector<std::mutex> locks(static_cast<size_t>(blocks));
  // All block pairs (a, b) with b >= a; each is one equal-sized piece of work.
  std::vector<std::pair<Index, Index>> pairs;
  pairs.reserve(static_cast<size_t>(blocks * (blocks + 1) / 2));
  for (Index a = 0; a < blocks; ++a)
    for (Index b = a; b < blocks; ++b) pairs.emplace_back(a, b);
#pragma omp parallel
  {
    Eigen::MatrixXf tile, columns_a;  // tile: kBlock × kBlock of qᵀx
    std::vector<double> bound_a(static_cast<size_t>(kBlock));
    RowMajorF block_a, block_b;
    Index loaded_a = -1;
    const bool sparse_tiles = points.sparse_tiles();
#pragma omp for schedule(dynamic, 1)
    for (size_t t = 0; t < pairs.size(); ++t) {
      const auto [a, b] = pairs[t];
      const Index a0 = a * kBlock, an = std::min(kBlock, n - a0);
      const Index b0 = b * kBlock, bn = std::min(kBlock, n - b0);
      // ‖q − x‖² = ‖q‖² + ‖x‖² − 2 qᵀx for a whole tile with one product.
      if (sparse_tiles) {
        if (loaded_a != a) {
          points.block_columns(a0, an, columns_a);
          loaded_a = a;
        }
        points.sparse_tile(columns_a, b0, bn, tile);
      } else {
        if (loaded_a != a) {  // consecutive pairs usually share their first block
          points.block(a0, an, block_a);
          loaded_a = a;
        }
        points.block(b0, bn, block_b);
        tile.noalias() = block_a * block_b.transpose();
      }
      // A candidate farther than a full list's worst entry would be refused by offer()
      // anyway. Each column of the tile (contiguous) is first screened in one vectorised
      // pass against the lists' bounds; only columns with a candidate are offered.
      {
        std::lock_guard<std::mutex> guard(locks[static_cast<size_t>(a)]);
        for (Index i = 0; i < an; ++i)
          bound_a[static_cast<size_t>(i)] = tops[static_cast<size_t>(a0 + i)].bound();
        for (Index j = 0; j < bn; ++j) {
          const double qj = norms(b0 + j);
          const float* column = tile.col(j).data();
          int any = 0;
          for (Index i = 0; i < an; ++i)
            any |= (norms(a0 + i) + qj - 2.0 * static_cast<double>(column[i]) <=
                    bound_a[static_cast<size_t>(i)]);
          if (!any) continue;
          for (Index i = 0; i < an; ++i) {
            const double distance = norms(a0 + i) + qj - 2.0 * static_cast<double>(column[i]);
            if (distance <= bound_a[static_cast<size_t>(i)] && (a != b || i != j)) {
              TopList& top = tops[static_cast<size_t>(a0 + i)];
              top.offer(distance, static_cast<std::int32_t>(b0 + j));
              bound_a[static_cast<size_t>(i)] = top.bound();
            }
          }
        }
      }
      if (a != b) {
        std::lock_guard<std::mutex> guard(locks[static_cast<size_t>(b)]);
        for (Index j = 0; j < bn; ++j) {
          TopList& top = tops[static_cast<size_t>(b0 + j)];
          const double qj = norms(b0 + j);
          const float* column = tile.col(j).data();
          double worst = top.bound();
          int any = 0;
          for (Index i = 0; i < an; ++i)
            any |= (norms(a0 + i) + qj - 2.0 * static_cast<double>(column[i]) <= worst);
          if (!any) continue;
          for (Index i = 0; i < an; ++i) {
            const double distance = norms(a0 + i) + qj - 2.0 * static_cast<double>(column[i]);
            if (distance <= worst) {
              top.offer(distance, static_cast<std::int32_t>(a0 + i));
              worst = top.bound();
            }
          }
        }
      }
    }
    std::vector<Candidate> c;
#pragma omp for schedule(dynamic, 256)
    for (Index i = 0; i < n; ++i) {
      TopList& top = tops[static_cast<size_t>(i)];
      c.clear();
      for (const auto& cand : top.items()) c.push_back({points.distance(i, cand.index), cand.index});
      std::sort(c.begin(), c.end());
      // Any point outside the list has approximate distance >= worst(); its exact
      // distance differs by at most `bound`, so if worst() − bound exceeds the exact
      // k-th distance nothing outside can belong to the answer. The single-precision
      // dot product of rounded inputs errs by at most (d + 2)·u·‖q‖‖x‖ (u = FLT_EPSILON/2),
      // so the distance by at most (d + 2)·u·(‖q‖² + ‖x‖²); the bound doubles that.
      const double bound = 2.0 * (static_cast<double>(d) + 2.0) * std::numeric_limits<float>::epsilon() *
                           (norms(i) + max_norm);
      const bool certified = static_cast<Index>(top.items().size()) >= n - 1 ||
                             (top.full() && top.worst() - bound > c[r.k - 1].distance);
      if (!certified) exact_scan(points, i, r.k, c);
      store(r, i, c);
      top = TopList(0);  // release the list's memory
    }
  }
}

// ------------------------------------------------------------------ brute force, sparse

void knn_brute_sparse(const Csr& x, KnnResult& r) {
  const Index n = x.rows();
  const Csr xt = x.transpose();  // feature → samples (inverted index), O(nnz)
  const Vector norms = x.row_squared_norms();
  const double max_norm = n ? norms.maxCoeff() : 0.0;
  const auto& rp = x.row_ptr();
  const auto& ci = x.col_idx();
  const auto& v = x.values();
  const int slack = 8;
  const size_t capacity = static_cast<size_t>(std::min<Index>(n - 1, r.k + slack));
#pragma omp parallel
  {
    std::vector<double> dot(static_cast<size_t>(n), 0.0);
    std::vector<std::int32_t> touched;
    std::vector<Candidate> c;
    TopList top(capacity);
#pragma omp for schedule(dynamic, 64)
    for (Index i = 0; i < n; ++i) {
      // Sparse dot products of row i with every row through the inverted index.
      touched.clear();
      for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) {
        const Index f = ci[p];
        for (Csr::Offset q = xt.row_ptr()[f]; q < xt.row_ptr()[f + 1]; ++q) {
          const std::int32_t j = xt.col_idx()[q];
          if (dot[j] == 0.0) touched.push_back(j);
          dot[j] += v[p] * xt.values()[q];
        }
      }
      top.clear();
      for (Index j = 0; j < n; ++j)
        if (j != i) top.offer(norms(i) + norms(j) - 2.0 * dot[j], static_cast<std::int32_t>(j));
      for (std::int32_t j : touched) dot[j] = 0.0;
      c.clear();
      for (const auto& cand : top.items()) c.push_back({sparse_distance(x, i, cand.index), cand.index});
      std::sort(c.begin(), c.end());
      // Same certification as the dense path: rounding of the expansion is bounded.
      const double bound = 8.0 * std::numeric_limits<double>::epsilon() * (norms(i) + max_norm) *
                           static_cast<double>(rp[i + 1] - rp[i] + 2);
      const bool certified =
          static_cast<Index>(c.size()) >= n - 1 || top.worst() - bound > c[r.k - 1].distance;
      if (!certified) {
        TopList all(static_cast<size_t>(r.k));
        for (Index j = 0; j < n; ++j)
          if (j != i) all.offer(sparse_distance(x, i, j), static_cast<std::int32_t>(j));
        c = all.items();
      }
      store(r, i, c);
    }
  }
}

/// Seconds for one kBlock×kBlock brute-force tile (block loads, GEMM and candidate
/// offers) on this thread; the best of three repetitions.
double time_brute_tile(const Rows& points, int k) {
  const Index b = std::min<Index>(kBlock, points.n());
  const Vector norms = points.squared_norms().head(b);
  std::vector<TopList> tops(static_cast<size_t>(b), TopList(static_cast<size_t>(k + 9)));
  RowMajorF block_a, block_b;
  Eigen::MatrixXf tile;
  double best = std::numeric_limits<double>::infinity();
  for (int rep = 0; rep < 3; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    points.block(0, b, block_a);
    points.block(0, b, block_b);
    tile.noalias() = block_a * block_b.transpose();
    for (Index i = 0; i < b; ++i)
      for (Index j = 0; j < b; ++j)
        tops[static_cast<size_t>(i)].offer(norms(i) + norms(j) - 2.0 * static_cast<double>(tile(i, j)),
                                           static_cast<std::int32_t>(j));
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

/// Mean seconds per tree query on this thread, over queries spread across the data.
double time_kd_query(const RowMajor& points, const Tree& tree, int k) {
  const Index n = points.rows(), samples = std::min<Index>(256, n);
  std::vector<std::uint32_t> ids;
  std::vector<double> dist;
  std::vector<Candidate> c;
  const auto start = std::chrono::steady_clock::now();
  for (Index s = 0; s < samples; ++s) kd_query(points, tree, s * (n / samples), k, ids, dist, c);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
         static_cast<double>(samples);
}

}  // namespace

KnnResult knn(const DataMatrix& X, const KnnOptions& options) {
  const Index n = X.rows(), d = X.cols();
  options.validate(n);
  if (n > std::numeric_limits<std::int32_t>::max())
    throw InvalidOption("kNN supports at most 2^31 − 1 points");
  // Squared distances are at most 2‖x‖² + 2‖y‖²: with a finite 4‖X‖² none overflows (an
  // Inf distance would make the searches loop or compare nonsense).
  if (!std::isfinite(4.0 * X.squared_norm()))
    throw InvalidOption("kNN: the data's squared norms overflow double precision (largest entry " +
                        std::to_string(std::max(std::abs(X.max_value()), std::abs(X.min_value()))) +
                        "); scale the data down");
  KnnResult r;
  r.n = n;
  r.k = options.n_neighbors;
  r.indices.resize(static_cast<size_t>(n * r.k));
  r.squared_distances.resize(static_cast<size_t>(n * r.k));
  r.method_used =
      options.method == KnnMethod::automatic ? choose_knn_method(n, d, X.is_sparse()) : options.method;
  // Sparse rows are searched in place when d is large: through the tiles (one block
  // densified at a time) unless the data are so sparse (< 1 % stored) that the inverted
  // index does less work. For d <= 32 a dense copy costs at most 32 doubles per row and
  // enables both dense paths.
  if (r.method_used == KnnMethod::brute_force && X.is_sparse() && d > kBruteForceAlways) {
    const double density =
        static_cast<double>(X.stored_entries()) / (static_cast<double>(n) * static_cast<double>(d));
    if (density >= 0.01)
      knn_brute_tiled(Rows(*X.sparse()), r);
    else
      knn_brute_sparse(*X.sparse(), r);
    return r;
  }
  // Row-major copy: each point's coordinates are contiguous (O(n·d) memory, the
  // size of the data itself when dense).
  const RowMajor points = X.is_sparse() ? RowMajor(X.sparse()->to_dense()) : RowMajor(*X.dense());
  std::unique_ptr<KdIndex> index;
  if (r.method_used != KnnMethod::brute_force) index = std::make_unique<KdIndex>(points);
  if (r.method_used == KnnMethod::automatic) {
    // Timing probe (a few milliseconds): predicted single-thread time of all n tree
    // queries against all brute-force tiles. Both methods return identical results,
    // so the choice affects speed only.
    const Index blocks = (n + 255) / 256;
    const double kd = time_kd_query(points, index->tree, r.k) * static_cast<double>(n);
    const double brute = time_brute_tile(Rows(points), r.k) * static_cast<double>(blocks * (blocks + 1) / 2);
    r.method_used = kd <= brute ? KnnMethod::kd_tree : KnnMethod::brute_force;
  }
  if (r.method_used == KnnMethod::kd_tree)
    knn_kd_tree(points, index->tree, r);
  else
    knn_brute_tiled(Rows(points), r);
  return r;
}

}  // namespace dnmf
