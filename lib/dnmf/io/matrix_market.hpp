// Matrix Market reader/writer with strict validation.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <variant>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf::io {

enum class MmFormat { coordinate, array };
enum class MmField { real, integer, pattern };
enum class MmSymmetry { general, symmetric };

/// Parsed banner and size line.
struct MmHeader {
  MmFormat format = MmFormat::coordinate;
  MmField field = MmField::real;
  MmSymmetry symmetry = MmSymmetry::general;
  Index rows = 0;
  Index cols = 0;
  Index entries = 0;  ///< declared nonzeros (coordinate) or rows*cols (array)
};

/// Memory guard: a header whose declared sizes would need more bytes than this (or more
/// text than the file can hold) is refused before anything is allocated.
/// 0 = the process-wide memory_budget() (core/memory.hpp).
struct ReadLimits {
  std::uint64_t max_bytes = 0;
};

/// Reads only the header (banner + size line). Throws InputError(path, line, ...).
MmHeader read_matrix_market_header(const std::string& path);

/// Reads any supported Matrix Market file into CSR (array files keep their nonzeros;
/// symmetric files are expanded to both triangles; pattern entries become 1.0).
/// Gzip input is read transparently. Errors name the file, the line and the problem:
/// malformed banner/size line, wrong token count, index out of range, NaN/Inf,
/// more/fewer entries than declared, duplicate coordinates, sizes that exceed limits.
/// O(nnz log nnz) time, O(nnz) memory.
Csr read_matrix_market(const std::string& path, const ReadLimits& limits = {});

class TextReader;
/// As read_matrix_market_any, from a reader positioned at the banner (e.g. standard input
/// whose first line a caller sniffed and handed back with TextReader::unread_line).
std::variant<Csr, Dense> read_matrix_market_any(TextReader& in, const ReadLimits& limits = {});

/// Array files are returned as Dense (column-major data, rows = samples),
/// coordinate files as Csr.
std::variant<Csr, Dense> read_matrix_market_any(const std::string& path, const ReadLimits& limits = {});

/// Writes coordinate real general (1-based, row-major order, shortest round-trip
/// decimals). The path form writes through an OutputSet (io/output.hpp: atomic for
/// regular files, "-" = stdout). Throws NumericalError rather than write NaN/Inf.
void write_matrix_market(const std::string& path, const Csr& matrix, const std::string& comment = "");
void write_matrix_market(std::ostream& out, const Csr& matrix, const std::string& comment = "");
/// Writes array real general (column-major). As above.
void write_matrix_market(const std::string& path, const Dense& matrix, const std::string& comment = "");
void write_matrix_market(std::ostream& out, const Dense& matrix, const std::string& comment = "");

}  // namespace dnmf::io
