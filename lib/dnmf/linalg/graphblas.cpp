#include "dnmf/linalg/graphblas.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "dnmf/core/error.hpp"

extern "C" {
#include <GraphBLAS.h>
}

namespace dnmf::grb {

namespace {

const char* info_name(GrB_Info info) {
  switch (info) {
    case GrB_SUCCESS:
      return "GrB_SUCCESS";
    case GrB_NO_VALUE:
      return "GrB_NO_VALUE";
    case GrB_UNINITIALIZED_OBJECT:
      return "GrB_UNINITIALIZED_OBJECT";
    case GrB_NULL_POINTER:
      return "GrB_NULL_POINTER";
    case GrB_INVALID_VALUE:
      return "GrB_INVALID_VALUE";
    case GrB_INVALID_INDEX:
      return "GrB_INVALID_INDEX";
    case GrB_DOMAIN_MISMATCH:
      return "GrB_DOMAIN_MISMATCH";
    case GrB_DIMENSION_MISMATCH:
      return "GrB_DIMENSION_MISMATCH";
    case GrB_OUTPUT_NOT_EMPTY:
      return "GrB_OUTPUT_NOT_EMPTY";
    case GrB_NOT_IMPLEMENTED:
      return "GrB_NOT_IMPLEMENTED";
    case GrB_PANIC:
      return "GrB_PANIC";
    case GrB_OUT_OF_MEMORY:
      return "GrB_OUT_OF_MEMORY";
    case GrB_INSUFFICIENT_SPACE:
      return "GrB_INSUFFICIENT_SPACE";
    case GrB_INVALID_OBJECT:
      return "GrB_INVALID_OBJECT";
    case GrB_INDEX_OUT_OF_BOUNDS:
      return "GrB_INDEX_OUT_OF_BOUNDS";
    case GrB_EMPTY_OBJECT:
      return "GrB_EMPTY_OBJECT";
    default:
      return "unknown GrB_Info";
  }
}

[[noreturn]] void fail(GrB_Info info, const char* call, const char* detail) {
  std::string what = std::string("GraphBLAS ") + call + " failed: " + info_name(info) + " (" +
                     std::to_string(static_cast<int>(info)) + ")";
  if (detail != nullptr && *detail != '\0') what += ": " + std::string(detail);
  throw Error(what);
}

// GraphBLAS keeps the message of the last failed call in its output object, so
// each check names the object whose error string should be reported.
void check(GrB_Info info, const char* call, GrB_Matrix output = nullptr) {
  if (info == GrB_SUCCESS) return;
  const char* detail = nullptr;
  if (output != nullptr && GrB_Matrix_error(&detail, output) != GrB_SUCCESS) detail = nullptr;
  fail(info, call, detail);
}

void check(GrB_Info info, const char* call, GrB_Vector output) {
  if (info == GrB_SUCCESS) return;
  const char* detail = nullptr;
  if (output != nullptr && GrB_Vector_error(&detail, output) != GrB_SUCCESS) detail = nullptr;
  fail(info, call, detail);
}

GrB_Index to_grb(Index n) {
  return static_cast<GrB_Index>(n);
}

/// Array from std::malloc, as GxB_Matrix_pack_* requires: once packed, GraphBLAS
/// owns it and later releases it with the free() given to GxB_init.
template <class T>
using MallocArray = std::unique_ptr<T[], FreeDeleter>;

template <class T>
MallocArray<T> malloc_array(std::size_t count) {
  // Never ask for 0 bytes: malloc(0) may return NULL, which pack would reject.
  void* p = std::malloc(std::max<std::size_t>(count, 1) * sizeof(T));
  if (p == nullptr) throw std::bad_alloc();
  return MallocArray<T>(static_cast<T*>(p));
}

class Descriptor {
 public:
  Descriptor() = default;
  ~Descriptor() {
    if (desc_ != nullptr) GrB_Descriptor_free(&desc_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  void set(GrB_Desc_Field field, int value) {
    if (desc_ == nullptr) check(GrB_Descriptor_new(&desc_), "GrB_Descriptor_new");
    check(GrB_Descriptor_set(desc_, field, static_cast<GrB_Desc_Value>(value)), "GrB_Descriptor_set");
  }
  GrB_Descriptor get() const { return desc_; }  ///< NULL = all defaults

 private:
  GrB_Descriptor desc_ = nullptr;
};

class GrbVector {
 public:
  explicit GrbVector(Index n) { check(GrB_Vector_new(&v_, GrB_FP64, to_grb(n)), "GrB_Vector_new"); }
  ~GrbVector() {
    if (v_ != nullptr) GrB_Vector_free(&v_);
  }
  GrbVector(const GrbVector&) = delete;
  GrbVector& operator=(const GrbVector&) = delete;
  GrB_Vector get() const { return v_; }

 private:
  GrB_Vector v_ = nullptr;
};

GrB_BinaryOp to_grb(BinaryOp op) {
  switch (op) {
    case BinaryOp::plus:
      return GrB_PLUS_FP64;
    case BinaryOp::times:
      return GrB_TIMES_FP64;
    case BinaryOp::min:
      return GrB_MIN_FP64;
    case BinaryOp::max:
      return GrB_MAX_FP64;
  }
  throw InvalidOption("grb: unknown BinaryOp");
}

GrB_Semiring to_grb(Semiring s) {
  switch (s) {
    case Semiring::plus_times:
      return GrB_PLUS_TIMES_SEMIRING_FP64;
    case Semiring::plus_pair:
      return GxB_PLUS_PAIR_FP64;
  }
  throw InvalidOption("grb: unknown Semiring");
}

/// out = inᵀ for column-major `in` (rows x cols) into column-major `out` (cols x rows);
/// this converts between Eigen's column-major order and GraphBLAS's by-row full
/// format. 32 x 32 tiles keep both sides cache-resident; measured ~3x faster at
/// 10^6 x 64 than asking GraphBLAS for a by-column copy. O(rows·cols).
void transpose_copy(const double* in, std::size_t rows, std::size_t cols, double* out) {
  constexpr std::size_t kTile = 32;
  const std::size_t row_tiles = (rows + kTile - 1) / kTile;
#pragma omp parallel for schedule(static) if (rows * cols > 100000)
  for (std::size_t t = 0; t < row_tiles; ++t) {
    const std::size_t i0 = t * kTile, i1 = std::min(rows, i0 + kTile);
    for (std::size_t j0 = 0; j0 < cols; j0 += kTile) {
      const std::size_t j1 = std::min(cols, j0 + kTile);
      for (std::size_t i = i0; i < i1; ++i)
        for (std::size_t j = j0; j < j1; ++j) out[j + i * cols] = in[i + j * rows];
    }
  }
}

/// (A·1) or (Aᵀ·1) by a matrix-vector product with an iso vector of ones;
/// PLUS_PAIR ignores the values and so counts entries. O(nnz + length).
Vector reduce(const Matrix& A, bool columns, bool count) {
  const Index length = columns ? A.cols() : A.rows();
  const Index other = columns ? A.rows() : A.cols();
  GrbVector ones(other), w(length);
  check(GrB_Vector_assign_FP64(ones.get(), nullptr, nullptr, 1.0, GrB_ALL, to_grb(other), nullptr),
        "GrB_Vector_assign_FP64", ones.get());
  check(GrB_mxv(w.get(), nullptr, nullptr, count ? GxB_PLUS_PAIR_FP64 : GrB_PLUS_TIMES_SEMIRING_FP64, A.get(),
                ones.get(), columns ? GrB_DESC_T0 : nullptr),
        "GrB_mxv", w.get());
  GrB_Index stored = 0;
  check(GrB_Vector_nvals(&stored, w.get()), "GrB_Vector_nvals", w.get());
  // Rows without entries have no entry in w: scatter into a zero vector.
  std::vector<GrB_Index> index(std::max<GrB_Index>(stored, 1));
  std::vector<double> value(index.size());
  check(GrB_Vector_extractTuples_FP64(index.data(), value.data(), &stored, w.get()),
        "GrB_Vector_extractTuples_FP64", w.get());
  Vector out = Vector::Zero(length);
  for (GrB_Index p = 0; p < stored; ++p) out[static_cast<Index>(index[p])] = value[p];
  return out;
}

}  // namespace

void FreeDeleter::operator()(void* p) const noexcept {
  std::free(p);
}

void initialize() {
  static std::once_flag once;
  std::call_once(once, [] {
    // GxB_init instead of GrB_init only to pin the allocator to C malloc/free,
    // which pack/unpack in this file rely on.
    const GrB_Info info = GxB_init(GrB_NONBLOCKING, std::malloc, std::calloc, std::realloc, std::free);
    // GrB_INVALID_VALUE means the application already started GraphBLAS: fine.
    if (info != GrB_SUCCESS && info != GrB_INVALID_VALUE) fail(info, "GxB_init", nullptr);
  });
}

void set_threads(int threads) {
  initialize();
  if (threads < 1)
    throw InvalidOption("grb::set_threads: threads must be >= 1, got " + std::to_string(threads));
  check(GxB_Global_Option_set_INT32(GxB_GLOBAL_NTHREADS, threads), "GxB_Global_Option_set_INT32");
}

int threads() {
  initialize();
  int32_t n = 0;
  check(GxB_Global_Option_get_INT32(GxB_GLOBAL_NTHREADS, &n), "GxB_Global_Option_get_INT32");
  return n;
}

// ---- Matrix ---------------------------------------------------------------------

Matrix::Matrix(Index rows, Index cols) {
  initialize();
  if (rows < 0 || cols < 0)
    throw InvalidOption("grb::Matrix: negative shape " + std::to_string(rows) + " x " + std::to_string(cols));
  GrB_Matrix m = nullptr;
  check(GrB_Matrix_new(&m, GrB_FP64, to_grb(rows), to_grb(cols)), "GrB_Matrix_new");
  handle_ = m;
}

Matrix::~Matrix() {
  if (handle_ != nullptr) GrB_Matrix_free(&handle_);
}

Matrix& Matrix::operator=(Matrix&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) GrB_Matrix_free(&handle_);
    handle_ = other.release();
  }
  return *this;
}

Matrix Matrix::dup() const {
  GrB_Matrix m = nullptr;
  check(GrB_Matrix_dup(&m, handle_), "GrB_Matrix_dup", handle_);
  return Matrix(m);
}

Index Matrix::rows() const {
  GrB_Index n = 0;
  check(GrB_Matrix_nrows(&n, handle_), "GrB_Matrix_nrows", handle_);
  return static_cast<Index>(n);
}

Index Matrix::cols() const {
  GrB_Index n = 0;
  check(GrB_Matrix_ncols(&n, handle_), "GrB_Matrix_ncols", handle_);
  return static_cast<Index>(n);
}

Index Matrix::nvals() const {
  GrB_Index n = 0;
  check(GrB_Matrix_nvals(&n, handle_), "GrB_Matrix_nvals", handle_);
  return static_cast<Index>(n);
}

// ---- conversions ----------------------------------------------------------------

Matrix from_csr(const Csr& A) {
  Matrix M(A.rows(), A.cols());
  const std::size_t n = static_cast<std::size_t>(A.rows()), nnz = static_cast<std::size_t>(A.nnz());
  // GraphBLAS indices are 64-bit unsigned; our column indices are 32-bit, so one
  // widening copy is unavoidable. It goes straight into the arrays GraphBLAS adopts.
  auto ap = malloc_array<GrB_Index>(n + 1);
  auto aj = malloc_array<GrB_Index>(nnz);
  auto ax = malloc_array<double>(nnz);
  const auto& rp = A.row_ptr();
  const auto& ci = A.col_idx();
  for (std::size_t i = 0; i <= n; ++i) ap[i] = static_cast<GrB_Index>(rp[i]);
#pragma omp parallel for schedule(static) if (nnz > 100000)
  for (std::size_t p = 0; p < nnz; ++p) aj[p] = static_cast<GrB_Index>(ci[p]);
  if (nnz > 0) std::memcpy(ax.get(), A.values().data(), nnz * sizeof(double));

  GrB_Index* ap_raw = ap.get();
  GrB_Index* aj_raw = aj.get();
  void* ax_raw = ax.get();
  // Csr's invariants (sorted, unique, in-range columns) are exactly what pack
  // trusts, so the O(1) fast path is safe (jumbled = false).
  check(GxB_Matrix_pack_CSR(M.get(), &ap_raw, &aj_raw, &ax_raw, (n + 1) * sizeof(GrB_Index),
                            std::max<std::size_t>(nnz, 1) * sizeof(GrB_Index),
                            std::max<std::size_t>(nnz, 1) * sizeof(double), /*iso=*/false, /*jumbled=*/false,
                            nullptr),
        "GxB_Matrix_pack_CSR", M.get());
  // Success: GraphBLAS owns the arrays now.
  (void)ap.release();
  (void)aj.release();
  (void)ax.release();
  return M;
}

Csr to_csr(const Matrix& A) {
  const Index rows = A.rows(), cols = A.cols();
  GrB_Index ap_len = 0, aj_len = 0, ax_len = 0;
  check(GrB_Matrix_exportSize(&ap_len, &aj_len, &ax_len, GrB_CSR_FORMAT, A.get()), "GrB_Matrix_exportSize",
        A.get());
  std::vector<GrB_Index> ap(std::max<GrB_Index>(ap_len, 1)), aj(std::max<GrB_Index>(aj_len, 1));
  std::vector<double> ax(std::max<GrB_Index>(ax_len, 1));
  // The standard export copies (A stays intact), sorts columns within rows and
  // expands iso values.
  check(GrB_Matrix_export_FP64(ap.data(), aj.data(), ax.data(), &ap_len, &aj_len, &ax_len, GrB_CSR_FORMAT,
                               A.get()),
        "GrB_Matrix_export_FP64", A.get());
  const std::size_t nnz = static_cast<std::size_t>(ap[static_cast<std::size_t>(rows)]);
  std::vector<Csr::Offset> row_ptr(static_cast<std::size_t>(rows) + 1);
  for (std::size_t i = 0; i < row_ptr.size(); ++i) row_ptr[i] = static_cast<Csr::Offset>(ap[i]);
  std::vector<Csr::ColIndex> col_idx(nnz);
  // Csr's constructor rejects cols > 2^31 - 1 before these narrowed values are used.
  for (std::size_t p = 0; p < nnz; ++p) col_idx[p] = static_cast<Csr::ColIndex>(aj[p]);
  ax.resize(nnz);
  return Csr(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(ax));
}

RowArrays unpack_rows(Matrix&& A) {
  Matrix M = std::move(A);  // consumed: the emptied shell is freed on return
  RowArrays out;
  out.rows_ = M.rows();
  out.cols_ = M.cols();
  GrB_Index *ap = nullptr, *aj = nullptr;
  void* ax = nullptr;
  GrB_Index ap_size = 0, aj_size = 0, ax_size = 0;
  bool jumbled = false;
  // iso = NULL makes GraphBLAS expand iso values; a non-NULL jumbled lets it skip the sort.
  check(
      GxB_Matrix_unpack_CSR(M.get(), &ap, &aj, &ax, &ap_size, &aj_size, &ax_size, nullptr, &jumbled, nullptr),
      "GxB_Matrix_unpack_CSR", M.get());
  out.row_ptr_.reset(ap);
  out.col_idx_.reset(aj);
  out.values_.reset(static_cast<double*>(ax));
  out.sorted_ = !jumbled;
  return out;
}

Matrix from_dense(const Dense& dense, Layout layout) {
  Matrix M(dense.rows(), dense.cols());
  const std::size_t rows = static_cast<std::size_t>(dense.rows()),
                    cols = static_cast<std::size_t>(dense.cols());
  const std::size_t count = rows * cols;
  auto ax = malloc_array<double>(count);
  if (layout == Layout::by_col) {
    if (count > 0) std::memcpy(ax.get(), dense.data(), count * sizeof(double));
  } else {
    transpose_copy(dense.data(), rows, cols, ax.get());  // Eigen is column-major
  }
  void* ax_raw = ax.get();
  const GrB_Index bytes = std::max<std::size_t>(count, 1) * sizeof(double);
  check(layout == Layout::by_row ? GxB_Matrix_pack_FullR(M.get(), &ax_raw, bytes, false, nullptr)
                                 : GxB_Matrix_pack_FullC(M.get(), &ax_raw, bytes, false, nullptr),
        "GxB_Matrix_pack_Full", M.get());
  (void)ax.release();
  return M;
}

Matrix constant(Index rows, Index cols, double value) {
  Matrix M(rows, cols);
  check(GrB_Matrix_assign_FP64(M.get(), nullptr, nullptr, value, GrB_ALL, to_grb(rows), GrB_ALL, to_grb(cols),
                               nullptr),
        "GrB_Matrix_assign_FP64", M.get());
  return M;
}

Dense to_dense(const Matrix& A) {
  const Index rows = A.rows(), cols = A.cols();
  if (rows == 0 || cols == 0) return Dense(rows, cols);
  // T = 0 (full, iso), then T(:,:) += A: T stays full, so it can be unpacked as one array.
  Matrix T = constant(rows, cols, 0.0);
  check(GrB_Matrix_assign(T.get(), nullptr, GrB_PLUS_FP64, A.get(), GrB_ALL, to_grb(rows), GrB_ALL,
                          to_grb(cols), nullptr),
        "GrB_Matrix_assign", T.get());
  void* ax_raw = nullptr;
  GrB_Index bytes = 0;
  bool iso = false;
  // T is held by row (the global default), so unpacking by row is O(1); the
  // transposing copy into Eigen's column-major order is ours (see transpose_copy).
  check(GxB_Matrix_unpack_FullR(T.get(), &ax_raw, &bytes, &iso, nullptr), "GxB_Matrix_unpack_FullR", T.get());
  MallocArray<double> ax(static_cast<double*>(ax_raw));
  Dense out(rows, cols);
  if (iso)  // every entry equal (e.g. A had no entries): GraphBLAS returns one value
    out.setConstant(ax[0]);
  else
    transpose_copy(ax.get(), static_cast<std::size_t>(cols), static_cast<std::size_t>(rows), out.data());
  return out;
}

// ---- element-wise and transposes ----------------------------------------------------

Matrix transpose(const Matrix& A) {
  Matrix C(A.cols(), A.rows());
  check(GrB_transpose(C.get(), nullptr, nullptr, A.get(), nullptr), "GrB_transpose", C.get());
  return C;
}

Matrix ewise_add(const Matrix& A, const Matrix& B, BinaryOp op) {
  Matrix C(A.rows(), A.cols());
  check(GrB_Matrix_eWiseAdd_BinaryOp(C.get(), nullptr, nullptr, to_grb(op), A.get(), B.get(), nullptr),
        "GrB_Matrix_eWiseAdd_BinaryOp", C.get());
  return C;
}

Matrix ewise_mult(const Matrix& A, const Matrix& B, BinaryOp op) {
  Matrix C(A.rows(), A.cols());
  check(GrB_Matrix_eWiseMult_BinaryOp(C.get(), nullptr, nullptr, to_grb(op), A.get(), B.get(), nullptr),
        "GrB_Matrix_eWiseMult_BinaryOp", C.get());
  return C;
}

Matrix scaled(const Matrix& A, double alpha) {
  Matrix C(A.rows(), A.cols());
  check(GrB_Matrix_apply_BinaryOp2nd_FP64(C.get(), nullptr, nullptr, GrB_TIMES_FP64, A.get(), alpha, nullptr),
        "GrB_Matrix_apply_BinaryOp2nd_FP64", C.get());
  return C;
}

Matrix drop_diagonal(const Matrix& A) {
  Matrix C(A.rows(), A.cols());
  // GrB_OFFDIAG keeps entries with j - i != 0.
  check(GrB_Matrix_select_INT64(C.get(), nullptr, nullptr, GrB_OFFDIAG, A.get(), 0, nullptr),
        "GrB_Matrix_select_INT64", C.get());
  return C;
}

Matrix symmetrize(const Matrix& A, Symmetrization how) {
  if (A.rows() != A.cols())
    throw InvalidOption("grb::symmetrize: matrix must be square, got " + std::to_string(A.rows()) + " x " +
                        std::to_string(A.cols()));
  const Matrix At = transpose(A);
  switch (how) {
    case Symmetrization::max:
      return ewise_add(A, At, BinaryOp::max);
    // ×0.5 is exact, so the result is exactly symmetric: (a + b)·0.5 = (b + a)·0.5.
    case Symmetrization::mean:
      return scaled(ewise_add(A, At, BinaryOp::plus), 0.5);
    case Symmetrization::mutual:
      return ewise_mult(A, At, BinaryOp::min);
  }
  throw InvalidOption("grb::symmetrize: unknown Symmetrization");
}

// ---- reductions -------------------------------------------------------------------

Vector row_sums(const Matrix& A) {
  return reduce(A, /*columns=*/false, /*count=*/false);
}
Vector col_sums(const Matrix& A) {
  return reduce(A, /*columns=*/true, /*count=*/false);
}
Vector row_counts(const Matrix& A) {
  return reduce(A, /*columns=*/false, /*count=*/true);
}
Vector col_counts(const Matrix& A) {
  return reduce(A, /*columns=*/true, /*count=*/true);
}

// ---- products ---------------------------------------------------------------------

void mxm(Matrix& C, const Matrix& A, const Matrix& B, Semiring semiring, const MxmOptions& options) {
  Descriptor desc;
  if (options.transpose_a) desc.set(GrB_INP0, GrB_TRAN);
  if (options.transpose_b) desc.set(GrB_INP1, GrB_TRAN);
  if (options.mask != nullptr)
    desc.set(GrB_MASK, options.mask_complement ? GrB_COMP + GrB_STRUCTURE : GrB_STRUCTURE);
  // Without accumulation C must end up exactly A·B (restricted to the mask):
  // REPLACE clears entries of the old C that the mask protects.
  if (!options.accumulate && options.mask != nullptr) desc.set(GrB_OUTP, GrB_REPLACE);
  check(GrB_mxm(C.get(), options.mask != nullptr ? options.mask->get() : nullptr,
                options.accumulate ? GrB_PLUS_FP64 : nullptr, to_grb(semiring), A.get(), B.get(), desc.get()),
        "GrB_mxm", C.get());
}

Matrix mxm(const Matrix& A, const Matrix& B, Semiring semiring, const MxmOptions& options) {
  Matrix C(options.transpose_a ? A.cols() : A.rows(), options.transpose_b ? B.rows() : B.cols());
  MxmOptions fresh = options;
  fresh.accumulate = false;  // a new C has nothing to accumulate into
  mxm(C, A, B, semiring, fresh);
  return C;
}

void wait(const Matrix& A) {
  check(GrB_Matrix_wait(A.get(), GrB_MATERIALIZE), "GrB_Matrix_wait", A.get());
}

}  // namespace dnmf::grb
