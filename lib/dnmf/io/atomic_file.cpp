#include "dnmf/io/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "dnmf/core/error.hpp"

namespace dnmf::io {

namespace {
std::atomic<unsigned> temp_counter{0};
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  // Same directory as the target, so the final rename never crosses file systems.
  temp_path_ = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(temp_counter++);
  out_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw Error(path_ + ": cannot create output file (" + std::strerror(errno) + ")");
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    out_.close();
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
  }
}

void AtomicFile::commit() {
  out_.flush();
  const bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) throw Error(path_ + ": write failed (disk full or I/O error); nothing was written");
  std::error_code ec;
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) throw Error(path_ + ": cannot move the finished file into place (" + ec.message() + ")");
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  AtomicFile file(path);
  write(file.stream());
  file.commit();
}

}  // namespace dnmf::io
