#include "dnmf/io/labels.hpp"

#include <charconv>
#include <string_view>

#include "dnmf/core/error.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/io/text_reader.hpp"

namespace dnmf::io {

std::vector<int> read_labels(const std::string& path) {
  TextReader in(path);
  std::vector<int> labels;
  std::string line;
  while (in.next_line(line)) {
    const auto b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;
    const auto e = line.find_last_not_of(" \t");
    const std::string_view token(line.data() + b, e - b + 1);
    int value = 0;
    const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec == std::errc::result_out_of_range)
      throw InputError(path, in.line_number(), "label " + quote_token(token) + " is out of the int range");
    if (ec != std::errc() || ptr != token.data() + token.size())
      throw InputError(path, in.line_number(),
                       "expected one integer label per line, got " + quote_token(token));
    labels.push_back(value);
  }
  if (labels.empty()) throw InputError(path, 0, "no labels found");
  return labels;
}

void write_labels(std::ostream& out, const std::vector<int>& labels) {
  std::string buffer;
  buffer.reserve(labels.size() * 3);
  for (int l : labels) {
    buffer += std::to_string(l);
    buffer += '\n';
  }
  out << buffer;
}

void write_labels(const std::string& path, const std::vector<int>& labels) {
  write_file_atomically(path, [&](std::ostream& out) { write_labels(out, labels); });
}

}  // namespace dnmf::io
