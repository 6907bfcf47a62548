// Label files: one integer per line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace dnmf::io {

/// One integer label per line (blank lines and '#' comments skipped). Errors name the
/// file and the line (non-integer token, extra tokens, out of int range).
std::vector<int> read_labels(const std::string& path);

/// One label per line, through an OutputSet (io/output.hpp: atomic for regular files).
void write_labels(const std::string& path, const std::vector<int>& labels);
void write_labels(std::ostream& out, const std::vector<int>& labels);

}  // namespace dnmf::io
