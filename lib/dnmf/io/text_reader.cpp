#include "dnmf/io/text_reader.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "dnmf/core/error.hpp"

namespace dnmf::io {

TextReader::TextReader(const std::string& path) : path_(path) {
  // gzopen reads plain files transparently, so one code path serves .mtx and .mtx.gz.
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError(path, 0, std::string("cannot open file (") + std::strerror(errno) + ")");
  gzbuffer(f, 1 << 18);
  gz_ = f;
}

TextReader::~TextReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

bool TextReader::next_line(std::string& line) {
  line.clear();
  gzFile f = static_cast<gzFile>(gz_);
  char buffer[4096];
  bool got_any = false;
  // gzgets stops at a newline or a full buffer; loop so lines of any length work.
  while (gzgets(f, buffer, sizeof buffer) != nullptr) {
    got_any = true;
    const size_t len = std::strlen(buffer);
    line.append(buffer, len);
    if (len > 0 && buffer[len - 1] == '\n') break;
  }
  if (!got_any) {
    int err = 0;
    const char* message = gzerror(f, &err);
    if (err != Z_OK && err != Z_BUF_ERROR)
      throw InputError(path_, line_number_ + 1, std::string("read error: ") + message);
    if (!gzeof(f)) throw InputError(path_, line_number_ + 1, "read error");
    return false;
  }
  int err = 0;
  const char* message = gzerror(f, &err);
  if (err != Z_OK && err != Z_BUF_ERROR)
    throw InputError(path_, line_number_ + 1, std::string("read error (corrupt gzip data?): ") + message);
  ++line_number_;
  if (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

}  // namespace dnmf::io
