#include "dnmf/models/mu.hpp"

#include <algorithm>
#if defined(__SSE2__)
#include <xmmintrin.h>
#endif
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/linalg/parallel.hpp"

namespace dnmf {

void multiplicative_update(Dense& theta, const Dense& numerator, const Dense& denominator, double epsilon,
                           double exponent, double floor) {
  auto ratio = numerator.array() / denominator.array().max(epsilon);
  if (exponent == 1.0)
    theta.array() *= ratio;
  else if (exponent == 0.5)  // the common damped exponents: sqrt is far cheaper than pow
    theta.array() *= ratio.sqrt();
  else if (exponent == 0.25)
    theta.array() *= ratio.sqrt().sqrt();
  else
    theta.array() *= ratio.pow(exponent);
  if (floor > 0.0) theta = theta.array().max(floor).matrix();
}

bool multiplicative_update_into(const Dense& old, const Dense& numerator, const Dense& denominator,
                                double epsilon, double exponent, double floor, Dense& out) {
  out.resize(old.rows(), old.cols());
  const Index n = old.size();
  const double* o = old.data();
  const double* num = numerator.data();
  const double* den = denominator.data();
  double* t = out.data();
  bool finite = true;
  // Flat index blocks (elementwise, so any split gives the same result).
  for_row_blocks(n, 1, [&](Index begin, Index count) {
    bool ok = true;
    for (Index i = begin; i < begin + count; ++i) {
      t[i] = mu_entry(o[i], num[i], den[i], epsilon, exponent, floor);
      ok = ok && std::isfinite(t[i]);
    }
    if (!ok) {
#pragma omp atomic write
      finite = false;
    }
  });
  return finite;
}

bool multiplicative_update_block(const Eigen::Ref<const Dense>& old, const Eigen::Ref<const Dense>& numerator,
                                 const Eigen::Ref<const Dense>& denominator, double epsilon, double exponent,
                                 double floor, Eigen::Ref<Dense> out) {
  bool ok = true;
  for (Index j = 0; j < old.cols(); ++j)
    for (Index i = 0; i < old.rows(); ++i) {
      const double v = mu_entry(old(i, j), numerator(i, j), denominator(i, j), epsilon, exponent, floor);
      ok = ok && std::isfinite(v);
      out(i, j) = v;
    }
  return ok;
}

namespace {

/// Multiplicative updates drive unused entries of the factors geometrically towards 0, and
/// after a few hundred iterations products of them fall below 2.2e-308, where x86 handles
/// subnormal numbers in microcode (tens of times slower per operation). Within the sparse
/// KL kernels such values are read and produced as 0 (flush-to-zero, denormals-are-zero);
/// the thread's previous mode is restored on exit.
class FlushSubnormals {
 public:
#if defined(__SSE2__)
  FlushSubnormals() : saved_(_mm_getcsr()) {
    _mm_setcsr(saved_ | 0x8040u);
  }  // FTZ | DAZ
  ~FlushSubnormals() {
    _mm_setcsr(saved_);
  }

 private:
  unsigned saved_;
#else
  FlushSubnormals() {}
#endif
};

/// x log(x/v) for x, v > 0, also where x/v underflows to 0 (x subnormal: log(x/v) would be
/// −∞ and the product −∞ or NaN).
inline double x_log_x_over_v(double x, double v) {
  const double r = x / v;
  return r > 0.0 ? x * std::log(r) : x * (std::log(x) - std::log(v));
}
}  // namespace

double kl_stored_entries(const Csr& X, const Dense& Lt, const Dense& Rt, double epsilon,
                         std::vector<double>* z) {
  const auto& rp = X.row_ptr();
  const auto& ci = X.col_idx();
  const auto& xv = X.values();
  // Row sums first, added in row order afterwards: the result does not depend on how the
  // threads shared the rows (same data and factors, same bits).
  std::vector<double> row_sum(static_cast<size_t>(X.rows()), 0.0);
#pragma omp parallel for schedule(dynamic, 256)
  for (Index i = 0; i < X.rows(); ++i) {
    double s = 0.0;
    for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) {
      const double v = std::max(Lt.col(i).dot(Rt.col(ci[p])), epsilon);
      const double x = xv[static_cast<size_t>(p)];
      if (z) (*z)[static_cast<size_t>(p)] = x / v;
      if (x > 0.0) s += x_log_x_over_v(x, v) - x;
    }
    row_sum[static_cast<size_t>(i)] = s;
  }
  double sum = 0.0;
  for (const double s : row_sum) sum += s;
  return sum;
}

double kl_ratio_product(const Csr& X, const Dense& A, const Dense& B, double epsilon, bool with_log,
                        Dense& out) {
  const auto& rp = X.row_ptr();
  const auto& ci = X.col_idx();
  const auto& xv = X.values();
  out.resize(A.rows(), X.rows());
  std::vector<double> row_sum(with_log ? static_cast<size_t>(X.rows()) : 0, 0.0);
  const Index k = A.rows();
  // Plain loops over the k entries (k is small, 2–100): Eigen's dynamic-size dot and axpy
  // spend more on setup than on arithmetic at these lengths.
#pragma omp parallel
  {
    const FlushSubnormals flush;
#pragma omp for schedule(dynamic, 256)
    for (Index i = 0; i < X.rows(); ++i) {
      double* acc = out.col(i).data();
      const double* a = A.col(i).data();
      for (Index c = 0; c < k; ++c) acc[c] = 0.0;
      double s = 0.0;
      const Csr::Offset end = rp[i + 1];
      for (Csr::Offset p = rp[i]; p < end; ++p) {
        // The columns of B are gathered at random (X's column indices): fetch the one a few
        // entries ahead while this one is used.
        if (p + 4 < end) {
          const char* next = reinterpret_cast<const char*>(B.col(ci[p + 4]).data());
          for (Index off = 0; off < k * static_cast<Index>(sizeof(double)); off += 64)
            __builtin_prefetch(next + off);
        }
        const double* b = B.col(ci[p]).data();
        double dot = 0.0;
#pragma omp simd reduction(+ : dot)
        for (Index c = 0; c < k; ++c) dot += a[c] * b[c];
        const double v = std::max(dot, epsilon);
        const double x = xv[static_cast<size_t>(p)];
        const double z = x / v;
#pragma omp simd
        for (Index c = 0; c < k; ++c) acc[c] += z * b[c];
        if (with_log && x > 0.0) s += x_log_x_over_v(x, v) - x;
      }
      if (with_log) row_sum[static_cast<size_t>(i)] = s;
    }
  }
  double sum = 0.0;
  for (const double s : row_sum) sum += s;
  return sum;
}

double beta_entry_divergence(double x, double v, double beta) {
  if (beta == 1.0) return (x > 0.0 ? x_log_x_over_v(x, v) - x : 0.0) + v;
  if (beta == 0.0) return x / v - std::log(x / v) - 1.0;
  return (std::pow(x, beta) + (beta - 1.0) * std::pow(v, beta) - beta * x * std::pow(v, beta - 1.0)) /
         (beta * (beta - 1.0));
}

double dense_beta_divergence(const Dense& X, const Dense& V, double beta) {
  std::vector<double> col_sum(static_cast<size_t>(X.cols()), 0.0);
#pragma omp parallel for schedule(static)
  for (Index j = 0; j < X.cols(); ++j) {
    double s = 0.0;
    for (Index i = 0; i < X.rows(); ++i) s += beta_entry_divergence(X(i, j), V(i, j), beta);
    col_sum[static_cast<size_t>(j)] = s;
  }
  double sum = 0.0;
  for (const double s : col_sum) sum += s;
  return std::max(sum, 0.0);
}

void check_finite(const Dense& factor, const std::string& factor_name, int iteration,
                  const std::string& stage) {
  if (!factor.allFinite())
    throw NumericalError("NaN/Inf in " + factor_name + " after iteration " + std::to_string(iteration) +
                         " (" + stage + ")");
}

}  // namespace dnmf
