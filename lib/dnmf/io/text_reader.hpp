// Line reader for plain or gzip-compressed text (zlib detects the format).
#pragma once

#include <cstdint>
#include <string>

namespace dnmf::io {

/// Reads a text file line by line; gzip input (.gz or gzip magic) is decompressed
/// transparently. Tracks the 1-based line number for error messages.
class TextReader {
 public:
  explicit TextReader(const std::string& path);  ///< throws InputError(path, 0, "cannot open ...")
  TextReader(const TextReader&) = delete;
  TextReader& operator=(const TextReader&) = delete;
  ~TextReader();

  /// Next line without the trailing '\n' / "\r\n"; false at end of file.
  /// Throws InputError on a read/decompression error.
  bool next_line(std::string& line);
  std::int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* gz_ = nullptr;  // gzFile, kept opaque so zlib.h stays out of public headers
  std::int64_t line_number_ = 0;
};

}  // namespace dnmf::io
