// Output files that appear whole or not at all.
#pragma once

#include <fstream>
#include <functional>
#include <string>

namespace dnmf::io {

/// Writes to "<path>.tmp.<random>" in the same directory; commit() flushes, checks
/// the stream and renames over <path>. If commit() is never reached (exception,
/// early return) the destructor deletes the temporary, so no partial output survives.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  ///< throws dnmf::Error if the temp file cannot be created
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  std::ostream& stream() { return out_; }
  void commit();  ///< throws dnmf::Error naming the path on any write/rename failure

 private:
  std::string path_;
  std::string temp_path_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Convenience: AtomicFile f(path); write(f.stream()); f.commit();
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

}  // namespace dnmf::io
