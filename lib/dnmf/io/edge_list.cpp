#include "dnmf/io/edge_list.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <unordered_map>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/io/matrix_market.hpp"
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

/// A Matrix Market file given where an edge list is expected: its matrix is the
/// adjacency (square; entry (i, j) = edge i → j with its weight).
Csr adjacency_from_matrix_market(TextReader& in, const EdgeListOptions& options) {
  const std::string& path = in.path();
  auto any = read_matrix_market_any(in);
  Csr A = std::holds_alternative<Dense>(any) ? Csr::from_dense(std::get<Dense>(any))
                                             : std::move(std::get<Csr>(any));
  if (A.rows() != A.cols())
    throw InputError(path, 0,
                     "a Matrix Market adjacency must be square, got " + std::to_string(A.rows()) + " x " +
                         std::to_string(A.cols()));
  if (options.num_nodes >= 0 && A.rows() != options.num_nodes)
    throw InputError(
        path, 0, "has " + std::to_string(A.rows()) + " nodes, expected " + std::to_string(options.num_nodes));
  std::vector<Triplet> edges;
  edges.reserve(static_cast<size_t>(A.nnz()));
  for (Index i = 0; i < A.rows(); ++i)
    for (Csr::Offset p = A.row_ptr()[i]; p < A.row_ptr()[i + 1]; ++p) {
      const double w = A.values()[p];
      if (w < 0)
        throw InputError(path, 0,
                         "negative edge weight at (" + std::to_string(i + 1) + ", " +
                             std::to_string(A.col_idx()[p] + 1) + ")");
      if (w == 0 || (i == A.col_idx()[p] && !options.keep_self_loops)) continue;
      edges.push_back({i, A.col_idx()[p], w});
    }
  if (options.directed)
    return Csr::from_triplets(A.rows(), A.rows(), std::move(edges), Duplicates::error, true);
  // Undirected: the larger of w_ij and w_ji, stored in both directions.
  std::vector<Triplet> both;
  both.reserve(2 * edges.size());
  for (const Triplet& e : edges) {
    both.push_back(e);
    both.push_back({e.col, e.row, e.value});
  }
  std::sort(both.begin(), both.end(), [](const Triplet& a, const Triplet& b) {
    return a.row != b.row ? a.row < b.row : (a.col != b.col ? a.col < b.col : a.value > b.value);
  });
  std::vector<Triplet> unique;
  unique.reserve(both.size());
  for (const Triplet& e : both)
    if (unique.empty() || unique.back().row != e.row || unique.back().col != e.col) unique.push_back(e);
  return Csr::from_triplets(A.rows(), A.rows(), std::move(unique), Duplicates::error, true);
}

}  // namespace

namespace {
bool is_integer(std::string_view token) {
  Index v;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  return ec == std::errc() && ptr == token.data() + token.size();
}
bool is_number(std::string_view token) {
  double v;
  if (!token.empty() && token.front() == '+') token.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  return ec == std::errc() && ptr == token.data() + token.size();
}
bool is_column_name(std::string_view token) {
  std::string t(token);
  for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* name :
       {"source", "target", "src", "dst", "from", "to", "u", "v", "node1", "node2", "head", "tail"})
    if (t == name) return true;
  return false;
}
}  // namespace

Csr read_edge_list(const std::string& path, const EdgeListOptions& options, std::vector<std::string>* names) {
  TextReader in(path);
  std::string line;
  bool first_line = true;
  std::string_view tokens[3];
  std::vector<Triplet> edges;
  Index max_id = -1;
  const Index base = options.one_based && options.named != 1 ? 1 : 0;
  bool data_seen = false, named = false, decide_on_next = false;
  std::unordered_map<std::string, Index> index_of;
  if (names) names->clear();
  while (in.next_line(line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first_line && first != std::string::npos) {
      first_line = false;
      if (line.compare(first, 14, "%%MatrixMarket") == 0) {
        in.unread_line(std::move(line));
        return adjacency_from_matrix_market(in, options);
      }
    }
    if (first == std::string::npos || line[first] == '#' || line[first] == '%') continue;
    const std::int64_t ln = in.line_number();
    const int n = split_blanks(line, tokens, 3);
    if (n != 2 && n != 3)
      throw InputError(path, ln, "expected 'source target [weight]', got " + std::to_string(n) + " fields");
    if (!data_seen) {
      data_seen = true;
      const bool header =
          options.header == 1 ||
          (options.header == -1 &&
           ((n == 3 && !is_number(tokens[2]) && !is_integer(tokens[0]) && !is_integer(tokens[1])) ||
            (is_column_name(tokens[0]) && is_column_name(tokens[1]))));
      named = options.named == 1 ||
              (options.named == -1 && names && (!is_integer(tokens[0]) || !is_integer(tokens[1])));
      if (header) {
        named = options.named == 1;  // decided again on the first edge
        decide_on_next = options.named == -1 && names;
        continue;
      }
      if (named && !names)
        throw InvalidOption("read_edge_list: " + path + " names its nodes; pass a vector for the names");
    } else if (decide_on_next) {
      decide_on_next = false;
      named = !is_integer(tokens[0]) || !is_integer(tokens[1]);
      if (named && !names)
        throw InvalidOption("read_edge_list: " + path + " names its nodes; pass a vector for the names");
    }
    Index ids[2];
    if (named) {
      for (int t = 0; t < 2; ++t) {
        const auto [it, inserted] =
            index_of.try_emplace(std::string(tokens[t]), static_cast<Index>(names->size()));
        if (inserted) {
          if (names->size() >= static_cast<size_t>(std::numeric_limits<std::int32_t>::max() - 1))
            throw InputError(path, ln, "more than 2^31 - 2 node names");
          names->push_back(it->first);
        }
        ids[t] = it->second;
      }
      if (options.num_nodes >= 0 && static_cast<Index>(names->size()) > options.num_nodes)
        throw InputError(path, ln, "more than the " + std::to_string(options.num_nodes) + " nodes expected");
    }
    for (int t = 0; t < 2 && !named; ++t) {
      const auto [ptr, ec] = std::from_chars(tokens[t].data(), tokens[t].data() + tokens[t].size(), ids[t]);
      if (ec != std::errc() || ptr != tokens[t].data() + tokens[t].size())
        throw InputError(path, ln, "node id " + quote_token(tokens[t]) + " is not an integer");
      if (ids[t] < base)
        throw InputError(path, ln,
                         "node id " + std::to_string(ids[t]) + " is below " + std::to_string(base) +
                             " (ids are " + (options.one_based ? "1-based" : "0-based") + ")");
      ids[t] -= base;
      if (options.num_nodes >= 0 && ids[t] >= options.num_nodes)
        throw InputError(path, ln,
                         "node id " + quote_token(tokens[t]) + " out of range (" +
                             std::to_string(options.num_nodes) + " nodes)");
      if (ids[t] >= std::numeric_limits<std::int32_t>::max())  // n = max id + 1 must fit 32 bits
        throw InputError(path, ln,
                         "node id " + std::string(tokens[t]) + " is too large (the largest supported id is " +
                             std::to_string(std::numeric_limits<std::int32_t>::max() - 1 + base) +
                             ", for at most 2^31 - 1 nodes)");
    }
    double w = 1.0;
    if (n == 3) {
      std::string_view token = tokens[2];
      if (!token.empty() && token.front() == '+') token.remove_prefix(1);
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), w);
      if (ec != std::errc() || ptr != token.data() + token.size())
        throw InputError(path, ln, "weight " + quote_token(tokens[2]) + " is not a number");
      if (!std::isfinite(w)) throw InputError(path, ln, std::isnan(w) ? "NaN weight" : "Inf weight");
      if (w < 0) throw InputError(path, ln, "negative weight " + quote_token(tokens[2]));
    }
    max_id = std::max({max_id, ids[0], ids[1]});
    if (ids[0] == ids[1] && !options.keep_self_loops) continue;
    edges.push_back({ids[0], ids[1], w});
  }
  const Index n = options.num_nodes >= 0 ? options.num_nodes : max_id + 1;
  // Ids are node numbers 0..n-1: an id far above the number of edges is a mistake
  // (raw ids such as user numbers must be renumbered) and would allocate O(n) arrays
  // for nodes that do not exist. 64 bytes per node covers the CSR, degrees and the
  // per-node vectors every graph command builds.
  const long double per_node = 64.0L;
  if (options.num_nodes < 0 && n > (Index{1} << 20) && n > 64 * static_cast<Index>(edges.size() + 1))
    throw InputError(path, 0,
                     "node id " + std::to_string(max_id + base) + " implies " + std::to_string(n) +
                         " nodes but the file lists only " + std::to_string(edges.size()) +
                         " edges: node ids must be numbered 0..n-1 (renumber them)");
  if (static_cast<long double>(n) * per_node > static_cast<long double>(memory_budget()))
    throw InputError(path, 0,
                     std::to_string(n) + " nodes need " +
                         human_bytes(static_cast<long double>(n) * per_node) + ", more than the " +
                         human_bytes(static_cast<long double>(memory_budget())) +
                         " memory budget (--max-memory)");
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
