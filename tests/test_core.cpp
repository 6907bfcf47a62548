// Core types: CSR construction, validation and conversions against dense references.
#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <string>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"

namespace tt = boost::test_tools;
using dnmf::Csr;
using dnmf::Dense;

namespace {

/// Random sparse matrix with about `density` of its entries stored (values in (-1, 1)).
Dense random_sparse_dense(dnmf::Index rows, dnmf::Index cols, double density, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  Dense d = Dense::Zero(rows, cols);
  for (dnmf::Index j = 0; j < cols; ++j)
    for (dnmf::Index i = 0; i < rows; ++i)
      if (rng.uniform() < density) d(i, j) = 2.0 * rng.uniform() - 1.0;
  return d;
}

bool throws_with(const std::function<void()>& f, const std::string& fragment) {
  try {
    f();
  } catch (const dnmf::InputError& e) {
    return std::string(e.what()).find(fragment) != std::string::npos;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csr)

BOOST_AUTO_TEST_CASE(dense_round_trip_and_transpose) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Dense d = random_sparse_dense(13, 7, 0.3, seed);
    const Csr a = Csr::from_dense(d);
    BOOST_CHECK(a.to_dense() == d);
    BOOST_CHECK(a.transpose().to_dense() == Dense(d.transpose()));
    BOOST_TEST(a.nnz() == (d.array() != 0).count());
    BOOST_TEST(a.squared_norm() == d.squaredNorm(), tt::tolerance(1e-14));
    BOOST_TEST((a.row_sums() - d.rowwise().sum()).norm() <= 1e-14);
    BOOST_TEST((a.col_sums() - d.colwise().sum().transpose()).norm() <= 1e-14);
    BOOST_TEST((a.row_squared_norms() - d.rowwise().squaredNorm()).norm() <= 1e-14);
    for (dnmf::Index i = 0; i < d.rows(); ++i)
      for (dnmf::Index j = 0; j < d.cols(); ++j) BOOST_TEST(a.coeff(i, j) == d(i, j));
  }
}

BOOST_AUTO_TEST_CASE(triplets_sum_duplicates_and_drop_zeros) {
  const Csr a = Csr::from_triplets(3, 4, {{2, 1, 1.5}, {0, 3, 2.0}, {2, 1, 0.5}, {1, 0, 1.0}, {1, 0, -1.0}});
  BOOST_TEST(a.nnz() == 2);  // (1,0) sums to zero and is dropped
  BOOST_TEST(a.coeff(2, 1) == 2.0);
  BOOST_TEST(a.coeff(0, 3) == 2.0);
  const Csr last = Csr::from_triplets(1, 2, {{0, 1, 1.0}, {0, 1, 5.0}}, dnmf::Duplicates::keep_last);
  BOOST_TEST(last.coeff(0, 1) == 5.0);
  BOOST_TEST(throws_with(
      [] {
        Csr::from_triplets(1, 2, {{0, 1, 1.0}, {0, 1, 5.0}}, dnmf::Duplicates::error);
      },
      "duplicate"));
}

BOOST_AUTO_TEST_CASE(invalid_arrays_are_refused) {
  using V = std::vector<double>;
  BOOST_TEST(throws_with([] { Csr(2, 2, {0, 1}, {0}, V{1.0}); }, "rows + 1"));
  BOOST_TEST(throws_with([] { Csr(2, 2, {0, 1, 1}, {2}, V{1.0}); }, "outside"));
  BOOST_TEST(throws_with([] { Csr(1, 3, {0, 2}, {2, 1}, V{1.0, 1.0}); }, "strictly increasing"));
  BOOST_TEST(throws_with([] { Csr(1, 3, {0, 1}, {0}, V{std::nan("")}); }, "non-finite"));
  BOOST_TEST(throws_with([] { Csr(2, 2, {0, 2, 1}, {0, 1}, V{1.0, 1.0}); }, "row_ptr"));
  BOOST_TEST(throws_with([] { Csr::from_triplets(2, 2, {{2, 0, 1.0}}); }, "outside"));
}

BOOST_AUTO_TEST_CASE(offsets_are_64_bit) {
  // Graphs with more than 2^31 edges must be representable: the offset type must hold them.
  static_assert(sizeof(Csr::Offset) == 8);
  BOOST_TEST(std::numeric_limits<Csr::Offset>::max() > (std::int64_t{1} << 40));
}

BOOST_AUTO_TEST_CASE(symmetry_check) {
  Dense d = random_sparse_dense(9, 9, 0.4, 3);
  const Dense s = d + d.transpose();
  BOOST_TEST(Csr::from_dense(s).is_symmetric());
  Dense t = s;
  t(0, 5) += 1.0;
  BOOST_TEST(!Csr::from_dense(t).is_symmetric());
  BOOST_TEST(!Csr::from_dense(random_sparse_dense(3, 4, 0.5, 1)).is_symmetric());
}

BOOST_AUTO_TEST_CASE(scaling) {
  const Dense d = random_sparse_dense(6, 5, 0.5, 9);
  Csr a = Csr::from_dense(d);
  dnmf::Vector f = dnmf::Vector::LinSpaced(6, 1.0, 6.0);
  a.scale_rows(f);
  BOOST_TEST((a.to_dense() - f.asDiagonal() * d).norm() <= 1e-14);
  a.scale(0.5);
  BOOST_TEST((a.to_dense() - 0.5 * (f.asDiagonal() * d)).norm() <= 1e-14);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rng)

BOOST_AUTO_TEST_CASE(same_seed_same_numbers) {
  dnmf::Rng a(42), b(42), c(43);
  const Dense ma = a.uniform_matrix(5, 4), mb = b.uniform_matrix(5, 4), mc = c.uniform_matrix(5, 4);
  BOOST_CHECK(ma == mb);
  BOOST_CHECK(ma != mc);
  BOOST_TEST(ma.minCoeff() >= 0.0);
  BOOST_TEST(ma.maxCoeff() < 1.0);
}

BOOST_AUTO_TEST_CASE(uniform_and_below_have_the_right_moments) {
  dnmf::Rng r(7);
  const int n = 200000;
  double sum = 0;
  std::vector<int> counts(5, 0);
  for (int i = 0; i < n; ++i) {
    sum += r.uniform();
    ++counts[r.below(5)];
  }
  // Standard error of the mean of U(0,1) is sqrt(1/12/n) ≈ 6.5e-4: 5 sigma ≈ 3.3e-3.
  BOOST_TEST(std::abs(sum / n - 0.5) < 3.3e-3);
  for (int c : counts) BOOST_TEST(std::abs(c / double(n) - 0.2) < 5e-3);
  double m2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = r.normal();
    m2 += z * z;
  }
  BOOST_TEST(std::abs(m2 / n - 1.0) < 0.02);  // var of z² is 2: 5 sigma = 5·sqrt(2/n) ≈ 0.016
}

BOOST_AUTO_TEST_SUITE_END()
