// Small RAII layer over SuiteSparse:GraphBLAS (FP64 matrices only).
//
// GraphBLAS.h is deliberately not included here: users of libdnmf need neither
// the header nor the library on their link line. A GrB_Matrix is a pointer to
// the incomplete struct GB_Matrix_opaque (that is how GraphBLAS.h declares it),
// so forward-declaring that struct gives a type-safe handle without a pimpl.
//
// Every GraphBLAS call is checked; failures throw dnmf::Error whose message names
// the call, the GrB_Info code and GraphBLAS's own error string.
// Thread safety: initialisation happens once (std::call_once) on first use; after
// that distinct Matrix objects may be used from different threads concurrently.
#pragma once

#include <cstdint>
#include <memory>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

struct GB_Matrix_opaque;  // = *GrB_Matrix, defined inside libgraphblas

namespace dnmf::grb {

/// Starts GraphBLAS (non-blocking mode, C malloc/free) unless already started. Every
/// way of creating a Matrix, and set_threads/threads, calls it first, so explicit
/// calls are optional. Tolerates a
/// GraphBLAS already started by the application. GrB_finalize is never called:
/// the library cannot know when the last user is done, and the process exit
/// releases everything GraphBLAS holds.
void initialize();

/// Maximum threads GraphBLAS uses in each call (default: omp_get_max_threads()).
void set_threads(int threads);
int threads();

/// Owning handle to an FP64 GrB_Matrix; moves, never copies implicitly (use dup()).
class Matrix {
 public:
  Matrix() noexcept = default;  ///< holds no matrix
  /// rows x cols matrix with no entries.
  Matrix(Index rows, Index cols);
  /// Takes ownership of an existing GrB_Matrix of type GrB_FP64.
  explicit Matrix(GB_Matrix_opaque* handle) noexcept : handle_(handle) {}
  ~Matrix();

  Matrix(Matrix&& other) noexcept : handle_(other.release()) {}
  Matrix& operator=(Matrix&& other) noexcept;
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;

  Matrix dup() const;  ///< deep copy, O(nnz)
  Index rows() const;
  Index cols() const;
  Index nvals() const;  ///< stored entries (explicit zeros included)

  /// The GrB_Matrix, still owned by this object (for direct GraphBLAS calls).
  GB_Matrix_opaque* get() const noexcept { return handle_; }
  /// Gives up ownership; the caller must GrB_Matrix_free the result.
  GB_Matrix_opaque* release() noexcept {
    GB_Matrix_opaque* h = handle_;
    handle_ = nullptr;
    return h;
  }
  explicit operator bool() const noexcept { return handle_ != nullptr; }

 private:
  GB_Matrix_opaque* handle_ = nullptr;
};

// ---- conversions --------------------------------------------------------------

/// Sparse GraphBLAS copy of a Csr (explicit zeros kept). One O(nnz + rows) pass into
/// GraphBLAS-owned arrays, which are then moved in by GxB_Matrix_pack_CSR in O(1).
Matrix from_csr(const Csr& A);
/// Csr copy of any matrix (GrB_Matrix_export, O(nnz + rows)); throws if cols > 2^31-1.
Csr to_csr(const Matrix& A);

/// Releases memory that GraphBLAS allocated (C free, see initialize()).
struct FreeDeleter {
  void operator()(void* p) const noexcept;
};

/// A matrix's own CSR arrays, moved out of GraphBLAS without copying. Entries of row i
/// are (col_idx[p], values[p]) for p in [row_ptr[i], row_ptr[i+1]), in any column
/// order unless sorted(): the column sort GraphBLAS owes after an SpGEMM can cost
/// more than the product itself, and consumers that only scan rows do not need it.
class RowArrays {
 public:
  Index rows() const noexcept { return rows_; }
  Index cols() const noexcept { return cols_; }
  Index nnz() const noexcept {
    return rows_ == 0 ? 0 : static_cast<Index>(row_ptr_[static_cast<std::size_t>(rows_)]);
  }
  bool sorted() const noexcept { return sorted_; }  ///< columns increase within every row
  const std::uint64_t* row_ptr() const noexcept { return row_ptr_.get(); }
  const std::uint64_t* col_idx() const noexcept { return col_idx_.get(); }  ///< NULL when nnz = 0
  const double* values() const noexcept { return values_.get(); }           ///< NULL when nnz = 0

 private:
  friend RowArrays unpack_rows(Matrix&& A);
  Index rows_ = 0, cols_ = 0;
  bool sorted_ = true;
  std::unique_ptr<std::uint64_t[], FreeDeleter> row_ptr_, col_idx_;
  std::unique_ptr<double[], FreeDeleter> values_;
};

/// Consumes A (left empty) and hands over its CSR arrays: O(1) when A is held sparse
/// by row (e.g. an mxm result), else one conversion; iso values are expanded.
RowArrays unpack_rows(Matrix&& A);

/// Memory order of a full (dense) GraphBLAS matrix.
enum class Layout { by_row, by_col };
/// Full GraphBLAS matrix with every entry of `dense` present. O(rows·cols) copy.
Matrix from_dense(const Dense& dense, Layout layout = Layout::by_row);
/// Dense copy; entries that are not stored become 0. O(rows·cols) time and memory.
Dense to_dense(const Matrix& A);
/// rows x cols full matrix, every entry equal to value (iso: O(1) memory).
Matrix constant(Index rows, Index cols, double value);

// ---- element-wise operations and transposes ----------------------------------

enum class BinaryOp { plus, times, min, max };

/// Aᵀ, O(nnz + rows + cols).
Matrix transpose(const Matrix& A);
/// Union of the patterns; op applied where both are stored, else the stored value. O(nnz(A) + nnz(B)).
Matrix ewise_add(const Matrix& A, const Matrix& B, BinaryOp op);
/// Intersection of the patterns, op applied to each pair. O(nnz(A) + nnz(B)).
Matrix ewise_mult(const Matrix& A, const Matrix& B, BinaryOp op);
/// alpha·A, same pattern. O(nnz).
Matrix scaled(const Matrix& A, double alpha);
/// A without its diagonal entries (structurally removed). O(nnz).
Matrix drop_diagonal(const Matrix& A);

/// How a square (e.g. kNN) affinity becomes symmetric; all O(nnz(A)) after the transpose.
enum class Symmetrization {
  max,     ///< max(A_ij, A_ji) over the union of patterns (= dense max(A, Aᵀ) for A ≥ 0)
  mean,    ///< (A_ij + A_ji)/2, a missing entry counting as 0 (= dense (A + Aᵀ)/2)
  mutual,  ///< min(A_ij, A_ji), kept only where both are stored ("mutual kNN")
};
Matrix symmetrize(const Matrix& A, Symmetrization how);

// ---- reductions ---------------------------------------------------------------

Vector row_sums(const Matrix& A);    ///< A·1, O(nnz + rows)
Vector col_sums(const Matrix& A);    ///< Aᵀ·1, O(nnz + cols)
Vector row_counts(const Matrix& A);  ///< stored entries per row (out-degree), O(nnz + rows)
Vector col_counts(const Matrix& A);  ///< stored entries per column (in-degree), O(nnz + cols)

// ---- products -----------------------------------------------------------------

enum class Semiring {
  plus_times,  ///< ordinary product: Σ_k a_ik b_kj
  plus_pair,   ///< pattern product: counts k with a_ik and b_kj both stored (values ignored)
};

struct MxmOptions {
  bool transpose_a = false;
  bool transpose_b = false;  ///< A·Bᵀ without forming Bᵀ (GraphBLAS may still transpose internally)
  /// Optional mask M: only entries (i, j) stored in M are computed ("restricted product").
  const Matrix* mask = nullptr;
  bool mask_complement = false;  ///< compute only where M is NOT stored
  /// C += A·B into the existing C (a full C takes GraphBLAS's fast saxpy path for dense B).
  bool accumulate = false;
};

/// C = A·B (or C += A·B, or C⟨M⟩ = A·B). Cost of Gustavson's SpGEMM:
/// Σ_i Σ_{k ∈ row i of A} nnz(row k of B) multiply-adds; dense B: O(nnz(A)·cols(B)).
/// Shapes are checked by GraphBLAS (GrB_DIMENSION_MISMATCH becomes dnmf::Error).
void mxm(Matrix& C, const Matrix& A, const Matrix& B, Semiring semiring, const MxmOptions& options = {});
/// Allocates C with the right shape, then as above.
Matrix mxm(const Matrix& A, const Matrix& B, Semiring semiring, const MxmOptions& options = {});

/// Finishes any deferred (non-blocking) work on A, e.g. before stopping a timer.
void wait(const Matrix& A);

}  // namespace dnmf::grb
