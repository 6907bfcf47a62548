#include "dnmf/io/model_file.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/io/text_reader.hpp"

namespace dnmf::io {

void save_model(const std::string& path, const Encoder& model) {
  write_file_atomically(path, [&](std::ostream& out) { save_model(out, model); });
}

void save_model(std::ostream& out, const Encoder& model) {
  if (model.W.empty()) throw InvalidOption("save_model: the model has no layers");
  for (size_t i = 1; i < model.W.size(); ++i)
    if (model.W[i].rows() != model.W[i - 1].cols())
      throw InvalidOption("save_model: layer shapes do not chain");
  for (const Dense& w : model.W)
    if (!w.allFinite() || (w.array() < 0).any())
      throw NumericalError("save_model: a layer matrix has a negative or non-finite entry");
  {
    const DataScaling& sc = model.scaling;
    out << "dnmf-model 1\nmodel " << model.model << "\nnormalize " << to_string(sc.how);
    char number[32];
    if (sc.how == Normalization::max) {
      std::snprintf(number, sizeof number, " %.17g", sc.divisor);
      out << number;
    } else if (sc.how == Normalization::minmax_features) {
      out << ' ' << sc.shift.size();
      for (const auto* v : {&sc.shift, &sc.range}) {
        out << (v == &sc.shift ? "\nshift" : "\nrange");
        for (Index j = 0; j < v->size(); ++j) {
          std::snprintf(number, sizeof number, " %.17g", (*v)(j));
          out << number;
        }
      }
    }
    out << "\nlayers " << model.W.size();
    for (const Dense& w : model.W) out << ' ' << w.cols();
    out << '\n';
    char buffer[32];
    for (size_t i = 0; i < model.W.size(); ++i) {
      const Dense& w = model.W[i];
      out << "W " << i + 1 << ' ' << w.rows() << ' ' << w.cols() << '\n';
      for (Index r = 0; r < w.rows(); ++r) {
        for (Index c = 0; c < w.cols(); ++c) {
          std::snprintf(buffer, sizeof buffer, c ? " %.17g" : "%.17g", w(r, c));
          out << buffer;
        }
        out << '\n';
      }
    }
    if (model.centroids.rows() > 0) {
      out << "centroids " << model.centroids.rows() << ' ' << model.centroids.cols() << ' '
          << (model.l1_rows ? "l1" : "none") << '\n';
      for (Index r = 0; r < model.centroids.rows(); ++r) {
        for (Index c = 0; c < model.centroids.cols(); ++c) {
          std::snprintf(buffer, sizeof buffer, c ? " %.17g" : "%.17g", model.centroids(r, c));
          out << buffer;
        }
        out << '\n';
      }
    }
    out << "end\n";
  }
}

namespace {

class ModelParser {
 public:
  explicit ModelParser(const std::string& path) : in_(path) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(in_.path(), in_.line_number(), problem);
  }

  /// Next line split into words; fails at end of file with `expected` in the message.
  std::vector<std::string> words(const std::string& expected) {
    std::string line;
    if (!in_.next_line(line))
      throw InputError(in_.path(), in_.line_number() + 1, "unexpected end of file, expected " + expected);
    std::istringstream ss(line);
    std::vector<std::string> out;
    for (std::string w; ss >> w;) out.push_back(w);
    return out;
  }

  Index integer(const std::string& word, Index lo, Index hi, const std::string& what) const {
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(word.c_str(), &end, 10);
    if (errno || end == word.c_str() || *end || v < lo || v > hi)
      fail(what + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" +
           quote_token(word).substr(1));
    return v;
  }

  double number(const std::string& word, const std::string& what) const {
    char* end = nullptr;
    const double v = std::strtod(word.c_str(), &end);
    if (end == word.c_str() || *end) fail(what + ": " + quote_token(word) + " is not a number");
    if (!std::isfinite(v)) fail(what + " is NaN/Inf");
    return v;
  }

  TextReader in_;
};

}  // namespace

Encoder load_model(const std::string& path) {
  ModelParser p(path);
  Encoder m;
  auto w = p.words("the 'dnmf-model 1' header");
  if (w.size() != 2 || w[0] != "dnmf-model") p.fail("not a dnmf model file (expected 'dnmf-model 1')");
  if (w[1] != "1")
    p.fail("unsupported model file version " + quote_token(w[1]) + " (this dnmf reads version 1)");
  w = p.words("'model NAME'");
  if (w.size() != 2 || w[0] != "model") p.fail("expected 'model NAME'");
  m.model = w[1];
  const char* kNormalize = "expected 'normalize none|max DIVISOR|l2-samples|minmax-features D'";
  w = p.words("'normalize ...'");
  if (w.empty() || w[0] != "normalize") p.fail(kNormalize);
  DataScaling& sc = m.scaling;
  if (w.size() == 2 && w[1] == "none") {
    sc.how = Normalization::none;
  } else if (w.size() == 2 && w[1] == "l2-samples") {
    sc.how = Normalization::l2_samples;
  } else if (w.size() == 3 && w[1] == "max") {
    sc.how = Normalization::max;
    sc.divisor = p.number(w[2], "max divisor");
    if (!(sc.divisor > 0)) p.fail("max divisor must be > 0");
  } else if (w.size() == 3 && w[1] == "minmax-features") {
    sc.how = Normalization::minmax_features;
    const Index d = p.integer(w[2], 1, Index{1} << 26, "feature count");
    for (Vector* v : {&sc.shift, &sc.range}) {
      const char* name = v == &sc.shift ? "shift" : "range";
      const auto values = p.words(std::string("'") + name + " v_1 ... v_D'");
      if (values.empty() || values[0] != name || static_cast<Index>(values.size()) != d + 1)
        p.fail(std::string("expected '") + name + "' and " + std::to_string(d) + " values");
      v->resize(d);
      for (Index j = 0; j < d; ++j) (*v)(j) = p.number(values[static_cast<size_t>(j) + 1], name);
    }
    if ((sc.range.array() <= 0).any()) p.fail("feature ranges must be > 0");
  } else {
    p.fail(kNormalize);
  }
  w = p.words("'layers L r_1 ... r_L'");
  if (w.size() < 3 || w[0] != "layers") p.fail("expected 'layers L r_1 ... r_L'");
  const Index layers = p.integer(w[1], 1, 64, "number of layers");
  if (static_cast<Index>(w.size()) != 2 + layers)
    p.fail("'layers' lists " + std::to_string(w.size() - 2) + " sizes, expected " + std::to_string(layers));
  std::vector<Index> sizes;
  for (Index i = 0; i < layers; ++i) sizes.push_back(p.integer(w[2 + i], 1, 1 << 20, "layer size"));
  Index rows_expected = -1;
  for (Index i = 0; i < layers; ++i) {
    w = p.words("'W " + std::to_string(i + 1) + " ROWS COLS'");
    if (w.size() != 4 || w[0] != "W" || w[1] != std::to_string(i + 1))
      p.fail("expected 'W " + std::to_string(i + 1) + " ROWS COLS'");
    const Index rows = p.integer(w[2], 1, 1 << 26, "rows"), cols = p.integer(w[3], 1, 1 << 20, "cols");
    if (cols != sizes[i])
      p.fail("W " + std::to_string(i + 1) + " has " + std::to_string(cols) + " columns but layer size " +
             std::to_string(sizes[i]));
    if (rows_expected >= 0 && rows != rows_expected)
      p.fail("W " + std::to_string(i + 1) + " must have " + std::to_string(rows_expected) + " rows to chain");
    // Each value needs at least 2 bytes of text: a header declaring more than the file
    // can hold is refused before the matrix is allocated.
    if (static_cast<long double>(rows) * static_cast<long double>(cols) * 2.0L >
            static_cast<long double>(p.in_.max_content_bytes()) ||
        static_cast<long double>(rows) * static_cast<long double>(cols) * 8.0L >
            static_cast<long double>(memory_budget()))
      p.fail("W " + std::to_string(i + 1) + " declares " + std::to_string(rows) + " x " +
             std::to_string(cols) + " values, more than the file (or the memory budget) can hold");
    Dense mat(rows, cols);
    for (Index r = 0; r < rows; ++r) {
      const auto values = p.words("a row of W " + std::to_string(i + 1));
      if (static_cast<Index>(values.size()) != cols)
        p.fail("expected " + std::to_string(cols) + " values, found " + std::to_string(values.size()));
      for (Index c = 0; c < cols; ++c) {
        mat(r, c) = p.number(values[c], "W entry");
        if (mat(r, c) < 0) p.fail("negative W entry " + values[c]);
      }
    }
    m.W.push_back(std::move(mat));
    rows_expected = cols;
  }
  if (m.scaling.how == Normalization::minmax_features && m.scaling.shift.size() != m.features())
    p.fail("the feature ranges list " + std::to_string(m.scaling.shift.size()) + " features but W 1 has " +
           std::to_string(m.features()) + " rows");
  w = p.words("'end'");
  if (!w.empty() && w[0] == "centroids") {
    if (w.size() != 4 || (w[3] != "l1" && w[3] != "none")) p.fail("expected 'centroids K R l1|none'");
    const Index k = p.integer(w[1], 1, 1 << 20, "number of centroids");
    const Index r = p.integer(w[2], 1, 1 << 20, "centroid width");
    if (r != m.rank())
      p.fail("the centroids have " + std::to_string(r) + " columns, the encoder's rank is " +
             std::to_string(m.rank()));
    m.centroids.resize(k, r);
    m.l1_rows = w[3] == "l1";
    for (Index i = 0; i < k; ++i) {
      const auto values = p.words("a row of the centroids");
      if (static_cast<Index>(values.size()) != r)
        p.fail("a centroid row needs " + std::to_string(r) + " values");
      for (Index c = 0; c < r; ++c)
        m.centroids(i, c) = p.number(values[static_cast<size_t>(c)], "centroid entry");
    }
    w = p.words("'end'");
  }
  if (w.size() != 1 || w[0] != "end") p.fail("expected 'end'");
  return m;
}

}  // namespace dnmf::io
