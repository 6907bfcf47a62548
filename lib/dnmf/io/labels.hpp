// Label files: one integer per line.
#pragma once

#include <string>
#include <vector>

namespace dnmf::io {

/// One integer label per line (blank lines and '#' comments skipped). Errors name the
/// file and the line (non-integer token, extra tokens, out of int range).
std::vector<int> read_labels(const std::string& path);

/// One label per line, atomically.
void write_labels(const std::string& path, const std::vector<int>& labels);

}  // namespace dnmf::io
