#include "dnmf/io/formats.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/io/text_reader.hpp"

namespace dnmf::io {

DataFormat parse_data_format(const std::string& name) {
  if (name == "auto") return DataFormat::automatic;
  if (name == "mtx") return DataFormat::matrix_market;
  if (name == "csv") return DataFormat::csv;
  if (name == "tsv") return DataFormat::tsv;
  if (name == "libsvm") return DataFormat::libsvm;
  if (name == "npy") return DataFormat::npy;
  throw InvalidOption("format must be auto, mtx, csv, tsv, libsvm or npy (got '" + name + "')");
}

const char* to_string(DataFormat format) {
  switch (format) {
    case DataFormat::automatic:
      return "auto";
    case DataFormat::matrix_market:
      return "mtx";
    case DataFormat::csv:
      return "csv";
    case DataFormat::tsv:
      return "tsv";
    case DataFormat::libsvm:
      return "libsvm";
    case DataFormat::npy:
      return "npy";
  }
  return "?";
}

DataFormat format_of(const std::string& path) {
  std::string name = path;
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  const auto ends = [&](const char* suffix) {
    const size_t n = std::strlen(suffix);
    if (name.size() < n) return false;
    for (size_t i = 0; i < n; ++i)
      if (std::tolower(static_cast<unsigned char>(name[name.size() - n + i])) != suffix[i]) return false;
    return true;
  };
  if (ends(".csv")) return DataFormat::csv;
  if (ends(".tsv") || ends(".tab")) return DataFormat::tsv;
  if (ends(".svm") || ends(".libsvm") || ends(".svmlight")) return DataFormat::libsvm;
  if (ends(".npy")) return DataFormat::npy;
  return DataFormat::matrix_market;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// A finite number, or nullopt-like false. Accepts a leading '+' and surrounding quotes.
bool parse_number(std::string_view field, double& value) {
  field = trim(field);
  if (field.size() >= 2 && field.front() == '"' && field.back() == '"')
    field = trim(field.substr(1, field.size() - 2));
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  if (field.empty()) return false;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  return ec == std::errc() && end == field.data() + field.size() && std::isfinite(value);
}

/// Splits on `delimiter`; 0 splits on runs of blanks.
void split(std::string_view line, char delimiter, std::vector<std::string_view>& fields) {
  fields.clear();
  if (delimiter == 0) {
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      if (i >= line.size()) break;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
      fields.push_back(line.substr(i, j - i));
      i = j;
    }
    return;
  }
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i)
    if (i == line.size() || line[i] == delimiter) {
      fields.push_back(line.substr(start, i - start));
      start = i + 1;
    }
}

bool skipped(std::string_view line) {
  line = trim(line);
  return line.empty() || line.front() == '#';
}

/// Refuses before `values` would pass the memory budget.
void check_budget(const std::string& path, std::int64_t line, size_t values) {
  const long double bytes = static_cast<long double>(values) * 8.0L;
  if (bytes > static_cast<long double>(memory_budget()))
    throw InputError(path, line,
                     "the data read so far needs " + human_bytes(bytes) + ", more than the " +
                         human_bytes(static_cast<long double>(memory_budget())) +
                         " memory budget (--max-memory); refusing to allocate");
}

std::string quoted(std::string_view field) {
  std::string s(field.substr(0, 40));
  if (field.size() > 40) s += "…";
  return "'" + s + "'";
}

}  // namespace

Dense read_delimited(const std::string& path, const DelimitedOptions& options) {
  TextReader in(path);
  std::string line;
  std::vector<std::string_view> fields;
  std::vector<double> values;
  char delimiter = options.delimiter;
  bool decided = delimiter != 0;
  bool first = true;
  size_t width = 0;
  Index rows = 0;
  const DataFormat format = format_of(path);
  while (in.next_line(line)) {
    if (skipped(line)) continue;
    if (!decided) {
      const auto has = [&](char c) { return line.find(c) != std::string::npos; };
      if (format == DataFormat::csv && has(','))
        delimiter = ',';
      else if (has('\t'))
        delimiter = '\t';
      else if (has(','))
        delimiter = ',';
      else if (has(';'))
        delimiter = ';';
      else
        delimiter = 0;
      decided = true;
    }
    split(line, delimiter, fields);
    if (first) {
      first = false;
      bool header = options.header == 1;
      if (options.header == -1) {
        double v;
        header = std::any_of(fields.begin(), fields.end(),
                             [&](std::string_view f) { return !parse_number(f, v); });
      }
      width = fields.size();
      if (header) continue;
    }
    if (fields.size() != width)
      throw InputError(path, in.line_number(),
                       "has " + std::to_string(fields.size()) + " fields, expected " + std::to_string(width) +
                           " as on the first line");
    check_budget(path, in.line_number(), values.size() + width);
    for (size_t f = 0; f < fields.size(); ++f) {
      double v;
      if (!parse_number(fields[f], v))
        throw InputError(
            path, in.line_number(),
            "field " + std::to_string(f + 1) + " " + quoted(trim(fields[f])) + " is not a finite number");
      values.push_back(v);
    }
    ++rows;
  }
  if (rows == 0 || width == 0) throw InputError(path, 0, "holds no data rows");
  Dense out(rows, static_cast<Index>(width));
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < static_cast<Index>(width); ++j)
      out(i, j) = values[static_cast<size_t>(i) * width + static_cast<size_t>(j)];
  return out;
}

Csr read_libsvm(const std::string& path) {
  TextReader in(path);
  std::string line;
  std::vector<std::string_view> fields;
  std::vector<Triplet> entries;
  Index rows = 0;
  std::int64_t smallest = INT64_MAX, largest = -1;
  while (in.next_line(line)) {
    if (skipped(line)) continue;
    std::string_view text(line);
    if (const size_t hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
    split(text, 0, fields);
    if (fields.empty()) continue;
    std::int64_t previous = -1;
    // fields[0] is the label (or the first index:value pair in a file without labels).
    for (size_t f = 0; f < fields.size(); ++f) {
      const std::string_view item = fields[f];
      const size_t colon = item.find(':');
      if (colon == std::string_view::npos) {
        double label;
        if (f == 0 && parse_number(item, label)) continue;  // the label, ignored
        throw InputError(path, in.line_number(), "expected index:value, got " + quoted(item));
      }
      std::int64_t index = -1;
      const std::string_view key = item.substr(0, colon);
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      if (ec != std::errc() || end != key.data() + key.size() || index < 0 || index > 2147483646)
        throw InputError(path, in.line_number(), "bad feature index in " + quoted(item));
      if (key == "qid") continue;  // svmlight ranking ids
      if (index <= previous)
        throw InputError(path, in.line_number(),
                         "feature indices must increase within a line (" + quoted(item) + ")");
      previous = index;
      double value;
      if (!parse_number(item.substr(colon + 1), value))
        throw InputError(path, in.line_number(), "value of " + quoted(item) + " is not a finite number");
      smallest = std::min(smallest, index);
      largest = std::max(largest, index);
      check_budget(path, in.line_number(), 2 * (entries.size() + 1));
      entries.push_back({rows, static_cast<Index>(index), value});
    }
    ++rows;
  }
  if (rows == 0) throw InputError(path, 0, "holds no data rows");
  if (largest < 0) throw InputError(path, 0, "holds no index:value entries");
  const std::int64_t base = smallest == 0 ? 0 : 1;
  for (auto& e : entries) e.col -= static_cast<Index>(base);
  return Csr::from_triplets(rows, static_cast<Index>(largest - base + 1), std::move(entries),
                            Duplicates::error);
}

Dense read_npy(const std::string& path) {
  gzFile in = gzopen(path.c_str(), "rb");
  if (!in) throw InputError(path, 0, "cannot open: " + std::string(std::strerror(errno)));
  struct Closer {
    gzFile f;
    ~Closer() { gzclose(f); }
  } closer{in};
  const auto read = [&](void* buffer, size_t bytes, const char* what) {
    size_t done = 0;
    while (done < bytes) {
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(bytes - done, 1u << 30));
      const int got = gzread(in, static_cast<char*>(buffer) + done, chunk);
      if (got <= 0) throw InputError(path, 0, std::string("truncated .npy file (") + what + ")");
      done += static_cast<size_t>(got);
    }
  };
  unsigned char magic[8];
  read(magic, 8, "magic");
  if (std::memcmp(magic, "\x93NUMPY", 6) != 0) throw InputError(path, 0, "not a .npy file (bad magic)");
  const int major = magic[6];
  size_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    read(b, 2, "header length");
    header_len = b[0] | (static_cast<size_t>(b[1]) << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    read(b, 4, "header length");
    header_len = b[0] | (static_cast<size_t>(b[1]) << 8) | (static_cast<size_t>(b[2]) << 16) |
                 (static_cast<size_t>(b[3]) << 24);
  } else {
    throw InputError(path, 0, "unsupported .npy version " + std::to_string(major));
  }
  if (header_len > (1u << 20)) throw InputError(path, 0, ".npy header too long");
  std::string header(header_len, '\0');
  read(header.data(), header_len, "header");
  const auto field = [&](const char* key) -> std::string {
    const size_t at = header.find(std::string("'") + key + "'");
    if (at == std::string::npos) throw InputError(path, 0, std::string(".npy header lacks '") + key + "'");
    const size_t colon = header.find(':', at);
    size_t start = colon + 1;
    while (start < header.size() && header[start] == ' ') ++start;
    size_t end = start;
    if (header[start] == '(') {
      end = header.find(')', start);
      if (end == std::string::npos) throw InputError(path, 0, ".npy header: unterminated shape");
      return header.substr(start, end - start + 1);
    }
    while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
    return std::string(trim(std::string_view(header).substr(start, end - start)));
  };
  std::string descr = field("descr");
  descr.erase(std::remove(descr.begin(), descr.end(), '\''), descr.end());
  const bool fortran = field("fortran_order") == "True";
  const std::string shape = field("shape");
  std::vector<std::int64_t> dims;
  for (size_t i = 1; i < shape.size();) {
    while (i < shape.size() && (shape[i] == ' ' || shape[i] == ',')) ++i;
    if (i >= shape.size() || shape[i] == ')') break;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(shape.data() + i, shape.data() + shape.size(), v);
    if (ec != std::errc() || v < 0) throw InputError(path, 0, ".npy header: bad shape " + shape);
    dims.push_back(v);
    i = static_cast<size_t>(end - shape.data());
  }
  if (dims.size() != 2)
    throw InputError(path, 0, "expected a 2-D array (samples × features), shape " + shape);
  size_t item = 0;
  if (descr == "<f8" || descr == "<i8")
    item = 8;
  else if (descr == "<f4" || descr == "<i4")
    item = 4;
  else if (descr == "|u1" || descr == "<u1")
    item = 1;
  else
    throw InputError(path, 0,
                     "unsupported .npy dtype '" + descr + "' (float64/32, int64/32, uint8 little-endian)");
  const long double cells = static_cast<long double>(dims[0]) * static_cast<long double>(dims[1]);
  if (cells * 8.0L > static_cast<long double>(memory_budget()))
    throw InputError(path, 0,
                     "shape " + shape + " needs " + human_bytes(cells * 8.0L) +
                         ", more than the memory budget "
                         "(--max-memory); refusing to allocate");
  const Index rows = dims[0], cols = dims[1];
  if (rows == 0 || cols == 0) throw InputError(path, 0, "holds no data (shape " + shape + ")");
  // The payload must fit in what the file can hold (1032× its size when compressed:
  // deflate's largest ratio) before anything is allocated for it.
  std::error_code error;
  const auto file_bytes = std::filesystem::file_size(path, error);
  if (!error) {
    const long double can_hold = static_cast<long double>(file_bytes) * (gzdirect(in) ? 1.0L : 1032.0L);
    if (cells * static_cast<long double>(item) > can_hold)
      throw InputError(path, 0,
                       "shape " + shape + " needs more data than the file holds (truncated or wrong header)");
  }
  std::vector<unsigned char> raw(static_cast<size_t>(cells) * item);
  read(raw.data(), raw.size(), "data");
  Dense out(rows, cols);
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j) {
      const size_t at = fortran ? static_cast<size_t>(j * rows + i) : static_cast<size_t>(i * cols + j);
      const unsigned char* p = raw.data() + at * item;
      double v = 0;
      if (descr == "<f8") {
        std::memcpy(&v, p, 8);
      } else if (descr == "<f4") {
        float f;
        std::memcpy(&f, p, 4);
        v = f;
      } else if (descr == "<i8") {
        std::int64_t x;
        std::memcpy(&x, p, 8);
        v = static_cast<double>(x);
      } else if (descr == "<i4") {
        std::int32_t x;
        std::memcpy(&x, p, 4);
        v = x;
      } else {
        v = *p;
      }
      if (!std::isfinite(v))
        throw InputError(
            path, 0, "non-finite value at (" + std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")");
      out(i, j) = v;
    }
  return out;
}

}  // namespace dnmf::io
