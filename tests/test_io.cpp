// I/O: Matrix Market, edge lists and labels on good and malformed input; every
// malformed case must name the file and the line. Atomic writes never leave partial files.
#define BOOST_TEST_MODULE io
#include <boost/test/unit_test.hpp>

#include <stdlib.h>
#include <zlib.h>

#include <sys/stat.h>
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/formats.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/io/model_file.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/models/encoder.hpp"

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

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

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
  BOOST_TEST(contains(m, "can hold"));
  const auto many = t.file("many.mtx", kCoord + "1000000000 1000000000 900000000000\n");
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market_any(many); }), "many.mtx:2:"));
  // An explicit small limit applies to otherwise small files too (10⁴ values: 80 KB).
  std::string values;
  for (int i = 0; i < 10000; ++i) values += "1\n";
  const auto small = t.file("small.mtx", "%%MatrixMarket matrix array real general\n100 100\n" + values);
  dnmf::io::ReadLimits limits;
  limits.max_bytes = 1000;
  BOOST_TEST(
      contains(input_error([&] { dnmf::io::read_matrix_market_any(small, limits); }), "memory budget"));
  // Empty rows cost offsets too (fuzz_matrix_market: 79 million rows, no entries, 80 bytes
  // of file took 18 s): 16 bytes per row and column count against the budget.
  const auto empty_rows = t.file("empty_rows.mtx", kCoord + "79418799 1 0\n");
  limits.max_bytes = std::uint64_t{1} << 30;
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market_any(empty_rows, limits); }),
                      "empty_rows.mtx:2: declared size 79418799 x 1 with 0 entries needs"));
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
    const dnmf::io::EdgeListOptions o = options;  // clang 14 cannot capture structured bindings
    const std::string m = input_error([&] { dnmf::io::read_edge_list(p, o); });
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
    BOOST_TEST(contains(e.what(), "does not exist"));
  }
}

BOOST_AUTO_TEST_CASE(a_symlink_is_written_through_and_stays_a_link) {
  TempDir t;
  const auto target = t.file("real.txt", "old\n");
  const auto link = (t.path / "link.txt").string();
  fs::create_symlink("real.txt", link);
  dnmf::io::write_file_atomically(link, [](std::ostream& o) { o << "new\n"; });
  BOOST_TEST(fs::is_symlink(link));
  BOOST_TEST(read_all(target) == "new\n");
  // A dangling link creates its target.
  const auto dangling = (t.path / "dangling.txt").string();
  fs::create_symlink("created.txt", dangling);
  dnmf::io::write_file_atomically(dangling, [](std::ostream& o) { o << "x\n"; });
  BOOST_TEST(fs::is_symlink(dangling));
  BOOST_TEST(read_all((t.path / "created.txt").string()) == "x\n");
  BOOST_TEST(t.listing().size() == 4u);  // no temporary left
}

BOOST_AUTO_TEST_CASE(devices_are_written_through_never_replaced) {
  dnmf::io::write_file_atomically("/dev/null", [](std::ostream& o) { o << "discarded\n"; });
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat("/dev/null", &st) == 0);
  BOOST_TEST(S_ISCHR(st.st_mode));
  // /dev/full takes the write and fails it: an OutputError naming the device.
  try {
    dnmf::io::write_file_atomically("/dev/full", [](std::ostream& o) { o << "no room\n"; });
    BOOST_FAIL("write to /dev/full succeeded");
  } catch (const dnmf::OutputError& e) {
    BOOST_TEST(contains(e.what(), "/dev/full"));
  }
  BOOST_TEST_REQUIRE(::stat("/dev/full", &st) == 0);
  BOOST_TEST(S_ISCHR(st.st_mode));
}

BOOST_AUTO_TEST_CASE(a_failed_rename_rolls_the_whole_set_back) {
  TempDir t;
  const auto first = t.file("a.txt", "old a\n");
  const auto second = (t.path / "b.txt").string();
  dnmf::io::OutputSet set;
  set.add(first, "--out");
  set.add(second, "--save-model");
  set.write(0, [](std::ostream& o) { o << "new a\n"; });
  set.write(1, [](std::ostream& o) { o << "new b\n"; });
  fs::create_directory(second);  // appears after the check: its rename must fail
  BOOST_CHECK_THROW(set.commit(), dnmf::OutputError);
  BOOST_TEST(read_all(first) == "old a\n");  // swapped back
  BOOST_TEST(fs::is_directory(second));
}

BOOST_AUTO_TEST_CASE(group_commit_replaces_every_file_and_keeps_modes) {
  TempDir t;
  const auto a = t.file("a.txt", "old\n");
  ::chmod(a.c_str(), 0640);
  const auto b = (t.path / "b.txt").string();
  dnmf::io::OutputSet set;
  set.add(a, "--out");
  set.add(b, "--save-model");
  set.check_collisions();
  set.write(0, [](std::ostream& o) { o << "A\n"; });
  set.write(1, [](std::ostream& o) { o << "B\n"; });
  BOOST_TEST(read_all(a) == "old\n");  // nothing visible before the commit
  set.commit();
  BOOST_TEST(read_all(a) == "A\n");
  BOOST_TEST(read_all(b) == "B\n");
  struct stat st {};
  ::stat(a.c_str(), &st);
  BOOST_TEST((st.st_mode & 0777) == 0640u);
  BOOST_TEST(t.listing().size() == 2u);
}

BOOST_AUTO_TEST_CASE(outputs_are_checked_before_any_work) {
  TempDir t;
  const auto input = t.file("in.mtx", "x\n");
  dnmf::io::OutputSet set;
  BOOST_CHECK_THROW(set.add((t.path / "missing" / "x.txt").string(), "--out"), dnmf::InvalidOption);
  BOOST_CHECK_THROW(set.add(t.path.string(), "--out"), dnmf::InvalidOption);  // a directory
  BOOST_CHECK_THROW(set.add("", "--out"), dnmf::InvalidOption);
  // Collisions: with an input (also through a link), with each other, stdout twice.
  dnmf::io::OutputSet in_place;
  in_place.add(input, "--out");
  BOOST_CHECK_THROW(in_place.check_collisions({{"DATA", input}}), dnmf::InvalidOption);
  const auto link = (t.path / "link.mtx").string();
  fs::create_symlink("in.mtx", link);
  dnmf::io::OutputSet via_link;
  via_link.add(link, "--out");
  BOOST_CHECK_THROW(via_link.check_collisions({{"DATA", input}}), dnmf::InvalidOption);
  dnmf::io::OutputSet twice;
  twice.add((t.path / "o.txt").string(), "--out");
  twice.add((t.path / "." / "o.txt").string(), "--save-model");
  BOOST_CHECK_THROW(twice.check_collisions(), dnmf::InvalidOption);
  dnmf::io::OutputSet stdout_twice;
  stdout_twice.add("-", "--out");
  stdout_twice.add("-", "--save-model");
  BOOST_CHECK_THROW(stdout_twice.check_collisions(), dnmf::InvalidOption);
  dnmf::io::OutputSet null_twice;  // devices may repeat
  null_twice.add("/dev/null", "--out");
  null_twice.add("/dev/null", "--save-model");
  BOOST_CHECK_NO_THROW(null_twice.check_collisions());
}

BOOST_AUTO_TEST_CASE(a_name_of_maximal_length_is_accepted) {
  TempDir t;
  const std::string name(250, 'n');  // NAME_MAX is 255: the temporary must not lengthen it
  const auto target = (t.path / name).string();
  dnmf::io::write_labels(target, {1, 2});
  BOOST_TEST(dnmf::io::read_labels(target) == (std::vector<int>{1, 2}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile_input)

BOOST_AUTO_TEST_CASE(gzip_truncation_is_named) {
  TempDir t;
  std::string content = kCoord + "2 2 2\n1 1 1\n2 2 2\n";
  for (int i = 0; i < 200; ++i)
    content += "% padding to get several deflate blocks " + std::to_string(i) + "\n";
  const auto whole = t.gz("whole.mtx.gz", content);
  BOOST_CHECK_NO_THROW(dnmf::io::read_matrix_market(whole));
  std::string bytes = read_all(whole);
  // Without its 8-byte trailer (CRC and length), and cut in the middle.
  std::ofstream(t.path / "notrailer.mtx.gz", std::ios::binary) << bytes.substr(0, bytes.size() - 8);
  std::ofstream(t.path / "cut.mtx.gz", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  for (const char* name : {"notrailer.mtx.gz", "cut.mtx.gz"}) {
    const std::string e = input_error([&] { dnmf::io::read_matrix_market((t.path / name).string()); });
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(contains(e, "truncated gzip stream"));
    }
  }
}

BOOST_AUTO_TEST_CASE(lying_headers_are_refused_before_allocating) {
  TempDir t;
  const auto dense = t.file("lie.mtx", "%%MatrixMarket matrix array real general\n20000 20000\n1\n2\n");
  const std::string e = input_error([&] { dnmf::io::read_matrix_market(dense); });
  BOOST_TEST(contains(e, "lie.mtx:2:"));
  BOOST_TEST(contains(e, "the size line is wrong or the file is truncated"));
  const auto coord = t.file("lie2.mtx", kCoord + "100000 100000 50000000\n1 1 1\n");
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market(coord); }), "lie2.mtx:2:"));
  // A lying model file (W declared 1000000 x 1000).
  const auto model =
      t.file("m.model", "dnmf-model 1\nmodel danmf\nnormalize none\nlayers 1 1000\nW 1 1000000 1000\n1\n");
  BOOST_TEST(contains(input_error([&] { dnmf::io::load_model(model); }), "m.model:5:"));
}

BOOST_AUTO_TEST_CASE(model_files_round_trip_the_scaling_bit_for_bit) {
  // The encoder and the scaling its training data received (max, min–max shift and
  // range) are written with 17 significant digits, so a loaded model transforms exactly
  // as the saved one.
  TempDir t;
  dnmf::Rng rng(3);
  const dnmf::Dense x = rng.uniform_matrix(12, 4, 5.0);
  for (auto how : {dnmf::Normalization::none, dnmf::Normalization::max, dnmf::Normalization::l2_samples,
                   dnmf::Normalization::minmax_features}) {
    dnmf::DataMatrix train(x);
    dnmf::Encoder e;
    e.model = "danmf";
    e.scaling = train.normalize(how);
    e.W = {rng.uniform_matrix(4, 3, 1.0), rng.uniform_matrix(3, 2, 1.0)};
    std::vector<int> labels(12);
    for (int i = 0; i < 12; ++i) labels[static_cast<size_t>(i)] = i % 3;
    e.fit_centroids(train, labels, 3, how == dnmf::Normalization::max);
    const auto path = (t.path / (std::string(dnmf::to_string(how)) + ".model")).string();
    dnmf::io::save_model(path, e);
    const dnmf::Encoder back = dnmf::io::load_model(path);
    BOOST_TEST_CONTEXT(dnmf::to_string(how)) {
      BOOST_TEST((back.scaling.how == how));
      dnmf::DataMatrix a(x), b(x);
      const dnmf::Dense ha = e.transform(a), hb = back.transform(b);
      BOOST_TEST((ha.array() == hb.array()).all());
      BOOST_TEST((back.centroids.array() == e.centroids.array()).all());
      BOOST_TEST(back.l1_rows == e.l1_rows);
      dnmf::DataMatrix c(x), d(x);
      BOOST_TEST(e.predict(c) == back.predict(d));
    }
  }
}

BOOST_AUTO_TEST_CASE(an_empty_array_dimension_is_not_walked) {
  // Found by fuzz_matrix_market: 0 rows and 720 million columns used to loop over every
  // empty column (seconds; 15 s under the sanitizers) before reporting the extra value.
  TempDir t;
  const auto p = t.file("wide.mtx", "%%MatrixMarket matrix array real general\n0 720682000\n1\n");
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market(p); }), "wide.mtx:3: more values than"));
  BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 0.5);
}

BOOST_AUTO_TEST_CASE(a_non_square_symmetric_array_is_refused_before_its_size_arithmetic) {
  // Found by fuzz_matrix_market under UBSan: the entry count rows·(rows+1)/2 of a symmetric
  // array overflowed for 9020004149238 × 3 before the squareness check ran.
  TempDir t;
  const auto p = t.file("sym.mtx", "%%MatrixMarket matrix array real symmetric\n9020004149238 3\n1\n2\n3\n");
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_matrix_market(p); }),
                      "sym.mtx:2: a symmetric matrix must be square, got 9020004149238 x 3"));
}

BOOST_AUTO_TEST_CASE(long_lines_are_refused) {
  TempDir t;
  const auto p = t.file("long.txt", "1\n" + std::string((32u << 20) + 10, '7') + "\n");
  const std::string e = input_error([&] { dnmf::io::read_labels(p); });
  BOOST_TEST(contains(e, "long.txt:2: line longer than"));
  BOOST_TEST(e.size() < 200u);  // the message never repeats the line
  const auto q = t.file("long_label.txt", std::string(1000, '7') + "\n");
  const std::string e2 = input_error([&] { dnmf::io::read_labels(q); });
  BOOST_TEST(contains(e2, "(1000 characters)"));
  BOOST_TEST(e2.size() < 200u);
}

BOOST_AUTO_TEST_CASE(edge_list_ids_and_matrix_market_adjacency) {
  TempDir t;
  const std::string e = input_error([&] { dnmf::io::read_edge_list(t.file("big.txt", "0 100000000\n")); });
  BOOST_TEST(contains(e, "renumber"));
  const std::string max =
      input_error([&] { dnmf::io::read_edge_list(t.file("max.txt", "0 1\n2147483647 0\n")); });
  BOOST_TEST(contains(max, "max.txt:2: node id 2147483647 is too large"));
  // A Matrix Market file given as an edge list is read as the adjacency, not misread.
  const auto mm = t.file("g.mtx", kCoord + "3 3 2\n1 2 1\n3 2 0.5\n");
  const Csr und = dnmf::io::read_edge_list(mm);
  BOOST_TEST(und.rows() == 3);
  BOOST_TEST(und.nnz() == 4);
  BOOST_TEST(und.coeff(1, 0) == 1.0);
  dnmf::io::EdgeListOptions directed;
  directed.directed = true;
  const Csr dir = dnmf::io::read_edge_list(mm, directed);
  BOOST_TEST(dir.nnz() == 2);
  BOOST_TEST(dir.coeff(2, 1) == 0.5);
  BOOST_TEST(dir.coeff(1, 2) == 0.0);
  const auto rect = t.file("r.mtx", kCoord + "2 3 1\n1 3 1\n");
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_edge_list(rect); }), "must be square"));
}

BOOST_AUTO_TEST_CASE(data_that_cannot_be_fitted_is_refused_up_front) {
  TempDir t;
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_data(t.file("e.mtx", kCoord + "0 5 0\n")); }),
                      "holds no data"));
  dnmf::DataMatrix big(dnmf::io::read_data(t.file("b.mtx", kCoord + "3 1 3\n1 1 1e155\n2 1 1\n3 1 2\n")));
  BOOST_CHECK_THROW(big.require_finite_scale("b.mtx"), dnmf::InputError);
  BOOST_CHECK_THROW(big.require_nonnegative("b.mtx"), dnmf::InputError);
  big.normalize(dnmf::Normalization::max);  // scaled down it is fine
  BOOST_CHECK_NO_THROW(big.require_finite_scale("b.mtx"));
}

BOOST_AUTO_TEST_CASE(non_finite_values_are_never_written) {
  TempDir t;
  Dense m = Dense::Ones(2, 2);
  m(1, 0) = std::numeric_limits<double>::infinity();
  const auto p = (t.path / "h.mtx").string();
  BOOST_CHECK_THROW(dnmf::io::write_matrix_market(p, m), dnmf::NumericalError);
  BOOST_TEST(!fs::exists(p));
  BOOST_TEST(t.listing().empty());
}

BOOST_AUTO_TEST_CASE(memory_sizes_parse) {
  BOOST_TEST(dnmf::parse_memory_size("512M", "--max-memory") == 512ull << 20);
  BOOST_TEST(dnmf::parse_memory_size("2G", "--max-memory") == 2ull << 30);
  BOOST_TEST(dnmf::parse_memory_size("1.5GiB", "--max-memory") == 3ull << 29);
  BOOST_TEST(dnmf::parse_memory_size("1000", "--max-memory") == 1000u);
  for (const char* bad : {"", "G", "-1G", "0", "12X", "1e30T"})
    BOOST_CHECK_THROW(dnmf::parse_memory_size(bad, "--max-memory"), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------- CSV/TSV, libsvm, .npy

namespace {
/// A .npy file (format 1.0) with the given dtype and raw little-endian payload.
std::string npy_bytes(const std::string& descr, bool fortran, const std::string& shape,
                      const std::string& payload) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + payload;
}
template <typename T>
std::string raw(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}
}  // namespace

BOOST_AUTO_TEST_CASE(delimited_text_with_and_without_header) {
  TempDir t;
  dnmf::Dense expected(3, 2);
  expected << 1, 2.5, 3, 4, 0, 6e-3;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"a.csv", "x,y\n1,2.5\n3,4\n0,6e-3\n"},   {"b.csv", "# comment\n1 , 2.5\n\n3,4\n\"0\",+6e-3\n"},
      {"c.tsv", "1\t2.5\n3\t4\n0\t0.006\n"},    {"d.txt", "1;2.5\n3;4\n0;0.006\n"},
      {"e.dat", "1   2.5\n3 4\n  0 0.006\r\n"},
  };
  for (const auto& [name, content] : files) {
    BOOST_TEST_CONTEXT(name) {
      const dnmf::Dense x = dnmf::io::read_delimited(t.file(name, content));
      BOOST_TEST((x == expected));
    }
  }
  BOOST_TEST((dnmf::io::read_delimited(t.gz("f.csv.gz", "1,2.5\n3,4\n0,6e-3\n")) == expected));
  dnmf::io::DelimitedOptions no_header;
  no_header.header = 0;
  BOOST_TEST(
      contains(input_error([&] { dnmf::io::read_delimited(t.file("g.csv", "x,y\n1,2\n"), no_header); }),
               "g.csv:1: field 1 'x' is not a finite number"));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_delimited(t.file("h.csv", "1,2\n3\n")); }),
                      "h.csv:2: has 1 fields, expected 2"));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_delimited(t.file("i.csv", "1,2\n3,nan\n")); }),
                      "i.csv:2: field 2 'nan' is not a finite number"));
  BOOST_TEST(
      contains(input_error([&] { dnmf::io::read_delimited(t.file("j.csv", "a,b\n")); }), "holds no data"));
}

BOOST_AUTO_TEST_CASE(libsvm_one_and_zero_based) {
  TempDir t;
  dnmf::Dense expected = dnmf::Dense::Zero(3, 4);
  expected(0, 0) = 1.5;
  expected(0, 3) = 2;
  expected(2, 1) = 7;
  const auto one = dnmf::io::read_libsvm(t.file("a.svm", "+1 1:1.5 4:2\n-1\n# c\n0 2:7 # tail\n"));
  BOOST_TEST((one.to_dense() == expected));
  const auto zero = dnmf::io::read_libsvm(t.file("b.svm", "1 0:1.5 3:2\n2\n3 1:7\n"));
  BOOST_TEST((zero.to_dense() == expected));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_libsvm(t.file("c.svm", "1 3:1 2:1\n")); }),
                      "c.svm:1: feature indices must increase"));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_libsvm(t.file("d.svm", "1 2:x\n")); }),
                      "d.svm:1: value of '2:x' is not a finite number"));
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_libsvm(t.file("e.svm", "1 a:2\n")); }),
                      "e.svm:1: bad feature index"));
}

BOOST_AUTO_TEST_CASE(npy_dtypes_and_orders) {
  TempDir t;
  dnmf::Dense expected(2, 3);
  expected << 1, 2, 3, 4, 5, 6;
  const std::vector<double> c_order{1, 2, 3, 4, 5, 6}, f_order{1, 4, 2, 5, 3, 6};
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(t.path / name, std::ios::binary) << bytes;
    return (t.path / name).string();
  };
  BOOST_TEST(
      (dnmf::io::read_npy(write("c.npy", npy_bytes("<f8", false, "(2, 3)", raw(c_order)))) == expected));
  BOOST_TEST(
      (dnmf::io::read_npy(write("f.npy", npy_bytes("<f8", true, "(2, 3)", raw(f_order)))) == expected));
  const std::vector<float> c32(c_order.begin(), c_order.end());
  BOOST_TEST((dnmf::io::read_npy(write("s.npy", npy_bytes("<f4", false, "(2, 3)", raw(c32)))) == expected));
  const std::vector<std::int64_t> c64(c_order.begin(), c_order.end());
  BOOST_TEST((dnmf::io::read_npy(write("i.npy", npy_bytes("<i8", false, "(2, 3)", raw(c64)))) == expected));
  const std::string z = t.gz("z.npy.gz", npy_bytes("<f8", false, "(2, 3)", raw(c_order)));
  BOOST_TEST((dnmf::io::read_npy(z) == expected));
  BOOST_TEST(contains(
      input_error([&] {
        dnmf::io::read_npy(write("t.npy", npy_bytes("<f8", false, "(2, 3)", raw(std::vector<double>{1, 2}))));
      }),
      "truncated .npy file"));
  BOOST_TEST(contains(
      input_error([&] { dnmf::io::read_npy(write("v.npy", npy_bytes("<f8", false, "(6,)", raw(c_order)))); }),
      "expected a 2-D array"));
  BOOST_TEST(contains(input_error([&] {
                        dnmf::io::read_npy(write("b.npy", npy_bytes(">f8", false, "(2, 3)", raw(c_order))));
                      }),
                      "unsupported .npy dtype"));
  BOOST_TEST(
      contains(input_error([&] { dnmf::io::read_npy(write("m.npy", "not numpy at all")); }), "bad magic"));
  // Dispatch by name through read_data.
  BOOST_TEST((dnmf::io::format_of("x.SVM.gz") == dnmf::io::DataFormat::libsvm));
  BOOST_TEST((dnmf::io::format_of("-") == dnmf::io::DataFormat::matrix_market));
  const dnmf::DataMatrix m = dnmf::io::read_data(
      write("d.npy", npy_bytes("<f8", false, "(2, 3)", raw(c_order))), dnmf::io::DataReadOptions{});
  BOOST_TEST((m.to_dense() == expected));
}

BOOST_AUTO_TEST_CASE(named_weighted_edge_lists_with_a_header) {
  // Names are numbered in order of first appearance; a header is detected from its
  // non-numeric weight field or its column names; numbers stay numbers unless named = 1.
  TempDir t;
  std::vector<std::string> names;
  const auto A =
      dnmf::io::read_edge_list(t.file("a.csv", "source,target,weight\nx,y,2\ny,z,0.5\n"), {}, &names);
  BOOST_TEST((names == std::vector<std::string>{"x", "y", "z"}));
  dnmf::Dense expected = dnmf::Dense::Zero(3, 3);
  expected(0, 1) = expected(1, 0) = 2;
  expected(1, 2) = expected(2, 1) = 0.5;
  BOOST_TEST((A.to_dense() == expected));
  const auto B = dnmf::io::read_edge_list(t.file("b.txt", "from to\n0 1\n1 2\n"), {}, &names);
  BOOST_TEST(names.empty());
  BOOST_TEST(B.rows() == 3);
  dnmf::io::EdgeListOptions as_names;
  as_names.named = 1;
  const auto C = dnmf::io::read_edge_list(t.file("c.txt", "7 5\n5 9\n"), as_names, &names);
  BOOST_TEST((names == std::vector<std::string>{"7", "5", "9"}));
  BOOST_TEST(C.rows() == 3);
  // Without a place for names, ids must be numbers; a numeric file stays strict.
  BOOST_TEST(contains(input_error([&] { dnmf::io::read_edge_list(t.file("d.txt", "a b\n")); }),
                      "d.txt:1: node id 'a' is not an integer"));
  BOOST_CHECK_THROW(dnmf::io::read_edge_list(t.file("f.txt", "a b\n"), as_names), dnmf::InvalidOption);
  BOOST_TEST(
      contains(input_error([&] { dnmf::io::read_edge_list(t.file("e.txt", "0 1\n1 x\n"), {}, &names); }),
               "e.txt:2: node id 'x' is not an integer"));
}
