#include "dnmf/io/text_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"

namespace dnmf::io {

namespace {
constexpr std::uint64_t kDeflateMaxRatio = 1032;  // RFC 1951: at most 258 bytes per 2 bits
}

TextReader::TextReader(const std::string& path, std::uint64_t max_line_bytes)
    : path_(path), max_line_bytes_(max_line_bytes) {
  const bool from_stdin = path == "-";
  const int fd = from_stdin ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, 0, std::string("cannot open file (") + std::strerror(errno) + ")");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw InputError(path, 0, std::string("cannot read file status (") + std::strerror(e) + ")");
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw InputError(path, 0, "is a directory, not a file");
  }
  if (S_ISREG(st.st_mode)) {
    unsigned char magic[2] = {0, 0};
    compressed_ = ::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    max_content_bytes_ = compressed_ ? size * kDeflateMaxRatio : size;
  }
  // gzdopen reads plain files transparently, so one code path serves .mtx and .mtx.gz.
  gzFile f = gzdopen(fd, "rb");
  if (!f) {
    ::close(fd);
    throw InputError(path, 0, "cannot open file (out of memory)");
  }
  gzbuffer(f, 1 << 18);
  gz_ = f;
}

TextReader::~TextReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

void TextReader::unread_line(std::string line) {
  pending_ = std::move(line);
  has_pending_ = true;
  --line_number_;
}

bool TextReader::next_line(std::string& line) {
  if (has_pending_) {
    has_pending_ = false;
    line = std::move(pending_);
    ++line_number_;
    return true;
  }
  line.clear();
  gzFile f = static_cast<gzFile>(gz_);
  char buffer[4096];
  bool got_any = false;
  // gzgets stops at a newline or a full buffer; loop so long lines work, up to the cap.
  while (gzgets(f, buffer, sizeof buffer) != nullptr) {
    got_any = true;
    const size_t len = std::strlen(buffer);
    line.append(buffer, len);
    if (line.size() > max_line_bytes_ + 1)  // + 1: the newline itself
      throw InputError(path_, line_number_ + 1,
                       "line longer than " + human_bytes(static_cast<long double>(max_line_bytes_)) +
                           " (is this a binary file?)");
    if (len > 0 && buffer[len - 1] == '\n') break;
  }
  int err = 0;
  const char* message = gzerror(f, &err);
  // zlib reports a stream that stops before its end (data or the 8-byte trailer
  // missing) as Z_BUF_ERROR "unexpected end of file".
  if (err == Z_BUF_ERROR)
    throw InputError(path_, line_number_ + 1,
                     "truncated gzip stream (the file ends before the compressed data)");
  if (err == Z_ERRNO)
    throw InputError(path_, line_number_ + 1, std::string("read error (") + std::strerror(errno) + ")");
  if (err != Z_OK) throw InputError(path_, line_number_ + 1, std::string("corrupt gzip data: ") + message);
  if (!got_any) {
    if (!gzeof(f)) throw InputError(path_, line_number_ + 1, "read error");
    return false;
  }
  ++line_number_;
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

std::string quote_token(std::string_view token) {
  constexpr size_t kShown = 40;
  if (token.size() <= kShown) return "'" + std::string(token) + "'";
  return "'" + std::string(token.substr(0, kShown)) + "...' (" + std::to_string(token.size()) +
         " characters)";
}

}  // namespace dnmf::io
