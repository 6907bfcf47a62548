// k-means: greedy k-means++ seeding, Lloyd iterations, restarts.
//
// Determinism with threads: every parallel loop runs over fixed blocks of kBlock
// points (or over features), each block computed by one thread in a fixed order, and
// reductions add per-block partial results in block order. The block layout depends
// on n only, so results depend on the seed and never on the number of threads.
//
// Distances inside the iterations use the expansion ‖x‖² − 2x·c + ‖c‖² with one GEMM
// per block of points, so the n·k·d part runs at GEMM speed; the expansion is taken
// about the data mean to limit cancellation (see Shifted). The reported inertia is
// always computed directly as Σ‖x_i − c_{label(i)}‖².
#include "dnmf/cluster/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"

namespace dnmf {

void KMeansOptions::validate(Index n_points) const {
  if (n_clusters < 1 || n_clusters > n_points)
    throw InvalidOption("n_clusters = " + std::to_string(n_clusters) +
                        " must satisfy 1 <= n_clusters <= n_points = " + std::to_string(n_points));
  if (n_init < 1) throw InvalidOption("n_init = " + std::to_string(n_init) + " must be >= 1");
  if (max_iterations < 1)
    throw InvalidOption("max_iterations = " + std::to_string(max_iterations) + " must be >= 1");
  if (!(tolerance >= 0))  // also rejects NaN
    throw InvalidOption("tolerance = " + std::to_string(tolerance) + " must be >= 0");
}

namespace {

/// Points per block. A block of X (kBlock×d, as packed by the GEMM) and its kBlock×k
/// dot products stay in L2 for d ≤ 256, k ≤ 50; the value also fixes the reduction
/// order (see top), so it must not depend on the thread count.
constexpr Index kBlock = 256;
/// Below this many flops a parallel region costs more than it saves (fork/join, and
/// spinning threads on a loaded machine).
constexpr double kParallelWork = 1 << 17;

Index block_count(Index n) {
  return (n + kBlock - 1) / kBlock;
}

bool worth_threads(Index blocks, double flops) {
  return blocks > 1 && flops >= kParallelWork;
}

/// The data with what every pass needs: the mean m and ‖x_i − m‖² per point.
struct Data {
  const Dense& x;
  Vector mean;          ///< d
  Vector centred_norm;  ///< n, ‖x_i − m‖², computed directly (no cancellation)
  Index n, d, blocks;
};

Data describe(const Dense& x) {
  Data data{x,        x.colwise().mean().transpose(), Vector::Zero(x.rows()), x.rows(),
            x.cols(), block_count(x.rows())};
  // Column by column: contiguous reads, and each norm is summed over features in order.
  for (Index j = 0; j < data.d; ++j)
    data.centred_norm += (x.col(j).array() - data.mean(j)).matrix().cwiseAbs2();
  return data;
}

/// Centres prepared for the expansion. With c' = c − m and x' = x − m,
///   ‖x − c‖² = ‖x'‖² − 2 x·c' + (‖c'‖² + 2 m·c'),
/// so the GEMM runs on the raw points (no centred copy of X, which would cost an
/// extra pass over memory) while the rounding error, ~ε‖x‖‖c'‖, is that of data
/// shifted to the mean rather than ε‖x‖² for the plain expansion.
struct Shifted {
  Dense transposed;  ///< d × k, columns c'
  Vector offset;     ///< k, ‖c'‖² + 2 m·c'
};

Shifted shift(const Data& data, const Dense& centers) {
  Shifted s;
  s.transposed = (centers.rowwise() - data.mean.transpose()).transpose();
  s.offset = s.transposed.colwise().squaredNorm().transpose() + 2 * s.transposed.transpose() * data.mean;
  return s;
}

/// dots(i, c) = x_{start+i} · c'_c for one block: a len×d by d×k GEMM. The block's
/// column segments are contiguous, so Eigen packs them straight from X.
void block_dots(const Data& data, const Shifted& centers, Index start, Index len, Dense& dots) {
  dots.topRows(len).noalias() = data.x.middleRows(start, len) * centers.transposed;
}

/// Exact ‖x_i − y‖² for every point and one row y, into out. O(n·d).
void distances_to_row(const Data& data, const Eigen::RowVectorXd& y, Vector& out) {
  const Index n = data.n;
#pragma omp parallel for schedule(static) if (worth_threads(data.blocks, 3.0 * n * data.d))
  for (Index b = 0; b < data.blocks; ++b) {
    const Index start = b * kBlock, len = std::min(kBlock, n - start);
    auto segment = out.segment(start, len);
    segment.setZero();
    for (Index j = 0; j < data.d; ++j)
      segment += (data.x.col(j).segment(start, len).array() - y(j)).matrix().cwiseAbs2();
  }
}

/// Greedy k-means++ (Arthur & Vassilvitskii 2007, with scikit-learn's 2 + ⌊ln k⌋
/// local trials): each new centre is drawn `trials` times with probability ∝ D(x)²,
/// the squared distance to the nearest chosen centre, and the candidate that lowers
/// the potential Σ D(x)² most is kept. Plain k-means++ (one draw) is noticeably worse
/// on unbalanced data. One pass over X per centre: a GEMM against all candidates at
/// once, keeping their distance columns so the winner needs no second pass.
/// O(k·trials·n·d) time, O(n·trials) extra memory.
Dense seed_plus_plus(const Data& data, int k, Rng& rng) {
  const Index n = data.n, d = data.d;
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  Dense centers(k, d);
  const Index first = static_cast<Index>(rng.below(static_cast<std::uint64_t>(n)));
  centers.row(0) = data.x.row(first);
  Vector closest(n);
  distances_to_row(data, centers.row(0), closest);

  std::vector<double> cumulative(static_cast<size_t>(n));
  std::vector<Index> candidate(static_cast<size_t>(trials));
  Dense candidates(trials, d);
  Dense trial_distance(n, trials);  // ‖x_i − candidate_t‖²
  Dense partial(trials, data.blocks);
  for (int c = 1; c < k; ++c) {
    // Cumulative D² in point order: the sampling distribution (inverse CDF by binary
    // search) and, in its last entry, the current potential. O(n).
    std::partial_sum(closest.data(), closest.data() + n, cumulative.begin());
    const double potential = cumulative.back();
    for (int t = 0; t < trials; ++t) {
      Index pick;
      if (potential > 0) {
        const double target = rng.uniform() * potential;
        pick = std::upper_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin();
        // Rounding may give target == potential: take the last point of positive
        // weight instead (never a point that already is a centre).
        if (pick == n) {
          do --pick;
          while (closest(pick) <= 0);
        }
      } else {
        // Every point coincides with a chosen centre: any point will do.
        pick = static_cast<Index>(rng.below(static_cast<std::uint64_t>(n)));
      }
      candidate[static_cast<size_t>(t)] = pick;
      candidates.row(t) = data.x.row(pick);
    }
    const Shifted shifted = shift(data, candidates);
    // Potential with each candidate added, Σ_i min(D²(x_i), ‖x_i − cand_t‖²), as
    // per-block partial sums (added in block order below, so thread-independent).
#pragma omp parallel if (worth_threads(data.blocks, 2.0 * n * d * trials))
    {
      Dense dots(kBlock, trials);
#pragma omp for schedule(static)
      for (Index b = 0; b < data.blocks; ++b) {
        const Index start = b * kBlock, len = std::min(kBlock, n - start);
        block_dots(data, shifted, start, len, dots);
        for (int t = 0; t < trials; ++t) {
          double sum = 0;
          for (Index i = 0; i < len; ++i) {
            const double dist =
                std::max(0.0, data.centred_norm(start + i) - 2 * dots(i, t) + shifted.offset(t));
            trial_distance(start + i, t) = dist;
            sum += std::min(closest(start + i), dist);
          }
          partial(t, b) = sum;
        }
      }
    }
    int best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (int t = 0; t < trials; ++t) {
      double p = 0;
      for (Index b = 0; b < data.blocks; ++b) p += partial(t, b);
      if (p < best_potential) best_potential = p, best = t;  // first candidate wins ties
    }
    centers.row(c) = candidates.row(best);
    closest = closest.cwiseMin(trial_distance.col(best));
  }
  return centers;
}

/// E-step: nearest centre of every point (lowest index on ties) and the squared
/// distance to it, clamped at 0. Per block one len×d by d×k GEMM, then an argmin
/// over the centres for each point. O(n·k·d) flops, O(threads·kBlock·k) extra memory.
void assign(const Data& data, const Dense& centers, std::vector<int>& labels, Vector& nearest) {
  const Index n = data.n, d = data.d, k = centers.rows();
  const Shifted shifted = shift(data, centers);
#pragma omp parallel if (worth_threads(data.blocks, 2.0 * n * k * d))
  {
    Dense dots(kBlock, k);
    Vector best_value(kBlock);
#pragma omp for schedule(static)
    for (Index b = 0; b < data.blocks; ++b) {
      const Index start = b * kBlock, len = std::min(kBlock, n - start);
      block_dots(data, shifted, start, len, dots);
      // ‖x'‖² is common to all centres, so only value = offset − 2x·c' is compared.
      // A compare-and-select loop is not vectorised by GCC unless NaNs are ruled out
      // (-ffinite-math-only), and its branches mispredict ~ln k times per point. So:
      // values in place and their minimum with Eigen's explicit SIMD min, then the
      // first centre attaining it (lowest index on ties; one unpredictable exit).
      auto values = dots.topRows(len);
      values = (-2 * values).rowwise() + shifted.offset.transpose();
      best_value.head(len) = values.col(0);
      for (Index c = 1; c < k; ++c) best_value.head(len) = best_value.head(len).cwiseMin(values.col(c));
      for (Index i = 0; i < len; ++i) {
        Index c = 0;  // the bound only matters if huge data overflowed to Inf/NaN
        while (c + 1 < k && values(i, c) != best_value(i)) ++c;
        labels[static_cast<size_t>(start + i)] = static_cast<int>(c);
        nearest(start + i) = std::max(0.0, data.centred_norm(start + i) + best_value(i));
      }
    }
  }
}

/// M-step: each centre becomes the mean of its points. One feature per thread, each
/// summed over the points in index order into four interleaved accumulators (point
/// i into i mod 4; consecutive points of one cluster would otherwise wait on each
/// other's store), combined in a fixed order, so the sums are thread-independent.
/// Empty clusters are moved to the point farthest from its centre (distances from
/// the last E-step), a different point for each. O(n·d + empty·n).
void update_centers(const Data& data, const std::vector<int>& labels, Vector& nearest, Dense& centers) {
  const Index n = data.n, d = data.d, k = centers.rows();
  Vector counts = Vector::Zero(k);
  for (Index i = 0; i < n; ++i) counts(labels[static_cast<size_t>(i)]) += 1;
  const int* label = labels.data();
  const bool threads = d > 1 && static_cast<double>(n) * static_cast<double>(d) >= kParallelWork;
#pragma omp parallel if (threads)
  {
    Dense sums(k, 4);
#pragma omp for schedule(static)
    for (Index j = 0; j < d; ++j) {
      sums.setZero();
      const double* column = data.x.col(j).data();
      Index i = 0;
      for (; i + 4 <= n; i += 4) {
        sums(label[i], 0) += column[i];
        sums(label[i + 1], 1) += column[i + 1];
        sums(label[i + 2], 2) += column[i + 2];
        sums(label[i + 3], 3) += column[i + 3];
      }
      for (; i < n; ++i) sums(label[i], 0) += column[i];
      centers.col(j) = (sums.col(0) + sums.col(1)) + (sums.col(2) + sums.col(3));
    }
  }
  for (Index c = 0; c < k; ++c) {
    if (counts(c) > 0) {
      centers.row(c) /= counts(c);
    } else {
      Index far;
      nearest.maxCoeff(&far);  // lowest index on ties
      centers.row(c) = data.x.row(far);
      nearest(far) = -1;  // not available to the next empty cluster
    }
  }
}

/// Σ_i ‖x_i − c_{label(i)}‖² computed directly; per-block partial sums added in block
/// order. O(n·d).
double inertia_of(const Data& data, const Dense& centers, const std::vector<int>& labels) {
  const Index n = data.n;
  std::vector<double> partial(static_cast<size_t>(data.blocks));
#pragma omp parallel if (worth_threads(data.blocks, 3.0 * n * data.d))
  {
    Vector residual(kBlock);
#pragma omp for schedule(static)
    for (Index b = 0; b < data.blocks; ++b) {
      const Index start = b * kBlock, len = std::min(kBlock, n - start);
      residual.head(len).setZero();
      for (Index j = 0; j < data.d; ++j) {
        const double* column = data.x.col(j).data() + start;
        for (Index i = 0; i < len; ++i) {
          const double diff = column[i] - centers(labels[static_cast<size_t>(start + i)], j);
          residual(i) += diff * diff;
        }
      }
      partial[static_cast<size_t>(b)] = residual.head(len).sum();
    }
  }
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

struct Run {
  std::vector<int> labels;
  Dense centers;
  double inertia = std::numeric_limits<double>::infinity();
  int iterations = 0;
};

/// Lloyd iterations from the given centres until the summed squared centre shift is
/// <= shift_tolerance or max_iterations. O(iterations·n·k·d).
Run lloyd(const Data& data, Dense centers, int max_iterations, double shift_tolerance) {
  Run run;
  run.labels.assign(static_cast<size_t>(data.n), 0);
  Vector nearest(data.n);
  Dense updated(centers.rows(), data.d);
  double shift = 0;
  for (int it = 1; it <= max_iterations; ++it) {
    run.iterations = it;
    assign(data, centers, run.labels, nearest);
    update_centers(data, run.labels, nearest, updated);
    shift = (updated - centers).squaredNorm();
    centers.swap(updated);
    if (shift <= shift_tolerance) break;
  }
  // The centres moved in the last M-step; label the points for the centres returned
  // (unnecessary when nothing moved, i.e. the labels were already stable).
  if (shift > 0) assign(data, centers, run.labels, nearest);
  run.inertia = inertia_of(data, centers, run.labels);
  run.centers = std::move(centers);
  return run;
}

}  // namespace

KMeansResult kmeans(const Dense& points, const KMeansOptions& options) {
  options.validate(points.rows());
  if (!points.allFinite()) {
    Index row = 0, col = 0;
    (!points.array().isFinite()).cast<int>().maxCoeff(&row, &col);  // first bad entry
    throw InputError("k-means: points(" + std::to_string(row) + ", " + std::to_string(col) +
                     ") = " + std::to_string(points(row, col)) + " is not finite");
  }
  const Data data = describe(points);
  // scikit-learn's rule: the shift tolerance is relative to the mean per-feature
  // variance, so it does not depend on the scale of the data.
  const double variance =
      data.d > 0 ? data.centred_norm.sum() / (static_cast<double>(data.n) * static_cast<double>(data.d))
                 : 0.0;
  const double shift_tolerance = options.tolerance * variance;
  // One random stream for all restarts: the first restart with n_init = r is the
  // same run as with n_init = 1, so more restarts can only lower the inertia.
  Rng rng(options.seed);
  Run best;
  for (int r = 0; r < options.n_init; ++r) {
    Run run =
        lloyd(data, seed_plus_plus(data, options.n_clusters, rng), options.max_iterations, shift_tolerance);
    if (run.inertia < best.inertia) best = std::move(run);  // earliest restart wins ties
  }
  KMeansResult result;
  result.labels = std::move(best.labels);
  result.centers = std::move(best.centers);
  result.inertia = best.inertia;
  result.iterations = best.iterations;
  return result;
}

}  // namespace dnmf
