// Line reader for plain or gzip-compressed text (zlib detects the format).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dnmf::io {

/// Reads a text file line by line; gzip input (.gz or gzip magic) is decompressed
/// transparently and "-" reads standard input. Tracks the 1-based line number for
/// error messages. A truncated gzip stream (missing data or trailer) is an error, and
/// a line longer than `max_line_bytes` is refused rather than buffered.
class TextReader {
 public:
  static constexpr std::uint64_t kDefaultMaxLineBytes = std::uint64_t{32} << 20;  ///< 32 MiB

  /// Throws InputError(path, 0, ...) when the file cannot be opened or is a directory.
  explicit TextReader(const std::string& path, std::uint64_t max_line_bytes = kDefaultMaxLineBytes);
  TextReader(const TextReader&) = delete;
  TextReader& operator=(const TextReader&) = delete;
  ~TextReader();

  /// Next line without the trailing '\n' / "\r\n"; false at end of file.
  /// Throws InputError on a read/decompression error or an over-long line.
  bool next_line(std::string& line);
  /// Hands `line` back: the next next_line returns it again (one line of look-ahead,
  /// so a reader can sniff the first line of standard input and pass the stream on).
  void unread_line(std::string line);
  std::int64_t line_number() const { return line_number_; }
  const std::string& path() const { return path_; }  ///< as given ("-" for stdin)

  /// An upper bound on the bytes of text this file can hold, known before reading:
  /// the size of a regular plain file, 1032 × the size of a gzip file (deflate's largest
  /// ratio), or UINT64_MAX for pipes and standard input. Readers compare declared sizes
  /// with it, so a lying header cannot make them allocate more than the file could fill.
  std::uint64_t max_content_bytes() const { return max_content_bytes_; }
  bool compressed() const { return compressed_; }

 private:
  std::string path_;
  void* gz_ = nullptr;  // gzFile, kept opaque so zlib.h stays out of public headers
  std::int64_t line_number_ = 0;
  std::uint64_t max_line_bytes_;
  std::uint64_t max_content_bytes_ = UINT64_MAX;
  bool compressed_ = false;
  bool has_pending_ = false;
  std::string pending_;
};

/// A token for an error message, quoted and cut to 40 characters ("'7777...' (33554432
/// characters)"), so a hostile file cannot make a message huge.
std::string quote_token(std::string_view token);

}  // namespace dnmf::io
