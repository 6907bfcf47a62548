// I/O: Matrix Market, edge lists and labels on good and malformed input; every
// malformed case must name the file and the line. Atomic writes never leave partial files.
#define BOOST_TEST_MODULE io
#include <boost/test/unit_test.hpp>

#include <stdlib.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/io/atomic_file.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"

namespace fs = std::filesystem;
using dnmf::Csr;
using dnmf::Dense;

namespace {

/// A fresh temporary directory per test case, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/dnmf-test-io-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string file(const std::string& name, const std::string& content) const {
    const auto p = path / name;
    std::ofstream(p) << content;
    return p.string();
  }
  std::string gz(const std::string& name, const std::string& content) const {
    const auto p = (path / name).string();
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return p;
  }
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(path)) names.push_back(e.path().filename().string());
    return names;
  }
};

/// The error message of f() (an InputError), or "" if none was thrown.
std::string input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const dnmf::InputError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kCoord = "%%MatrixMarket matrix coordinate real general\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(matrix_market_good)

BOOST_AUTO_TEST_CASE(coordinate_real_general_with_comments) {
  TempDir t;
  const auto p = t.file("a.mtx", kCoord + "% a comment\n%another\n\n3 4 3\n1 1 1.5\n3 4 -2e-3\n2 2 +7\n");
  const Csr a = dnmf::io::read_matrix_market(p);
  Dense e = Dense::Zero(3, 4);
  e(0, 0) = 1.5, e(2, 3) = -2e-3, e(1, 1) = 7;
  BOOST_CHECK(a.to_dense() == e);
  const auto h = dnmf::io::read_matrix_market_header(p);
  BOOST_TEST(h.rows == 3);
  BOOST_TEST(h.entries == 3);
}

BOOST_AUTO_TEST_CASE(integer_pattern_symmetric) {
  TempDir t;
  const Csr i = dnmf::io::read_matrix_market(
      t.file("i.mtx", "%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 2 5\n2 1 -3\n"));
  BOOST_TEST(i.coeff(0, 1) == 5.0);
  BOOST_TEST(i.coeff(1, 0) == -3.0);
  const Csr p = dnmf::io::read_matrix_market(
      t.file("p.mtx", "%%MatrixMarket matrix coordinate pattern general\n2 3 2\n1 3\n2 1\n"));
  BOOST_TEST(p.coeff(0, 2) == 1.0);
  BOOST_TEST(p.nnz() == 2);
  const Csr s = dnmf::io::read_matrix_market(
      t.file("s.mtx", "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 2\n3 1 4\n3 2 5\n"));
  BOOST_TEST(s.nnz() == 5);  // diagonal once, off-diagonals mirrored
  BOOST_TEST(s.coeff(0, 2) == 4.0);
  BOOST_TEST(s.coeff(2, 0) == 4.0);
  BOOST_TEST(s.is_symmetric());
  // Banner words are case-insensitive.
  BOOST_TEST(dnmf::io::read_matrix_market(
                 t.file("u.mtx", "%%MatrixMarket MATRIX Coordinate Real General\n1 1 1\n1 1 3\n"))
                 .coeff(0, 0) == 3.0);
}

BOOST_AUTO_TEST_CASE(array_general_and_symmetric) {
  TempDir t;
  // Column-major: (1,1)=1 (2,1)=2 (1,2)=3 (2,2)=0 (1,3)=5 (2,3)=6
  const auto p = t.file("a.mtx", "%%MatrixMarket matrix array real general\n% c\n2 3\n1\n2\n3\n0\n5\n6\n");
  const auto any = dnmf::io::read_matrix_market_any(p);
  BOOST_REQUIRE(std::holds_alternative<Dense>(any));
  Dense e(2, 3);
  e << 1, 3, 5, 2, 0, 6;
  BOOST_CHECK(std::get<Dense>(any) == e);
  BOOST_TEST(dnmf::io::read_matrix_market(p).nnz() == 5);  // CSR keeps the nonzeros only
  // Symmetric array: lower triangle by columns: (1,1) (2,1) (3,1) (2,2) (3,2) (3,3).
  const auto s = std::get<Dense>(dnmf::io::read_matrix_market_any(
      t.file("s.mtx", "%%MatrixMarket matrix array real symmetric\n3 3\n1\n2\n3\n4\n5\n6\n")));
  Dense es(3, 3);
  es << 1, 2, 3, 2, 4, 5, 3, 5, 6;
  BOOST_CHECK(s == es);
}

BOOST_AUTO_TEST_CASE(gzip_is_transparent) {
  TempDir t;
  const std::string text = kCoord + "2 2 2\n1 1 1.25\n2 2 2.5\n";
  const Csr plain = dnmf::io::read_matrix_market(t.file("x.mtx", text));
  const Csr packed = dnmf::io::read_matrix_market(t.gz("x.mtx.gz", text));
  BOOST_CHECK(plain.to_dense() == packed.to_dense());
  BOOST_TEST(dnmf::io::read_labels(t.gz("l.txt.gz", "1\n2\n")).size() == 2u);
}

BOOST_AUTO_TEST_CASE(unsorted_entries_and_crlf) {
  TempDir t;
  const Csr a =
      dnmf::io::read_matrix_market(t.file("a.mtx", kCoord + "2 3 3\r\n2 3 1\r\n1 2 2\r\n2 1 3\r\n"));
  BOOST_TEST(a.coeff(1, 2) == 1.0);
  BOOST_TEST(a.coeff(0, 1) == 2.0);
  BOOST_TEST(a.coeff(1, 0) == 3.0);
}

BOOST_AUTO_TEST_CASE(round_trip_is_bit_exact) {
  TempDir t;
  dnmf::Rng rng(3);
  Dense d = rng.uniform_matrix(17, 9);
  d = (d.array() < 0.5).select(0.0, d.array() * 1e-7 + 1.0 / 3.0).matrix();
  d(3, 4) = -1.0 / 7.0;
  d(0, 0) = 1e300;
  d(1, 1) = 5e-324;  // subnormal
  const Csr s = Csr::from_dense(d);
  dnmf::io::write_matrix_market((t.path / "s.mtx").string(), s, "two\nline comment");
  const Csr back = dnmf::io::read_matrix_market((t.path / "s.mtx").string());
  BOOST_CHECK(back.to_dense() == d);
  dnmf::io::write_matrix_market((t.path / "d.mtx").string(), d);
  BOOST_CHECK(std::get<Dense>(dnmf::io::read_matrix_market_any((t.path / "d.mtx").string())) == d);
}

BOOST_AUTO_TEST_CASE(bundled_iris_if_present) {
  const char* root = std::getenv("DNMF_DATASETS");
  if (!root || !fs::exists(fs::path(root) / "iris" / "X.mtx")) return;
  const Csr x = dnmf::io::read_matrix_market((fs::path(root) / "iris" / "X.mtx").string());
  BOOST_TEST(x.rows() == 150);
  BOOST_TEST(x.cols() == 4);
  BOOST_TEST(x.min_value() > 0.0);
  BOOST_TEST(dnmf::io::read_labels((fs::path(root) / "iris" / "labels.txt").string()).size() == 150u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(matrix_market_malformed)

struct Case {
  const char* content;
  const char* location;  // "file:line:" suffix expected in the message
  const char* problem;   // key words of the problem
};

BOOST_AUTO_TEST_CASE(every_malformed_file_names_line_and_problem) {
  const Case cases[] = {
      {"", "bad.mtx:1:", "empty file"},
      {"%%MatrixMarket matrix coordinate real\n1 1 1\n1 1 1\n", "bad.mtx:1:", "malformed header"},
      {"MatrixMarket matrix coordinate real general\n", "bad.mtx:1:", "%%MatrixMarket"},
      {"%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", "bad.mtx:1:", "complex"},
      {"%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n", "bad.mtx:1:", "hermitian"},
      {"%%MatrixMarket matrix array pattern general\n1 1\n", "bad.mtx:1:", "pattern"},
      {"%%MatrixMarket matrix coordinate real general\n% only comments\n", "bad.mtx:3:", "missing size line"},
      {"%%MatrixMarket matrix coordinate real general\n3 x 2\n", "bad.mtx:2:", "malformed size line"},
      {"%%MatrixMarket matrix coordinate real general\n3 3\n", "bad.mtx:2:", "malformed size line"},
      {"%%MatrixMarket matrix coordinate real general\n-3 3 1\n", "bad.mtx:2:", "malformed size line"},
      {"%%MatrixMarket matrix coordinate real general\n2 2 5\n", "bad.mtx:2:", "fewer cells"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1.0\n4 1 2.0\n",
       "bad.mtx:4:", "row index 4 out of range"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 0 1.0\n",
       "bad.mtx:3:", "column index 0 out of range"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1\n", "bad.mtx:3:", "got 2 fields"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1 1\n", "bad.mtx:3:", "fields"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 abc\n", "bad.mtx:3:", "malformed value"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\nx 1 1\n", "bad.mtx:3:", "malformed row index"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 nan\n2 2 1\n", "bad.mtx:3:", "NaN"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 2\n1 1 1\n2 2 -inf\n", "bad.mtx:4:", "Inf"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1e999\n", "bad.mtx:3:", "Inf"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 1\n",
       "bad.mtx:4:", "file ends after 2 of 3"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 1\n1 1 1\n2 2 1\n", "bad.mtx:4:", "more entries"},
      {"%%MatrixMarket matrix coordinate real general\n3 3 3\n1 1 1\n2 2 1\n1 1 5\n",
       "bad.mtx:5:", "duplicate entry (1, 1)"},
      {"%%MatrixMarket matrix coordinate integer general\n3 3 1\n1 1 1.5\n", "bad.mtx:3:", "non-integer"},
      {"%%MatrixMarket matrix coordinate real symmetric\n3 3 1\n1 2 1\n", "bad.mtx:3:", "upper triangle"},
      {"%%MatrixMarket matrix coordinate real symmetric\n3 2 1\n1 1 1\n", "bad.mtx:2:", "square"},
      {"%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n", "bad.mtx:5:", "file ends after 3 of 4"},
      {"%%MatrixMarket matrix array real general\n1 2\n1\n2\n3\n", "bad.mtx:5:", "more values"},
      {"%%MatrixMarket matrix array real general\n1 2\n1 2\n3\n", "bad.mtx:3:", "one value per line"},
      {"%%MatrixMarket matrix array real general\n1 2\n1\nNaN\n", "bad.mtx:4:", "NaN"},
  };
  TempDir t;
  for (const auto& c : cases) {
    const auto p = t.file("bad.mtx", c.content);
    const std::string message = input_error([&] { dnmf::io::read_matrix_market_any(p); });
    BOOST_TEST_CONTEXT("content: " << c.content << "\nmessage: " << message) {
      BOOST_TEST(contains(message, std::string(c.location)));
      BOOST_TEST(contains(message, std::string(c.problem)));
    }
  }
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
  const std::string m = input_error([] { dnmf::io::read_matrix_market("/nonexistent/dir/x.mtx"); });
  BOOST_TEST(contains(m, "/nonexistent/dir/x.mtx: cannot open"));
}

BOOST_AUTO_TEST_CASE(sizes_that_would_exhaust_memory_are_refused_before_allocating) {
  TempDir t;
  // 10⁹ × 10⁹ dense would need 8 EB: refused at the size line, nothing allocated
  // (the test would die with bad_alloc otherwise).
  const auto huge =
      t.file("huge.mtx", "%%MatrixMarket matrix array real general\n1000000000 1000000000\n1\n");
  const std::string m = input_error([&] { dnmf::io::read_matrix_market_any(huge); });
  BOOST_TEST(contains(m, "huge.mtx:2:"));
  BOOST_TEST(contains(m, "memory limit"));
  const auto many = t.file("many.mtx", kCoord + "1000000000 1000000000 900000000000\n");
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market_any(many); }), "many.mtx:2:"));
  // An explicit small limit applies to otherwise small files too.
  const auto small = t.file("small.mtx", "%%MatrixMarket matrix array real general\n100 100\n");
  dnmf::io::ReadLimits limits;
  limits.max_bytes = 1000;
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market_any(small, limits); }), "memory limit"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(edge_lists_and_labels)

BOOST_AUTO_TEST_CASE(undirected_directed_one_based_weights) {
  TempDir t;
  const auto p = t.file("e.txt", "# comment\n% other comment\n0 1\n1 2 2.5\n\n2 1 0.5\n3 3\n");
  const Csr u = dnmf::io::read_edge_list(p);
  BOOST_TEST(u.rows() == 4);
  BOOST_TEST(u.is_symmetric());
  BOOST_TEST(u.coeff(1, 2) == 2.5);  // "1 2 2.5" and "2 1 0.5" are one undirected edge: max weight
  BOOST_TEST(u.coeff(0, 1) == 1.0);
  BOOST_TEST(u.coeff(3, 3) == 0.0);  // self-loop dropped by default
  BOOST_TEST(u.nnz() == 4);
  dnmf::io::EdgeListOptions d;
  d.directed = true;
  d.keep_self_loops = true;
  const Csr g = dnmf::io::read_edge_list(p, d);
  BOOST_TEST(g.coeff(1, 2) == 2.5);
  BOOST_TEST(g.coeff(2, 1) == 0.5);
  BOOST_TEST(g.coeff(1, 0) == 0.0);
  BOOST_TEST(g.coeff(3, 3) == 1.0);
  dnmf::io::EdgeListOptions one;
  one.one_based = true;
  one.num_nodes = 5;
  const Csr o = dnmf::io::read_edge_list(t.file("o.txt", "1 2\n5 4\n"), one);
  BOOST_TEST(o.rows() == 5);
  BOOST_TEST(o.coeff(0, 1) == 1.0);
  BOOST_TEST(o.coeff(3, 4) == 1.0);
}

BOOST_AUTO_TEST_CASE(malformed_edges_name_the_line) {
  TempDir t;
  dnmf::io::EdgeListOptions limited;
  limited.num_nodes = 3;
  dnmf::io::EdgeListOptions one;
  one.one_based = true;
  const std::tuple<const char*, dnmf::io::EdgeListOptions, const char*, const char*> cases[] = {
      {"0 1\n2\n", {}, "e.txt:2:", "got 1 fields"}, {"0 1\n1 2 3 4\n", {}, "e.txt:2:", "fields"},
      {"0 x\n", {}, "e.txt:1:", "not an integer"},  {"0 -1\n", {}, "e.txt:1:", "below 0"},
      {"1 0\n", one, "e.txt:1:", "below 1"},        {"0 1\n0 3\n", limited, "e.txt:2:", "out of range"},
      {"0 1 nan\n", {}, "e.txt:1:", "NaN weight"},  {"0 1 -2\n", {}, "e.txt:1:", "negative weight"},
      {"0 1 w\n", {}, "e.txt:1:", "not a number"},
  };
  for (const auto& [content, options, location, problem] : cases) {
    const auto p = t.file("e.txt", content);
    const std::string m = input_error([&] { dnmf::io::read_edge_list(p, options); });
    BOOST_TEST_CONTEXT("content: " << content << " message: " << m) {
      BOOST_TEST(contains(m, location));
      BOOST_TEST(contains(m, problem));
    }
  }
}

BOOST_AUTO_TEST_CASE(labels_good_and_bad) {
  TempDir t;
  const auto l = dnmf::io::read_labels(t.file("l.txt", "# header\n3\n-1\n 7 \n\n0\n"));
  BOOST_TEST(l == (std::vector<int>{3, -1, 7, 0}));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_labels(t.file("b.txt", "1\n2 3\n")); }), "b.txt:2:"));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_labels(t.file("c.txt", "1\n1.5\n")); }), "c.txt:2:"));
  BOOST_TEST(
      contains(input_error([&] { dnmf::io::read_labels(t.file("d.txt", "99999999999\n")); }), "d.txt:1:"));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_labels(t.file("e.txt", "")); }), "no labels"));
  dnmf::io::write_labels((t.path / "w.txt").string(), {5, 0, -2});
  BOOST_TEST(dnmf::io::read_labels((t.path / "w.txt").string()) == (std::vector<int>{5, 0, -2}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(atomic_writes)

BOOST_AUTO_TEST_CASE(failure_before_commit_leaves_nothing) {
  TempDir t;
  const auto target = (t.path / "out.txt").string();
  try {
    dnmf::io::write_file_atomically(target, [](std::ostream& out) {
      out << "partial";
      throw std::runtime_error("simulated failure");
    });
  } catch (const std::runtime_error&) {
  }
  BOOST_TEST(t.listing().empty());  // neither the target nor a temporary remains
}

BOOST_AUTO_TEST_CASE(existing_target_survives_a_failed_write) {
  TempDir t;
  const auto target = t.file("out.txt", "old contents\n");
  try {
    dnmf::io::write_file_atomically(target, [](std::ostream& out) {
      out << "new";
      throw std::runtime_error("simulated failure");
    });
  } catch (const std::runtime_error&) {
  }
  std::ifstream in(target);
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line == "old contents");
  BOOST_TEST(t.listing().size() == 1u);
  dnmf::io::write_file_atomically(target, [](std::ostream& out) { out << "replaced\n"; });
  std::ifstream again(target);
  std::getline(again, line);
  BOOST_TEST(line == "replaced");
  BOOST_TEST(t.listing().size() == 1u);
}

BOOST_AUTO_TEST_CASE(unwritable_directory_is_an_error_naming_the_path) {
  try {
    dnmf::io::write_labels("/nonexistent/dir/labels.txt", {1});
    BOOST_FAIL("no error");
  } catch (const dnmf::Error& e) {
    BOOST_TEST(contains(e.what(), "/nonexistent/dir/labels.txt"));
  }
}

BOOST_AUTO_TEST_SUITE_END()
