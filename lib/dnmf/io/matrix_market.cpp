#include "dnmf/io/matrix_market.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>
#include <string_view>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/io/text_reader.hpp"

namespace dnmf::io {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Splits on blanks into at most `max_tokens` views (+1 to detect extras); returns the count.
int split(std::string_view line, std::string_view* tokens, int max_tokens) {
  int count = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (count == max_tokens) return count + 1;  // too many
    tokens[count++] = line.substr(i, j - i);
    i = j;
  }
  return count;
}

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t") == std::string::npos;
}

bool parse_index(std::string_view token, Index& out) {
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  return ec == std::errc() && ptr == token.data() + token.size();
}

/// Parses a real value; returns false on a malformed token. Non-finite values parse
/// (so the caller can say "NaN"/"Inf" rather than "not a number").
bool parse_real(std::string_view token, double& out) {
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  if (ec == std::errc::result_out_of_range) {  // overflow to ±Inf is reported as such by the caller
    out = token.front() == '-' ? -HUGE_VAL : HUGE_VAL;
    return ptr == token.data() + token.size();
  }
  return ec == std::errc() && ptr == token.data() + token.size();
}

std::uint64_t memory_limit(const ReadLimits& limits) {
  return limits.max_bytes > 0 ? limits.max_bytes : memory_budget();
}

struct HeaderAndLine {
  MmHeader header;
  std::int64_t size_line = 0;
};

HeaderAndLine parse_header(TextReader& in) {
  const std::string& path = in.path();
  std::string line;
  if (!in.next_line(line)) throw InputError(path, 1, "empty file (expected a %%MatrixMarket banner)");
  std::string_view tokens[6];
  const int n = split(line, tokens, 5);
  if (n < 1 || lower(tokens[0]) != "%%matrixmarket")
    throw InputError(path, 1, "malformed header: the first line must start with %%MatrixMarket");
  if (n != 5)
    throw InputError(path, 1,
                     "malformed header: expected '%%MatrixMarket matrix <format> <field> <symmetry>', got " +
                         std::to_string(n) + " words");
  MmHeader h;
  if (lower(tokens[1]) != "matrix")
    throw InputError(path, 1, "malformed header: object " + quote_token(tokens[1]) + " is not 'matrix'");
  const std::string format = lower(tokens[2]), field = lower(tokens[3]), symmetry = lower(tokens[4]);
  if (format == "coordinate")
    h.format = MmFormat::coordinate;
  else if (format == "array")
    h.format = MmFormat::array;
  else
    throw InputError(path, 1,
                     "malformed header: format " + quote_token(format) + " (expected coordinate or array)");
  if (field == "real" || field == "double")
    h.field = MmField::real;
  else if (field == "integer")
    h.field = MmField::integer;
  else if (field == "pattern")
    h.field = MmField::pattern;
  else
    throw InputError(path, 1,
                     "unsupported field " + quote_token(field) + " (supported: real, integer, pattern)");
  if (symmetry == "general")
    h.symmetry = MmSymmetry::general;
  else if (symmetry == "symmetric")
    h.symmetry = MmSymmetry::symmetric;
  else
    throw InputError(path, 1,
                     "unsupported symmetry " + quote_token(symmetry) + " (supported: general, symmetric)");
  if (h.format == MmFormat::array && h.field == MmField::pattern)
    throw InputError(path, 1, "malformed header: 'array' files cannot have the 'pattern' field");

  // Comment lines (%) and blank lines may precede the size line.
  do {
    if (!in.next_line(line)) throw InputError(path, in.line_number() + 1, "missing size line");
  } while (is_blank(line) || line[0] == '%');
  const std::int64_t size_line = in.line_number();
  const int expected = h.format == MmFormat::coordinate ? 3 : 2;
  const int got = split(line, tokens, 3);
  Index values[3] = {0, 0, 0};
  bool ok = got == expected;
  for (int i = 0; ok && i < expected; ++i) ok = parse_index(tokens[i], values[i]) && values[i] >= 0;
  if (!ok)
    throw InputError(path, size_line,
                     std::string("malformed size line: expected ") +
                         (expected == 3 ? "'rows cols entries'" : "'rows cols'") +
                         " as nonnegative integers, got " + quote_token(line));
  h.rows = values[0];
  h.cols = values[1];
  // Before any size arithmetic: a symmetric array's entry count below is only bounded for
  // square sizes (found by fuzz_matrix_market: '9020004149238 3' overflowed rows·(rows+1)).
  if (h.symmetry == MmSymmetry::symmetric && h.rows != h.cols)
    throw InputError(
        path, size_line,
        "a symmetric matrix must be square, got " + std::to_string(h.rows) + " x " + std::to_string(h.cols));
  const long double cells = static_cast<long double>(h.rows) * static_cast<long double>(h.cols);
  if (h.format == MmFormat::coordinate) {
    h.entries = values[2];
    if (static_cast<long double>(h.entries) > cells)
      throw InputError(path, size_line,
                       "declares " + std::to_string(h.entries) + " entries but a " + std::to_string(h.rows) +
                           " x " + std::to_string(h.cols) + " matrix has fewer cells");
  } else {
    if (cells > 9.0e18L) throw InputError(path, size_line, "declared size is too large to index");
    h.entries = h.symmetry == MmSymmetry::symmetric ? h.rows * (h.rows + 1) / 2 : h.rows * h.cols;
  }
  if (h.cols > 2147483647LL)
    throw InputError(path, size_line, "more than 2^31 - 1 columns are not supported");
  return {h, size_line};
}

/// Checks, before anything is allocated, that the declared sizes fit the file and the
/// memory budget. Every value needs at least 2 bytes of text ("0\n"), every coordinate
/// entry 4 ("i j\n") or 6 ("i j v\n"), so a header declaring more than the file can
/// hold is wrong (or the file truncated): refusing it here stops a 3-line file from
/// allocating gigabytes.
void check_memory(const TextReader& in, std::int64_t line, const MmHeader& h, bool as_dense,
                  const ReadLimits& limits) {
  const std::string& path = in.path();
  const long double min_bytes_per_value =
      h.format == MmFormat::array ? 2.0L : (h.field == MmField::pattern ? 4.0L : 6.0L);
  const long double needed_text = static_cast<long double>(h.entries) * min_bytes_per_value;
  if (needed_text > static_cast<long double>(in.max_content_bytes()))
    throw InputError(path, line,
                     "declares " + std::to_string(h.rows) + " x " + std::to_string(h.cols) +
                         (h.format == MmFormat::coordinate ? " with " + std::to_string(h.entries) + " entries"
                                                           : " = " + std::to_string(h.entries) + " values") +
                         ", more than a file of " +
                         human_bytes(static_cast<long double>(in.max_content_bytes()) /
                                     (in.compressed() ? 1032.0L : 1.0L)) +
                         (in.compressed() ? " (compressed)" : "") +
                         " can hold: the size line is wrong or the file is truncated");
  long double bytes;
  if (as_dense) {
    bytes = static_cast<long double>(h.rows) * static_cast<long double>(h.cols) * 8.0L;
  } else {
    // Triplet buffers (index + index + value) and the final CSR (4 + 8 bytes), doubled
    // for mirrored symmetric entries.
    const long double factor = h.symmetry == MmSymmetry::symmetric ? 2.0L : 1.0L;
    // Row offsets twice (the CSR's and the fill cursors) and the column offsets of the
    // transpose the data matrix builds: 16 bytes per row and per column even when empty
    // (fuzz_matrix_market: 79 million empty rows from an 80-byte file took 18 s).
    bytes = static_cast<long double>(h.entries) * factor * 36.0L +
            (static_cast<long double>(h.rows) + static_cast<long double>(h.cols)) * 16.0L;
  }
  const std::uint64_t limit = memory_limit(limits);
  if (bytes > static_cast<long double>(limit))
    throw InputError(
        path, line,
        "declared size " + std::to_string(h.rows) + " x " + std::to_string(h.cols) +
            (h.format == MmFormat::coordinate ? " with " + std::to_string(h.entries) + " entries" : "") +
            " needs " + human_bytes(bytes) + ", more than the " +
            human_bytes(static_cast<long double>(limit)) +
            " memory budget (--max-memory); refusing to allocate");
}

/// Next data line (comments and blank lines skipped); false at end of file.
bool next_data_line(TextReader& in, std::string& line) {
  while (in.next_line(line))
    if (!is_blank(line) && line[0] != '%') return true;
  return false;
}

std::string value_problem(double v) {
  return std::isnan(v) ? "NaN value" : "Inf value";
}

Dense read_array(TextReader& in, const MmHeader& h) {
  const std::string& path = in.path();
  Dense out = Dense::Zero(h.rows, h.cols);
  std::string line;
  std::string_view tokens[2];
  Index read = 0;
  const bool symmetric = h.symmetry == MmSymmetry::symmetric;
  // Column-major order; symmetric files list the lower triangle (i >= j) only. An empty
  // dimension holds no values: the other one is not walked (fuzzing found "0 720682000"
  // spending seconds on empty columns).
  for (Index j = 0; j < (h.rows > 0 ? h.cols : 0); ++j) {
    for (Index i = symmetric ? j : 0; i < h.rows; ++i) {
      if (!next_data_line(in, line))
        throw InputError(path, in.line_number(),
                         "file ends after " + std::to_string(read) + " of " + std::to_string(h.entries) +
                             " declared values");
      const int n = split(line, tokens, 1);
      double v;
      if (n != 1)
        throw InputError(path, in.line_number(), "expected one value per line, got " + std::to_string(n));
      if (!parse_real(tokens[0], v))
        throw InputError(path, in.line_number(), "malformed value " + quote_token(tokens[0]));
      if (!std::isfinite(v)) throw InputError(path, in.line_number(), value_problem(v));
      if (h.field == MmField::integer && v != std::floor(v))
        throw InputError(path, in.line_number(),
                         "non-integer value " + quote_token(tokens[0]) + " in an integer file");
      out(i, j) = v;
      if (symmetric) out(j, i) = v;
      ++read;
    }
  }
  if (next_data_line(in, line))
    throw InputError(path, in.line_number(),
                     "more values than the " + std::to_string(h.entries) + " declared by the size line");
  return out;
}

/// Finds the line of the second occurrence of (row, col) (1-based) — error path only.
std::int64_t find_duplicate_line(const std::string& path, Index row, Index col) {
  TextReader in(path);
  std::string line;
  bool header_seen = false, size_seen = false, first_seen = false;
  std::string_view tokens[3];
  while (in.next_line(line)) {
    if (!header_seen) {
      header_seen = true;
      continue;
    }
    if (is_blank(line) || line[0] == '%') continue;
    if (!size_seen) {
      size_seen = true;
      continue;
    }
    if (split(line, tokens, 3) < 2) continue;
    Index i, j;
    if (parse_index(tokens[0], i) && parse_index(tokens[1], j) && i == row && j == col) {
      if (first_seen) return in.line_number();
      first_seen = true;
    }
  }
  return 0;
}

Csr read_coordinate(TextReader& in, const MmHeader& h) {
  const std::string& path = in.path();
  const bool symmetric = h.symmetry == MmSymmetry::symmetric;
  const bool pattern = h.field == MmField::pattern;
  const int tokens_per_line = pattern ? 2 : 3;
  std::vector<Index> rows;
  std::vector<std::int32_t> cols;
  std::vector<double> values;
  const size_t reserve = static_cast<size_t>(h.entries) * (symmetric ? 2 : 1);
  rows.reserve(reserve);
  cols.reserve(reserve);
  values.reserve(reserve);
  std::string line;
  std::string_view tokens[3];
  for (Index e = 0; e < h.entries; ++e) {
    if (!next_data_line(in, line))
      throw InputError(
          path, in.line_number(),
          "file ends after " + std::to_string(e) + " of " + std::to_string(h.entries) + " declared entries");
    const std::int64_t ln = in.line_number();
    const int n = split(line, tokens, tokens_per_line);
    if (n != tokens_per_line)
      throw InputError(path, ln,
                       "expected " + std::string(pattern ? "'row col'" : "'row col value'") + ", got " +
                           std::to_string(n) + " fields");
    Index i, j;
    if (!parse_index(tokens[0], i))
      throw InputError(path, ln, "malformed row index " + quote_token(tokens[0]));
    if (!parse_index(tokens[1], j))
      throw InputError(path, ln, "malformed column index " + quote_token(tokens[1]));
    if (i < 1 || i > h.rows)
      throw InputError(path, ln,
                       "row index " + std::to_string(i) + " out of range (declared rows " +
                           std::to_string(h.rows) + ", indices are 1-based)");
    if (j < 1 || j > h.cols)
      throw InputError(path, ln,
                       "column index " + std::to_string(j) + " out of range (declared cols " +
                           std::to_string(h.cols) + ", indices are 1-based)");
    double v = 1.0;
    if (!pattern) {
      if (!parse_real(tokens[2], v)) throw InputError(path, ln, "malformed value " + quote_token(tokens[2]));
      if (!std::isfinite(v)) throw InputError(path, ln, value_problem(v));
      if (h.field == MmField::integer && v != std::floor(v))
        throw InputError(path, ln, "non-integer value " + quote_token(tokens[2]) + " in an integer file");
    }
    if (symmetric && j > i)
      throw InputError(path, ln,
                       "entry (" + std::to_string(i) + ", " + std::to_string(j) +
                           ") lies in the upper triangle; a symmetric file lists the lower triangle only");
    rows.push_back(i - 1);
    cols.push_back(static_cast<std::int32_t>(j - 1));
    values.push_back(v);
    if (symmetric && i != j) {
      rows.push_back(j - 1);
      cols.push_back(static_cast<std::int32_t>(i - 1));
      values.push_back(v);
    }
  }
  if (next_data_line(in, line))
    throw InputError(path, in.line_number(),
                     "more entries than the " + std::to_string(h.entries) + " declared by the size line");

  // Counting sort by row (O(nnz + rows)), then sort each row by column.
  std::vector<Csr::Offset> row_ptr(static_cast<size_t>(h.rows + 1), 0);
  for (Index r : rows) ++row_ptr[static_cast<size_t>(r + 1)];
  std::partial_sum(row_ptr.begin(), row_ptr.end(), row_ptr.begin());
  std::vector<Csr::Offset> next(row_ptr.begin(), row_ptr.end() - 1);
  std::vector<std::int32_t> col_idx(values.size());
  std::vector<double> vals(values.size());
  for (size_t e = 0; e < values.size(); ++e) {
    const Csr::Offset p = next[static_cast<size_t>(rows[e])]++;
    col_idx[p] = cols[e];
    vals[p] = values[e];
  }
  std::vector<Index>().swap(rows);
  std::vector<std::int32_t>().swap(cols);
  std::vector<double>().swap(values);
  std::vector<std::pair<std::int32_t, double>> scratch;
  for (Index r = 0; r < h.rows; ++r) {
    const Csr::Offset b = row_ptr[r], e = row_ptr[r + 1];
    if (!std::is_sorted(col_idx.begin() + b, col_idx.begin() + e)) {
      scratch.clear();
      for (Csr::Offset p = b; p < e; ++p) scratch.emplace_back(col_idx[p], vals[p]);
      std::stable_sort(scratch.begin(), scratch.end(),
                       [](const auto& a, const auto& c) { return a.first < c.first; });
      for (Csr::Offset p = b; p < e; ++p) col_idx[p] = scratch[p - b].first, vals[p] = scratch[p - b].second;
    }
    for (Csr::Offset p = b + 1; p < e; ++p)
      if (col_idx[p] == col_idx[p - 1]) {
        const Index i = r + 1, j = col_idx[p] + 1;
        // For symmetric files, a duplicate may come from the mirrored copy; report the stored orientation.
        const Index fi = symmetric ? std::max(i, j) : i, fj = symmetric ? std::min(i, j) : j;
        throw InputError(path, find_duplicate_line(path, fi, fj),
                         "duplicate entry (" + std::to_string(fi) + ", " + std::to_string(fj) + ")");
      }
  }
  return Csr(h.rows, h.cols, std::move(row_ptr), std::move(col_idx), std::move(vals));
}

void append_number(std::string& out, double v) {
  char buffer[32];
  // Shortest representation that reads back to the same double.
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, ptr);
}

void write_comment(std::ostream& out, const std::string& comment) {
  if (comment.empty()) return;
  std::istringstream lines(comment);
  std::string line;
  while (std::getline(lines, line)) out << "% " << line << "\n";
}

}  // namespace

MmHeader read_matrix_market_header(const std::string& path) {
  TextReader in(path);
  return parse_header(in).header;
}

std::variant<Csr, Dense> read_matrix_market_any(const std::string& path, const ReadLimits& limits) {
  TextReader in(path);
  return read_matrix_market_any(in, limits);
}

std::variant<Csr, Dense> read_matrix_market_any(TextReader& in, const ReadLimits& limits) {
  const auto [h, size_line] = parse_header(in);
  if (h.format == MmFormat::array) {
    check_memory(in, size_line, h, true, limits);
    return read_array(in, h);
  }
  check_memory(in, size_line, h, false, limits);
  return read_coordinate(in, h);
}

Csr read_matrix_market(const std::string& path, const ReadLimits& limits) {
  auto any = read_matrix_market_any(path, limits);
  if (auto* dense = std::get_if<Dense>(&any)) return Csr::from_dense(*dense);
  return std::move(std::get<Csr>(any));
}

void write_matrix_market(std::ostream& out, const Csr& matrix, const std::string& comment) {
  for (Index i = 0; i < matrix.rows(); ++i)  // Csr keeps its values finite; checked anyway
    for (Csr::Offset p = matrix.row_ptr()[i]; p < matrix.row_ptr()[i + 1]; ++p)
      if (!std::isfinite(matrix.values()[p]))
        throw NumericalError("refusing to write a non-finite value at (" + std::to_string(i + 1) + ", " +
                             std::to_string(matrix.col_idx()[p] + 1) + ")");
  out << "%%MatrixMarket matrix coordinate real general\n";
  write_comment(out, comment);
  out << matrix.rows() << " " << matrix.cols() << " " << matrix.nnz() << "\n";
  std::string buffer;
  for (Index i = 0; i < matrix.rows(); ++i) {
    for (Csr::Offset p = matrix.row_ptr()[i]; p < matrix.row_ptr()[i + 1]; ++p) {
      buffer += std::to_string(i + 1);
      buffer += ' ';
      buffer += std::to_string(matrix.col_idx()[p] + 1);
      buffer += ' ';
      append_number(buffer, matrix.values()[p]);
      buffer += '\n';
    }
    if (buffer.size() > (1 << 20)) out << buffer, buffer.clear();
  }
  out << buffer;
}

void write_matrix_market(std::ostream& out, const Dense& matrix, const std::string& comment) {
  if (!matrix.allFinite()) {
    Index row = 0, col = 0;
    for (Index j = 0; j < matrix.cols(); ++j)
      for (Index i = 0; i < matrix.rows(); ++i)
        if (!std::isfinite(matrix(i, j)) && row == 0) row = i + 1, col = j + 1;
    throw NumericalError("refusing to write a non-finite value at (" + std::to_string(row) + ", " +
                         std::to_string(col) + ")");
  }
  out << "%%MatrixMarket matrix array real general\n";
  write_comment(out, comment);
  out << matrix.rows() << " " << matrix.cols() << "\n";
  std::string buffer;
  for (Index j = 0; j < matrix.cols(); ++j) {
    for (Index i = 0; i < matrix.rows(); ++i) {
      append_number(buffer, matrix(i, j));
      buffer += '\n';
    }
    if (buffer.size() > (1 << 20)) out << buffer, buffer.clear();
  }
  out << buffer;
}

void write_matrix_market(const std::string& path, const Csr& matrix, const std::string& comment) {
  write_file_atomically(path, [&](std::ostream& out) { write_matrix_market(out, matrix, comment); });
}

void write_matrix_market(const std::string& path, const Dense& matrix, const std::string& comment) {
  write_file_atomically(path, [&](std::ostream& out) { write_matrix_market(out, matrix, comment); });
}

}  // namespace dnmf::io
