// Data files besides Matrix Market: delimited text (CSV/TSV), libsvm/svmlight and NumPy
// .npy, each optionally gzip-compressed. Rows are samples. Every reader is as strict as
// the Matrix Market one: a malformed file throws InputError naming the file, the line
// (text formats) and the problem, and declared or implied sizes are checked against the
// file size and the memory budget before allocating.
#pragma once

#include <string>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/types.hpp"

namespace dnmf::io {

/// The format of a data file. `automatic` decides by the name (after a trailing .gz):
/// .mtx → matrix_market, .csv → csv, .tsv/.tab → tsv, .svm/.libsvm/.svmlight → libsvm,
/// .npy → npy; anything else (and "-") is read as Matrix Market.
enum class DataFormat { automatic, matrix_market, csv, tsv, libsvm, npy };
DataFormat parse_data_format(const std::string& name);  ///< "auto|mtx|csv|tsv|libsvm|npy"
const char* to_string(DataFormat format);
DataFormat format_of(const std::string& path);  ///< the `automatic` rule above

struct DelimitedOptions {
  /// 0 = detect from the first data line: tab, then comma, then semicolon, else runs of
  /// blanks. CSV files default to ',' and TSV files to '\t' when they hold that character.
  char delimiter = 0;
  /// -1 = detect (a first line with a field that is not a number is a header), 0 = none,
  /// 1 = the first non-comment line is a header.
  int header = -1;
};

/// Dense numbers, one sample per line, the same number of fields on every line. Lines
/// starting with '#' and empty lines are skipped. Fields must be finite numbers
/// (InputError naming the line and the field otherwise). O(file size).
Dense read_delimited(const std::string& path, const DelimitedOptions& options = {});

/// libsvm/svmlight: "label index:value index:value …" per line, the label ignored,
/// indices 1-based and increasing within a line (a file whose smallest index is 0 is
/// read as 0-based). The feature count is the largest index. O(file size).
Csr read_libsvm(const std::string& path);

/// NumPy .npy (format 1.0–3.0): a 2-D array of float64, float32, int64, int32 or uint8,
/// little-endian, C or Fortran order. O(n·d).
Dense read_npy(const std::string& path);

}  // namespace dnmf::io
