#include "dnmf/graph/reorder.hpp"

#include <algorithm>
#include <string>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/cuthill_mckee_ordering.hpp>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

void check_order(const std::vector<Index>& order, Index n, const char* what) {
  if (static_cast<Index>(order.size()) != n)
    throw InvalidOption(std::string(what) + ": permutation of size " + std::to_string(order.size()) +
                        " for " + std::to_string(n) + " rows");
  std::vector<char> seen(static_cast<size_t>(n), 0);
  for (Index v : order) {
    if (v < 0 || v >= n || seen[static_cast<size_t>(v)])
      throw InvalidOption(std::string(what) + ": not a permutation of 0.." + std::to_string(n - 1));
    seen[static_cast<size_t>(v)] = 1;
  }
}

}  // namespace

std::vector<Index> locality_order(const Csr& S) {
  if (S.rows() != S.cols()) throw InvalidOption("locality_order: the graph must be square");
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  // Each undirected edge once (i < j); self-loops do not matter for the order.
  Graph g(static_cast<size_t>(S.rows()));
  const auto& rp = S.row_ptr();
  const auto& ci = S.col_idx();
  for (Index i = 0; i < S.rows(); ++i)
    for (Csr::Offset p = rp[i]; p < rp[i + 1]; ++p) {
      const Index j = ci[p];
      // Keep i→j when j > i, or when j < i and the reverse entry is absent.
      if (j > i || (j < i && !std::binary_search(ci.begin() + rp[j], ci.begin() + rp[j + 1],
                                                 static_cast<Csr::ColIndex>(i))))
        boost::add_edge(static_cast<size_t>(i), static_cast<size_t>(j), g);
    }
  std::vector<Graph::vertex_descriptor> rcm(static_cast<size_t>(S.rows()));
  boost::cuthill_mckee_ordering(g, rcm.rbegin());  // reversed: reverse Cuthill–McKee
  return std::vector<Index>(rcm.begin(), rcm.end());
}

std::vector<Index> inverse_permutation(const std::vector<Index>& order) {
  std::vector<Index> position(order.size());
  for (size_t r = 0; r < order.size(); ++r) position[static_cast<size_t>(order[r])] = static_cast<Index>(r);
  return position;
}

Csr permute_rows(const Csr& A, const std::vector<Index>& order) {
  check_order(order, A.rows(), "permute_rows");
  const auto& rp = A.row_ptr();
  std::vector<Csr::Offset> out_rp(static_cast<size_t>(A.rows()) + 1, 0);
  for (Index r = 0; r < A.rows(); ++r) {
    const Index i = order[static_cast<size_t>(r)];
    out_rp[static_cast<size_t>(r) + 1] = out_rp[static_cast<size_t>(r)] + (rp[i + 1] - rp[i]);
  }
  std::vector<Csr::ColIndex> ci(static_cast<size_t>(A.nnz()));
  std::vector<double> v(static_cast<size_t>(A.nnz()));
  for (Index r = 0; r < A.rows(); ++r) {
    const Index i = order[static_cast<size_t>(r)];
    std::copy(A.col_idx().begin() + rp[i], A.col_idx().begin() + rp[i + 1], ci.begin() + out_rp[r]);
    std::copy(A.values().begin() + rp[i], A.values().begin() + rp[i + 1], v.begin() + out_rp[r]);
  }
  return Csr(A.rows(), A.cols(), std::move(out_rp), std::move(ci), std::move(v));
}

Csr permute_symmetric(const Csr& S, const std::vector<Index>& order) {
  if (S.rows() != S.cols()) throw InvalidOption("permute_symmetric: the matrix must be square");
  check_order(order, S.rows(), "permute_symmetric");
  const std::vector<Index> position = inverse_permutation(order);
  Csr rows = permute_rows(S, order);
  // Renumber the columns, then sort each row's entries by their new column.
  std::vector<Csr::Offset> rp = rows.row_ptr();
  std::vector<Csr::ColIndex> ci(rows.col_idx().size());
  std::vector<double> v(rows.values().size());
  std::vector<std::pair<Csr::ColIndex, double>> row;
  for (Index r = 0; r < rows.rows(); ++r) {
    row.clear();
    for (Csr::Offset p = rp[r]; p < rp[r + 1]; ++p)
      row.emplace_back(static_cast<Csr::ColIndex>(position[static_cast<size_t>(rows.col_idx()[p])]),
                       rows.values()[p]);
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t e = 0; e < row.size(); ++e) {
      ci[rp[r] + static_cast<Csr::Offset>(e)] = row[e].first;
      v[rp[r] + static_cast<Csr::Offset>(e)] = row[e].second;
    }
  }
  return Csr(S.rows(), S.cols(), std::move(rp), std::move(ci), std::move(v));
}

DataMatrix permute_samples(const DataMatrix& X, const std::vector<Index>& order) {
  if (const Csr* s = X.sparse()) return DataMatrix(permute_rows(*s, order));
  check_order(order, X.rows(), "permute_samples");
  const Dense& x = *X.dense();
  Dense out(x.rows(), x.cols());
  for (Index r = 0; r < x.rows(); ++r) out.row(r) = x.row(order[static_cast<size_t>(r)]);
  return DataMatrix(std::move(out));
}

}  // namespace dnmf
