#include "dnmf/cluster/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
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
  if (!(tolerance >= 0)) throw InvalidOption("tolerance must be >= 0");
}

namespace {

/// Squared distances of every point to every centre through ‖x‖² − 2x·c + ‖c‖²:
/// one GEMM (n×d by d×k) instead of n·k scalar loops. Clamped at 0 (rounding).
void squared_distances(const Dense& points, const Vector& point_norms, const Dense& centers, Dense& out) {
  out.noalias() = points * centers.transpose();  // n×k
  const Vector center_norms = centers.rowwise().squaredNorm();
  out = ((-2.0 * out).colwise() + point_norms).rowwise() + center_norms.transpose();
  out = out.cwiseMax(0.0);
}

/// k-means++ seeding with 2 + ⌊ln k⌋ local trials per centre (the "greedy" variant):
/// each new centre is the candidate, drawn with probability ∝ D(x)², that most
/// lowers the potential Σ D(x)². O(n·d·k·trials).
Dense seed_plus_plus(const Dense& points, int k, Rng& rng) {
  const Index n = points.rows();
  Dense centers(k, points.cols());
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  Index first = static_cast<Index>(rng.below(static_cast<std::uint64_t>(n)));
  centers.row(0) = points.row(first);
  Vector closest = (points.rowwise() - points.row(first)).rowwise().squaredNorm();
  for (int c = 1; c < k; ++c) {
    const double potential = closest.sum();
    Index best = -1;
    double best_potential = std::numeric_limits<double>::infinity();
    Vector best_closest;
    for (int t = 0; t < trials; ++t) {
      Index candidate;
      if (potential > 0) {
        // Inverse-CDF sampling on the cumulative D² weights.
        const double target = rng.uniform() * potential;
        double cumulative = 0;
        candidate = n - 1;
        for (Index i = 0; i < n; ++i) {
          cumulative += closest(i);
          if (cumulative > target) {
            candidate = i;
            break;
          }
        }
      } else {
        candidate =
            static_cast<Index>(rng.below(static_cast<std::uint64_t>(n)));  // all points coincide with centres
      }
      Vector updated = (points.rowwise() - points.row(candidate)).rowwise().squaredNorm().cwiseMin(closest);
      const double p = updated.sum();
      if (p < best_potential) {
        best_potential = p;
        best = candidate;
        best_closest = std::move(updated);
      }
    }
    centers.row(c) = points.row(best);
    closest = std::move(best_closest);
  }
  return centers;
}

struct Run {
  std::vector<int> labels;
  Dense centers;
  double inertia = 0;
  int iterations = 0;
};

Run lloyd(const Dense& points, const Vector& point_norms, Dense centers, const KMeansOptions& opt,
          double tolerance) {
  const Index n = points.rows(), d = points.cols();
  const int k = opt.n_clusters;
  Run run;
  run.labels.assign(static_cast<size_t>(n), 0);
  Dense distances;
  Vector nearest(n);
  for (int it = 1; it <= opt.max_iterations; ++it) {
    run.iterations = it;
    squared_distances(points, point_norms, centers, distances);
    // Assignment is independent per point: parallel and deterministic.
#pragma omp parallel for schedule(static) if (n * k > 100000)
    for (Index i = 0; i < n; ++i) {
      Index j;
      nearest(i) = distances.row(i).minCoeff(&j);
      run.labels[static_cast<size_t>(i)] = static_cast<int>(j);
    }
    // Centre update in a fixed (serial) order, so results do not depend on threads.
    Dense sums = Dense::Zero(k, d);
    Vector counts = Vector::Zero(k);
    for (Index i = 0; i < n; ++i) {
      sums.row(run.labels[i]) += points.row(i);
      counts(run.labels[i]) += 1;
    }
    Dense updated(k, d);
    for (int c = 0; c < k; ++c) {
      if (counts(c) > 0) {
        updated.row(c) = sums.row(c) / counts(c);
      } else {
        // Empty cluster: move it to the point farthest from its centre, and make
        // that point unavailable for the next empty cluster.
        Index far;
        nearest.maxCoeff(&far);
        updated.row(c) = points.row(far);
        nearest(far) = -1;
      }
    }
    const double shift = (updated - centers).squaredNorm();
    centers = std::move(updated);
    if (shift <= tolerance) break;
  }
  // Final assignment and exact inertia for the final centres.
  run.inertia = 0;
  for (Index i = 0; i < n; ++i) {
    double best = std::numeric_limits<double>::infinity();
    int arg = 0;
    for (int c = 0; c < k; ++c) {
      const double dist = (points.row(i) - centers.row(c)).squaredNorm();
      if (dist < best) best = dist, arg = c;
    }
    run.labels[static_cast<size_t>(i)] = arg;
    run.inertia += best;
  }
  run.centers = std::move(centers);
  return run;
}

}  // namespace

KMeansResult kmeans(const Dense& points, const KMeansOptions& options) {
  options.validate(points.rows());
  if (!points.allFinite()) throw InputError("k-means: the points contain NaN or Inf");
  const Vector point_norms = points.rowwise().squaredNorm();
  // scikit-learn's rule: tolerance relative to the mean per-feature variance.
  const Vector mean = points.colwise().mean().transpose();
  const double variance = points.cols() > 0
                              ? (points.rowwise() - mean.transpose()).colwise().squaredNorm().sum() /
                                    (static_cast<double>(points.rows()) * static_cast<double>(points.cols()))
                              : 0.0;
  const double tolerance = options.tolerance * variance;
  Rng rng(options.seed);
  Run best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int r = 0; r < options.n_init; ++r) {
    Run run = lloyd(points, point_norms, seed_plus_plus(points, options.n_clusters, rng), options, tolerance);
    if (run.inertia < best.inertia) best = std::move(run);
  }
  KMeansResult result;
  result.labels = std::move(best.labels);
  result.centers = std::move(best.centers);
  result.inertia = best.inertia;
  result.iterations = best.iterations;
  return result;
}

}  // namespace dnmf
