// Shared by the libFuzzer harnesses: the input bytes as a file the readers can open by
// path (an in-memory file, /proc/self/fd/N), optionally gzip-compressed first so the
// fuzzer also explores content behind the decompressor.
#pragma once

#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dnmf/core/memory.hpp"

namespace fuzz {

/// The readers may allocate what a header declares up to the memory budget (--max-memory,
/// by default 3/4 of the machine's memory), and take time in proportion. The harnesses run
/// under libFuzzer's -rss_limit_mb=2048 and -timeout=10, so they set a budget of 256 MiB: a
/// declaration beyond it must be refused with InputError, not attempted. (Found by
/// fuzz_matrix_market: a 60-byte file declaring 1.3 billion rows asked for 10.5 GB of row
/// offsets within the default budget; with a 1 GiB budget, 65 million empty rows still took
/// 8 s of legitimate work under the fuzz build.)
inline const bool budget_set = (dnmf::set_memory_budget(std::uint64_t{1} << 28), true);

class MemoryFile {
 public:
  /// mode 0: the bytes as they are; 1: gzip-compressed; 2: gzip-compressed, then cut in half.
  MemoryFile(const std::uint8_t* data, size_t size, int mode) {
    (void)budget_set;  // odr-used here, so the budget is set before the first read
    fd_ = ::memfd_create("dnmf-fuzz", MFD_CLOEXEC);
    std::vector<std::uint8_t> bytes(data, data + size);
    if (mode != 0) {
      uLongf bound = compressBound(static_cast<uLong>(size)) + 32;
      std::vector<std::uint8_t> gz(bound);
      z_stream z{};
      deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);  // gzip wrapper
      z.next_in = const_cast<Bytef*>(data);
      z.avail_in = static_cast<uInt>(size);
      z.next_out = gz.data();
      z.avail_out = static_cast<uInt>(gz.size());
      deflate(&z, Z_FINISH);
      gz.resize(z.total_out);
      deflateEnd(&z);
      if (mode == 2) gz.resize(gz.size() / 2);
      bytes.swap(gz);
    }
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace fuzz
