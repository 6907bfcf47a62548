// Sparse kernels and the data-matrix interface against naive dense computations.
#define BOOST_TEST_MODULE linalg
#include <boost/test/unit_test.hpp>

#include <omp.h>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"

#include <algorithm>
#include <vector>

using dnmf::Csr;
using dnmf::DataMatrix;
using dnmf::Dense;

namespace {

Dense random_sparse_dense(dnmf::Index rows, dnmf::Index cols, double density, std::uint64_t seed) {
  dnmf::Rng rng(seed);
  Dense d = Dense::Zero(rows, cols);
  for (dnmf::Index j = 0; j < cols; ++j)
    for (dnmf::Index i = 0; i < rows; ++i)
      if (rng.uniform() < density) d(i, j) = rng.uniform();
  return d;
}

double relative_error(const Dense& a, const Dense& b) {
  return (a - b).norm() / std::max(b.norm(), 1e-300);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csr_times_dense_matches_dense_product) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const Dense a = random_sparse_dense(37 + seed, 23, 0.2, seed);
    dnmf::Rng rng(100 + seed);
    const Dense b = rng.uniform_matrix(23, 5);
    const Dense c = dnmf::csr_times_dense(Csr::from_dense(a), b);
    // Same sums in a different order: agreement to a few ulps (1e-10 is the project bound).
    BOOST_TEST(relative_error(c, a * b) < 1e-10);
  }
}

BOOST_AUTO_TEST_CASE(all_column_panel_widths_match_dense_product) {
  // The kernel works on panels of 16, 4 and 1 columns: widths around those boundaries,
  // and enough rows and stored entries to run in parallel.
  const Dense a = random_sparse_dense(1500, 41, 0.3, 21);
  const Csr s = Csr::from_dense(a);
  for (dnmf::Index k : {1, 3, 4, 15, 16, 17, 21, 37, 64}) {
    dnmf::Rng rng(200 + static_cast<std::uint64_t>(k));
    const Dense b = rng.uniform_matrix(41, k);
    const Dense expected = a * b;
    const Dense c = dnmf::csr_times_dense(s, b);
    BOOST_TEST(relative_error(c, expected) < 1e-10, "k = " << k);
    Dense t;  // B given transposed: the same kernel, the same sums
    dnmf::csr_times_transposed(s, b.transpose(), t);
    BOOST_TEST((t - c).norm() == 0.0, "k = " << k);
    omp_set_num_threads(1);
    const Dense one = dnmf::csr_times_dense(s, b);
    omp_set_num_threads(2);
    BOOST_TEST((one - c).norm() == 0.0, "k = " << k);
  }
}

BOOST_AUTO_TEST_CASE(pair_product_equals_two_products) {
  const Dense a = random_sparse_dense(700, 30, 0.2, 41);
  const Csr s = Csr::from_dense(a);
  dnmf::Rng rng(42);
  const Dense ba = rng.uniform_matrix(30, 19), bb = rng.uniform_matrix(30, 6);
  Dense oa, ob;
  dnmf::csr_times_dense_pair(s, ba, bb, oa, ob);
  BOOST_TEST(relative_error(oa, a * ba) < 1e-10);
  BOOST_TEST(relative_error(ob, a * bb) < 1e-10);
  // Each column is summed in the same order whatever sits beside it.
  BOOST_TEST((oa - dnmf::csr_times_dense(s, ba)).norm() == 0.0);
  BOOST_TEST((ob - dnmf::csr_times_dense(s, bb)).norm() == 0.0);
  const DataMatrix dense(a);
  Dense da, db;
  dense.times_pair(ba, bb, da, db);
  BOOST_TEST(relative_error(da, a * ba) < 1e-10);
  BOOST_TEST(relative_error(db, a * bb) < 1e-10);
  BOOST_CHECK_THROW(dnmf::csr_times_dense_pair(s, ba, Dense::Ones(3, 2), oa, ob), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(dual_product_equals_two_products) {
  // Second value array on the same pattern (some entries 0, as DAsNMF's pattern(A)
  // inside A_S); all panel widths (k = 23: 16 + 4 + 3).
  const Dense a = random_sparse_dense(40, 30, 0.3, 21);
  const Csr s = Csr::from_dense(a);
  dnmf::Rng rng(22);
  std::vector<double> v2(static_cast<size_t>(s.nnz()));
  for (double& v : v2) v = rng.uniform() < 0.3 ? 0.0 : rng.uniform();
  const Csr s2(s.rows(), s.cols(), s.row_ptr(), s.col_idx(), v2);
  const Dense b = rng.uniform_matrix(30, 23);
  Dense o1, o2;
  dnmf::csr_times_dense_dual(s, v2, b, o1, o2);
  BOOST_TEST(relative_error(o1, a * b) < 1e-10);
  BOOST_TEST(relative_error(o2, s2.to_dense() * b) < 1e-10);
  BOOST_TEST((o1 - dnmf::csr_times_dense(s, b)).norm() == 0.0);  // same order of sums
  BOOST_TEST((o2 - dnmf::csr_times_dense(s2, b)).norm() == 0.0);
  BOOST_CHECK_THROW(dnmf::csr_times_dense_dual(s, std::vector<double>(3), b, o1, o2), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(empty_rows_and_shape_errors) {
  Dense a = Dense::Zero(4, 3);
  a(2, 1) = 2.0;
  const Dense b = Dense::Ones(3, 2);
  const Dense c = dnmf::csr_times_dense(Csr::from_dense(a), b);
  BOOST_TEST(relative_error(c, a * b) == 0.0);
  BOOST_CHECK_THROW(dnmf::csr_times_dense(Csr::from_dense(a), Dense::Ones(2, 2)), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(product_does_not_depend_on_thread_count) {
  const Dense a = random_sparse_dense(500, 80, 0.1, 11);
  dnmf::Rng rng(12);
  const Dense b = rng.uniform_matrix(80, 7);
  const Csr s = Csr::from_dense(a);
  omp_set_num_threads(1);
  const Dense one = dnmf::csr_times_dense(s, b);
  omp_set_num_threads(2);
  const Dense two = dnmf::csr_times_dense(s, b);
  BOOST_TEST((one - two).norm() == 0.0);  // bit-identical: each row summed by one thread
}

BOOST_AUTO_TEST_CASE(csr_transpose_times_dense_matches_dense_and_ignores_threads) {
  // 9000 rows give several scatter blocks, so the block partial sums are exercised.
  for (dnmf::Index rows : {37, 9000}) {
    const Dense a = random_sparse_dense(rows, 29, 0.15, 31);
    dnmf::Rng rng(32);
    const Dense b = rng.uniform_matrix(rows, 6);
    const Csr s = Csr::from_dense(a);
    omp_set_num_threads(1);
    Dense one, two;
    dnmf::csr_transpose_times_dense(s, b, one);
    omp_set_num_threads(2);
    dnmf::csr_transpose_times_dense(s, b, two);
    BOOST_TEST(relative_error(one, a.transpose() * b) < 1e-10);
    BOOST_TEST((one - two).norm() == 0.0);
  }
  BOOST_CHECK_THROW(
      [] {
        Dense out;
        dnmf::csr_transpose_times_dense(Csr::from_dense(Dense::Ones(3, 2)), Dense::Ones(2, 2), out);
      }(),
      dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(csr_times_dense_with_a_factor_beyond_the_caches) {
  // B of 80000×16 doubles (10 MB) takes the prefetching kernel; 400 rows with 6 random
  // columns each keep the test cheap. Compared entry by entry with a plain loop.
  const dnmf::Index rows = 400, n = 80000, k = 16;
  dnmf::Rng rng(51);
  std::vector<dnmf::Triplet> t;
  for (dnmf::Index i = 0; i < rows; ++i)
    for (int e = 0; e < 6; ++e)
      t.push_back({i, static_cast<dnmf::Index>(rng.below(static_cast<std::uint64_t>(n))), rng.uniform()});
  const Csr a = Csr::from_triplets(rows, n, std::move(t));
  const Dense b = rng.uniform_matrix(n, k);
  Dense expected = Dense::Zero(rows, k);
  for (dnmf::Index i = 0; i < rows; ++i)
    for (auto p = a.row_ptr()[i]; p < a.row_ptr()[i + 1]; ++p)
      expected.row(i) += a.values()[p] * b.row(a.col_idx()[p]);
  const Dense got = dnmf::csr_times_dense(a, b);
  BOOST_TEST(relative_error(got, expected) < 1e-12);
}

BOOST_AUTO_TEST_CASE(csr_wide_times_tall_equals_the_scatter_bit_for_bit) {
  // Widths below, at and above the panel widths (4, 16) leave padded panel columns;
  // 9000 rows give several blocks and strips of 256 rows.
  for (dnmf::Index rows : {37, 300, 9000})
    for (dnmf::Index k : {1, 3, 6, 16, 21, 64}) {
      const Dense a = random_sparse_dense(rows, 29, 0.15, 41 + static_cast<std::uint64_t>(k));
      dnmf::Rng rng(42);
      const Dense b = rng.uniform_matrix(rows, k);
      const Csr s = Csr::from_dense(a);
      const Csr st = s.transpose();
      Dense scatter, one, two;
      dnmf::csr_transpose_times_dense(s, b, scatter);
      omp_set_num_threads(1);
      dnmf::csr_wide_times_tall(st, b, one);
      omp_set_num_threads(2);
      dnmf::csr_wide_times_tall(st, b, two);
      BOOST_TEST(relative_error(one, a.transpose() * b) < 1e-10);
      BOOST_TEST((one - scatter).norm() == 0.0);
      BOOST_TEST((one - two).norm() == 0.0);
    }
  BOOST_CHECK_THROW(
      [] {
        Dense out;
        dnmf::csr_wide_times_tall(Csr::from_dense(Dense::Ones(3, 2)), Dense::Ones(3, 2), out);
      }(),
      dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(data_matrix_sparse_and_dense_agree) {
  const Dense x = random_sparse_dense(40, 15, 0.3, 5);
  const DataMatrix sparse(Csr::from_dense(x)), dense(x);
  dnmf::Rng rng(6);
  const Dense m = rng.uniform_matrix(15, 4), h = rng.uniform_matrix(40, 4);
  Dense out_s, out_d;
  sparse.times(m, out_s);
  dense.times(m, out_d);
  BOOST_TEST(relative_error(out_s, x * m) < 1e-10);
  BOOST_TEST(relative_error(out_d, x * m) < 1e-10);
  sparse.transpose_times(h, out_s);
  dense.transpose_times(h, out_d);
  BOOST_TEST(relative_error(out_s, x.transpose() * h) < 1e-10);
  BOOST_TEST(relative_error(out_d, x.transpose() * h) < 1e-10);
  BOOST_TEST(sparse.squared_norm() == x.squaredNorm(), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(sparse.mean_value() == x.mean(), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(sparse.min_value() == 0.0);
  BOOST_TEST(sparse.max_value() == x.maxCoeff());
}

BOOST_AUTO_TEST_CASE(normalizations_match_their_definitions) {
  const Dense x = random_sparse_dense(30, 8, 0.5, 21) * 7.0;
  for (auto how :
       {dnmf::Normalization::max, dnmf::Normalization::l2_samples, dnmf::Normalization::minmax_features}) {
    DataMatrix s(Csr::from_dense(x)), d(x);
    s.normalize(how);
    d.normalize(how);
    Dense expected = x;
    if (how == dnmf::Normalization::max) expected /= x.maxCoeff();
    if (how == dnmf::Normalization::l2_samples)
      for (dnmf::Index i = 0; i < x.rows(); ++i)
        if (x.row(i).norm() > 0) expected.row(i) /= x.row(i).norm();
    if (how == dnmf::Normalization::minmax_features)  // columns have zeros, so min = 0
      for (dnmf::Index j = 0; j < x.cols(); ++j) expected.col(j) /= x.col(j).maxCoeff();
    BOOST_TEST_CONTEXT("normalization " << dnmf::to_string(how)) {
      BOOST_TEST(relative_error(s.to_dense(), expected) < 1e-14);
      BOOST_TEST(relative_error(d.to_dense(), expected) < 1e-14);
      // The cached transpose must follow the values: Xᵀ·1 equals the column sums.
      Dense out;
      s.transpose_times(Dense::Ones(x.rows(), 1), out);
      BOOST_TEST(relative_error(out, expected.colwise().sum().transpose()) < 1e-12);
    }
  }
  BOOST_CHECK_THROW(dnmf::parse_normalization("bogus"), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(scaling_fitted_on_training_data_reapplies_to_new_samples) {
  // A saved encoder scales new samples with the training data's parameters: applying the
  // returned DataScaling to the training data itself reproduces normalize() exactly, and
  // dense and sparse agree. minmax values outside the training range are clamped at 0.
  const Dense x = random_sparse_dense(25, 6, 0.6, 5) * 3.0 + Dense::Constant(25, 6, 0.5);
  for (auto how : {dnmf::Normalization::max, dnmf::Normalization::l2_samples,
                   dnmf::Normalization::minmax_features, dnmf::Normalization::none}) {
    DataMatrix fitted(x);
    const dnmf::DataScaling scaling = fitted.normalize(how);
    BOOST_TEST_CONTEXT("normalization " << dnmf::to_string(how)) {
      BOOST_TEST((scaling.how == how));
      DataMatrix again(x), again_sparse(Csr::from_dense(x));
      again.apply_scaling(scaling);
      BOOST_TEST(relative_error(again.to_dense(), fitted.to_dense()) < 1e-15);
      if (how != dnmf::Normalization::minmax_features) {  // minmax needs column minima 0 for CSR
        again_sparse.apply_scaling(scaling);
        BOOST_TEST(relative_error(again_sparse.to_dense(), fitted.to_dense()) < 1e-15);
      }
    }
  }
  DataMatrix train(x);
  const auto mm = train.normalize(dnmf::Normalization::minmax_features);
  Dense below = x;
  below.row(0).setZero();  // under every training minimum (0.5)
  DataMatrix fresh(below);
  fresh.apply_scaling(mm);
  BOOST_TEST(fresh.to_dense().row(0).isZero());
  BOOST_TEST(fresh.to_dense().minCoeff() >= 0.0);
  DataMatrix wrong(Dense(Dense::Ones(3, 5)));
  BOOST_CHECK_THROW(wrong.apply_scaling(mm), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(automatic_normalization_follows_the_density) {
  // auto: unit rows for sparse (text-like) data under 10 % nonzero, else per-feature min–max.
  const Dense sparse_x = random_sparse_dense(100, 50, 0.05, 3);
  const Dense dense_x = random_sparse_dense(100, 50, 0.5, 3);
  const DataMatrix a(Csr::from_dense(sparse_x)), b(dense_x);
  BOOST_TEST(a.nonzero_fraction() < 0.1);
  BOOST_TEST(b.nonzero_fraction() > 0.1);
  BOOST_TEST(
      (dnmf::resolve_normalization(dnmf::Normalization::automatic, a) == dnmf::Normalization::l2_samples));
  BOOST_TEST((dnmf::resolve_normalization(dnmf::Normalization::automatic, b) ==
              dnmf::Normalization::minmax_features));
  BOOST_TEST((dnmf::resolve_normalization(dnmf::Normalization::max, a) == dnmf::Normalization::max));
  BOOST_TEST((dnmf::parse_normalization("auto") == dnmf::Normalization::automatic));
  DataMatrix c(Csr::from_dense(sparse_x));
  BOOST_TEST((c.normalize(dnmf::Normalization::automatic).how == dnmf::Normalization::l2_samples));
}

BOOST_AUTO_TEST_CASE(negative_entries_are_named) {
  Dense x = Dense::Ones(3, 3);
  x(1, 2) = -0.5;
  try {
    DataMatrix(Csr::from_dense(x)).require_nonnegative("NMF");
    BOOST_FAIL("negative entry accepted");
  } catch (const dnmf::InputError& e) {
    BOOST_TEST(std::string(e.what()).find("row 2, column 3") != std::string::npos);
  }
  BOOST_CHECK_THROW(DataMatrix(x).require_nonnegative("NMF"), dnmf::InputError);
  Dense bad = Dense::Ones(2, 2);
  bad(0, 0) = std::numeric_limits<double>::quiet_NaN();
  BOOST_CHECK_THROW(DataMatrix{bad}, dnmf::InputError);
}

BOOST_AUTO_TEST_CASE(blocked_dense_products_match_eigen_and_ignore_threads) {
  // 5000 rows span 3 row blocks, so the block reduction of Aᵀ·B is exercised.
  dnmf::Rng rng(31);
  const Dense a = rng.uniform_matrix(5000, 12), b = rng.uniform_matrix(12, 4),
              c = rng.uniform_matrix(5000, 3);
  Dense ab, atc;
  dnmf::dense_times(a, b, ab);
  dnmf::dense_transpose_times(a, c, atc);
  BOOST_TEST(relative_error(ab, a * b) < 1e-12);
  BOOST_TEST(relative_error(atc, a.transpose() * c) < 1e-12);
  omp_set_num_threads(1);
  Dense one;
  dnmf::dense_transpose_times(a, c, one);
  omp_set_num_threads(2);
  Dense two;
  dnmf::dense_transpose_times(a, c, two);
  BOOST_TEST((one - two).norm() == 0.0);  // fixed blocks, fixed summation order
  BOOST_CHECK_THROW(dnmf::dense_times(a, c, ab), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(row_blocks_cover_every_row_once) {
  for (dnmf::Index rows : {0, 1, 4095, 4096, 70001}) {
    std::vector<int> hits(static_cast<size_t>(rows), 0);
    dnmf::for_row_blocks(rows, 64, [&](dnmf::Index begin, dnmf::Index count) {
      for (dnmf::Index i = begin; i < begin + count; ++i) ++hits[static_cast<size_t>(i)];
    });
    BOOST_TEST(std::count(hits.begin(), hits.end(), 1) == rows);
  }
}

BOOST_AUTO_TEST_CASE(dense_gram_matches_product_and_ignores_threads) {
  for (dnmf::Index rows : {5, 9000}) {
    dnmf::Rng rng(55);
    const Dense a = rng.uniform_matrix(rows, 13);
    Dense one, two;
    omp_set_num_threads(1);
    dnmf::dense_gram(a, one);
    omp_set_num_threads(2);
    dnmf::dense_gram(a, two);
    BOOST_TEST(relative_error(one, a.transpose() * a) < 1e-12);
    BOOST_TEST((one - two).norm() == 0.0);
    BOOST_TEST((one - one.transpose()).norm() == 0.0);  // exactly symmetric
  }
}

// ---------------------------------------------------------------- eigen / SVD (Spectra)

#include "dnmf/linalg/eigen.hpp"

BOOST_AUTO_TEST_CASE(leading_eigenpairs_equal_a_dense_solver) {
  // A random symmetric sparse matrix (30 % stored) against Eigen's dense solver.
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    dnmf::Rng rng(seed);
    const dnmf::Index n = 60;
    dnmf::Dense a = dnmf::Dense::Zero(n, n);
    for (dnmf::Index i = 0; i < n; ++i)
      for (dnmf::Index j = 0; j <= i; ++j)
        if (rng.uniform() < 0.3) a(i, j) = a(j, i) = rng.uniform() - 0.3;
    const dnmf::Csr A = dnmf::Csr::from_dense(a);
    const auto e = dnmf::symmetric_eigs(A, 5);
    Eigen::SelfAdjointEigenSolver<dnmf::Dense> ref(a);
    for (int j = 0; j < 5; ++j) {
      BOOST_TEST(std::abs(e.values(j) - ref.eigenvalues()(n - 1 - j)) < 1e-8);
      // Same eigenvector up to sign: |<v, v_ref>| = 1.
      BOOST_TEST(std::abs(std::abs(e.vectors.col(j).dot(ref.eigenvectors().col(n - 1 - j))) - 1.0) < 1e-6);
    }
    BOOST_TEST((e.vectors.transpose() * e.vectors - dnmf::Dense::Identity(5, 5)).norm() < 1e-8);
  }
  BOOST_CHECK_THROW(dnmf::symmetric_eigs(dnmf::Csr::identity(4), 4), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(truncated_svd_equals_a_dense_svd_sparse_and_dense_both_shapes) {
  for (auto [n, d] : {std::pair<dnmf::Index, dnmf::Index>{50, 12}, {12, 50}}) {
    dnmf::Rng rng(9);
    dnmf::Dense x = dnmf::Dense::Zero(n, d);
    for (dnmf::Index i = 0; i < n; ++i)
      for (dnmf::Index j = 0; j < d; ++j)
        if (rng.uniform() < 0.5) x(i, j) = rng.uniform();
    Eigen::JacobiSVD<dnmf::Dense> ref(x, Eigen::ComputeThinU | Eigen::ComputeThinV);
    for (bool sparse : {false, true}) {
      BOOST_TEST_CONTEXT("n=" << n << " d=" << d << " sparse=" << sparse) {
        const dnmf::DataMatrix X = sparse ? dnmf::DataMatrix(dnmf::Csr::from_dense(x)) : dnmf::DataMatrix(x);
        const int k = 4;
        const auto s = dnmf::truncated_svd(X, k);
        for (int j = 0; j < k; ++j) BOOST_TEST(std::abs(s.singular(j) - ref.singularValues()(j)) < 1e-8);
        // Rank-k reconstruction equals the dense one (signs cancel in U Σ Vᵀ).
        const dnmf::Dense mine = s.U * s.singular.asDiagonal() * s.V.transpose();
        const dnmf::Dense theirs = ref.matrixU().leftCols(k) * ref.singularValues().head(k).asDiagonal() *
                                   ref.matrixV().leftCols(k).transpose();
        BOOST_TEST((mine - theirs).norm() < 1e-7 * theirs.norm());
      }
    }
  }
}
