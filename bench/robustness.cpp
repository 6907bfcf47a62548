// Robustness to corrupted samples: UMIST, ORL and COIL20 with 0/10/20/30 % of the
// samples corrupted by salt-and-pepper noise (half of their pixels set to 0 or to the
// data's maximum, fixed seeds), clustered with nmf, danmf, danmf-crfr and dn2mfgl.
//
//   build/bench/bench_robustness [--datasets DIR] [--levels 0,10,20,30] [--seeds N]
//       [--only a,b] [--out docs/reproduction.md]
//
// Writes an NMI/ACC table per dataset between the markers "<!-- robustness:begin -->"
// and "<!-- robustness:end -->" of the output file (appended when absent; the file is
// rewritten atomically). Budgets are reduced for the DANMF models (100 pre-training
// iterations per layer, 300 fine-tuning iterations) so the whole table takes minutes;
// every fit goes through the model registry with the model's defaults (dn2mfgl-ref:
// the reference code's weights). A column gives the NMI over the samples left clean.
#include <omp.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dnmf/core/rng.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/output.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// dn2mfgl-ref: the reference code's weights α = β = ν = 1 on unit rows (the default is
// α = 10, β = ν = 0 on auto-scaled data, docs/models.md §4.7).
const std::vector<std::string> kModels = {"nmf", "danmf", "danmf-crfr", "dn2mfgl", "dn2mfgl-ref"};

/// Salt-and-pepper on `fraction` of the samples: half of each chosen sample's entries
/// become 0 or the largest value of X (equal odds). Dense copy (the image sets are small).
dnmf::Dense corrupt(const dnmf::Dense& x, double fraction, std::uint64_t seed, std::vector<bool>& hit) {
  dnmf::Dense out = x;
  const double top = x.maxCoeff();
  dnmf::Rng rng(seed);
  hit.assign(static_cast<size_t>(x.rows()), false);
  const auto count = static_cast<dnmf::Index>(std::lround(fraction * static_cast<double>(x.rows())));
  // Partial Fisher–Yates: the first `count` of a seeded permutation.
  std::vector<dnmf::Index> order(static_cast<size_t>(x.rows()));
  for (dnmf::Index i = 0; i < x.rows(); ++i) order[static_cast<size_t>(i)] = i;
  for (dnmf::Index i = 0; i < count; ++i) {
    const auto j = i + static_cast<dnmf::Index>(rng.below(static_cast<std::uint64_t>(x.rows() - i)));
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
    const dnmf::Index s = order[static_cast<size_t>(i)];
    hit[static_cast<size_t>(s)] = true;
    for (dnmf::Index f = 0; f < x.cols(); ++f)
      if (rng.uniform() < 0.5) out(s, f) = rng.uniform() < 0.5 ? 0.0 : top;
  }
  return out;
}

/// Labels of one model on the (corrupted) data, through the model registry with the
/// model's defaults (as `dnmf cluster`), except the reduced DANMF budgets and the
/// reference weights of dn2mfgl-ref.
std::vector<int> run(const std::string& model, const dnmf::Dense& raw, int k, std::uint64_t seed) {
  const bool reference = model == "dn2mfgl-ref";
  const dnmf::ModelSpec& spec = dnmf::find_model(reference ? "dn2mfgl" : model, dnmf::InputKind::data);
  dnmf::OptionValues values = spec.defaults();
  values.set("seed", static_cast<std::int64_t>(seed));
  if (model == "danmf" || model == "danmf-crfr") {
    values.set("pretrain-iter", std::int64_t{100});
    values.set("iter", std::int64_t{300});
  }
  if (reference) {
    for (const char* w : {"alpha", "beta", "nu"}) values.set(w, 1.0);
    values.set("normalize", std::string("l2-samples"));
  }
  dnmf::DataMatrix X(raw);
  dnmf::FitInput input;
  input.data = &X;
  input.n_clusters = k;
  const dnmf::FitResult fit = dnmf::fit_model(spec, input, values);
  return dnmf::assign_labels(fit, values, k, nullptr).labels;
}

/// NMI on the samples not corrupted (hit[i] false): how well the rest of the data is
/// still clustered when the corrupted samples pull on the factors.
double clean_nmi(const std::vector<int>& truth, const std::vector<int>& labels,
                 const std::vector<bool>& hit) {
  std::vector<int> t, l;
  for (size_t i = 0; i < truth.size(); ++i)
    if (!hit[i]) {
      t.push_back(truth[i]);
      l.push_back(labels[i]);
    }
  return dnmf::evaluate(t, l).nmi;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string datasets = "../shared/datasets", out = "docs/reproduction.md";
  std::vector<int> levels{0, 10, 20, 30};
  std::vector<std::string> names{"umist", "orl", "coil20"};
  int seeds = 1;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    const bool has_value = a + 1 < argc;
    if (arg == "--datasets" && has_value) {
      datasets = argv[++a];
    } else if (arg == "--out" && has_value) {
      out = argv[++a];
    } else if (arg == "--seeds" && has_value) {
      seeds = std::max(1, std::atoi(argv[++a]));
    } else if (arg == "--only" && has_value) {
      names = split(argv[++a]);
    } else if (arg == "--levels" && has_value) {
      levels.clear();
      for (const auto& v : split(argv[++a])) levels.push_back(std::atoi(v.c_str()));
    } else {
      std::fprintf(stderr,
                   "usage: bench_robustness [--datasets DIR] [--levels 0,10,20,30] [--seeds N] [--only a,b] "
                   "[--out FILE]\n");
      return 2;
    }
  }
  std::ostringstream table;
  table
      << "## Robustness to corrupted samples (`bench_robustness`)\n\n"
      << "Salt-and-pepper noise on a random fraction of the samples (half of each chosen sample's pixels set "
         "to 0 or to the data maximum; fixed seeds). NMI and ACC over all samples and NMI over the clean "
         "samples only, mean over "
      << seeds
      << " seed(s); every model with its defaults (`dnmf cluster`), danmf and danmf-crfr with a reduced "
         "budget (100 pre-training iterations per layer, 300 fine-tuning); dn2mfgl-ref is dn2mfgl with the "
         "reference code's α = β = ν = 1 on unit rows.\n";
  const auto start_all = Clock::now();
  for (const std::string& name : names) {
    const std::string dir = datasets + "/" + name;
    std::string x_path = dir + "/X.mtx.gz";
    if (!std::filesystem::exists(x_path)) x_path = dir + "/X.mtx";
    if (!std::filesystem::exists(x_path)) {
      std::fprintf(stderr, "skipping %s: no data under %s\n", name.c_str(), dir.c_str());
      continue;
    }
    const dnmf::DataMatrix data = dnmf::io::read_data(x_path, dnmf::io::Storage::dense);
    const dnmf::Dense x = data.to_dense();
    const std::vector<int> truth = dnmf::io::read_labels(dir + "/labels.txt");
    int k = 0;
    for (int t : truth) k = std::max(k, t + 1);
    table << "\n### " << name << " (n = " << x.rows() << ", d = " << x.cols() << ", k = " << k << ")\n\n"
          << "| corrupted | ";
    for (const auto& m : kModels) table << m << " NMI | ACC | clean NMI | ";
    table << "seconds |\n|---|";
    for (size_t i = 0; i < 3 * kModels.size() + 1; ++i) table << "---|";
    table << "\n";
    for (int level : levels) {
      const auto start = Clock::now();
      std::map<std::string, std::array<double, 3>> sums{};
      for (int s = 0; s < seeds; ++s) {
        std::vector<bool> hit;
        const dnmf::Dense noisy = corrupt(x, level / 100.0, 1000u + static_cast<std::uint64_t>(s), hit);
        for (const auto& m : kModels) {
          const std::vector<int> labels = run(m, noisy, k, static_cast<std::uint64_t>(s));
          const dnmf::Evaluation e = dnmf::evaluate(truth, labels);
          const double clean = clean_nmi(truth, labels, hit);
          sums[m][0] += e.nmi / seeds;
          sums[m][1] += e.acc / seeds;
          sums[m][2] += clean / seeds;
          std::fprintf(stderr, "%s %d%% seed %d %s: NMI %.3f ACC %.3f clean NMI %.3f\n", name.c_str(), level,
                       s, m.c_str(), e.nmi, e.acc, clean);
        }
      }
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      char line[64];
      table << "| " << level << " % | ";
      for (const auto& m : kModels) {
        std::snprintf(line, sizeof line, "%.3f | %.3f | %.3f | ", sums[m][0], sums[m][1], sums[m][2]);
        table << line;
      }
      std::snprintf(line, sizeof line, "%.0f |\n", seconds);
      table << line;
    }
  }
  table << "\nTotal " << std::lround(std::chrono::duration<double>(Clock::now() - start_all).count())
        << " s on " << omp_get_max_threads() << " threads.\n";
  std::printf("%s", table.str().c_str());
  // Splice the table into the output file between the markers.
  std::string text;
  if (std::ifstream in(out); in) {
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  const std::string begin = "<!-- robustness:begin -->", end = "<!-- robustness:end -->";
  const std::string block = begin + "\n" + table.str() + end + "\n";
  const auto b = text.find(begin), e = text.find(end);
  if (b != std::string::npos && e != std::string::npos && e > b)
    text.replace(b, e + end.size() + 1 - b, block);
  else
    text += (text.empty() || text.back() == '\n' ? "\n" : "\n\n") + block;
  dnmf::io::write_file_atomically(out, [&](std::ostream& o) { o << text; });
  return 0;
}
