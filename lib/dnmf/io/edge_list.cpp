#include "dnmf/io/edge_list.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include "dnmf/core/error.hpp"
#include "dnmf/io/text_reader.hpp"

namespace dnmf::io {

namespace {

int split_blanks(std::string_view line, std::string_view* tokens, int max_tokens) {
  int count = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == ',')) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != ',') ++j;
    if (count == max_tokens) return count + 1;
    tokens[count++] = line.substr(i, j - i);
    i = j;
  }
  return count;
}

}  // namespace

Csr read_edge_list(const std::string& path, const EdgeListOptions& options) {
  TextReader in(path);
  std::string line;
  std::string_view tokens[3];
  std::vector<Triplet> edges;
  Index max_id = -1;
  const Index base = options.one_based ? 1 : 0;
  while (in.next_line(line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#' || line[first] == '%') continue;
    const std::int64_t ln = in.line_number();
    const int n = split_blanks(line, tokens, 3);
    if (n != 2 && n != 3)
      throw InputError(path, ln, "expected 'source target [weight]', got " + std::to_string(n) + " fields");
    Index ids[2];
    for (int t = 0; t < 2; ++t) {
      const auto [ptr, ec] = std::from_chars(tokens[t].data(), tokens[t].data() + tokens[t].size(), ids[t]);
      if (ec != std::errc() || ptr != tokens[t].data() + tokens[t].size())
        throw InputError(path, ln, "node id '" + std::string(tokens[t]) + "' is not an integer");
      if (ids[t] < base)
        throw InputError(path, ln,
                         "node id " + std::to_string(ids[t]) + " is below " + std::to_string(base) +
                             " (ids are " + (options.one_based ? "1-based" : "0-based") + ")");
      ids[t] -= base;
      if (options.num_nodes >= 0 && ids[t] >= options.num_nodes)
        throw InputError(path, ln,
                         "node id " + std::string(tokens[t]) + " out of range (" +
                             std::to_string(options.num_nodes) + " nodes)");
      if (ids[t] >= std::numeric_limits<std::int32_t>::max())
        throw InputError(path, ln, "node id " + std::string(tokens[t]) + " exceeds the 2^31 - 1 node limit");
    }
    double w = 1.0;
    if (n == 3) {
      std::string_view token = tokens[2];
      if (!token.empty() && token.front() == '+') token.remove_prefix(1);
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), w);
      if (ec != std::errc() || ptr != token.data() + token.size())
        throw InputError(path, ln, "weight '" + std::string(tokens[2]) + "' is not a number");
      if (!std::isfinite(w)) throw InputError(path, ln, std::isnan(w) ? "NaN weight" : "Inf weight");
      if (w < 0) throw InputError(path, ln, "negative weight " + std::string(tokens[2]));
    }
    max_id = std::max({max_id, ids[0], ids[1]});
    if (ids[0] == ids[1] && !options.keep_self_loops) continue;
    edges.push_back({ids[0], ids[1], w});
  }
  const Index n = options.num_nodes >= 0 ? options.num_nodes : max_id + 1;
  if (options.directed) return Csr::from_triplets(n, n, std::move(edges), Duplicates::sum, true);
  // Undirected: a pair given as "u v" and "v u" (or repeated) is one edge; keep the
  // largest weight, then mirror. Normalise each pair to (min, max) first.
  for (auto& e : edges)
    if (e.row > e.col) std::swap(e.row, e.col);
  std::sort(edges.begin(), edges.end(), [](const Triplet& a, const Triplet& b) {
    return a.row != b.row ? a.row < b.row : (a.col != b.col ? a.col < b.col : a.value > b.value);
  });
  std::vector<Triplet> both;
  both.reserve(2 * edges.size());
  for (size_t i = 0; i < edges.size(); ++i) {
    if (i > 0 && edges[i].row == edges[i - 1].row && edges[i].col == edges[i - 1].col)
      continue;  // max kept first
    both.push_back(edges[i]);
    if (edges[i].row != edges[i].col) both.push_back({edges[i].col, edges[i].row, edges[i].value});
  }
  return Csr::from_triplets(n, n, std::move(both), Duplicates::error, true);
}

}  // namespace dnmf::io
