// The shared iteration driver (stop rule, trace, NaN check), restarts and the model
// registry: option tables, defaults valid for every input, one dispatch for every model.
#define BOOST_TEST_MODULE driver
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/nmf.hpp"
#include "dnmf/models/registry.hpp"

#include "graph_helpers.hpp"
#include "helpers.hpp"

using dnmf::Dense;
using dnmf::IterationDriver;
using dnmf::StopRule;
using dnmf::StopTest;

BOOST_AUTO_TEST_CASE(stopping_rule_compares_with_the_decrease_so_far) {
  // A graph objective sits near ‖A‖²: here f_t = 10⁶ − 10·(1 − 0.9^t), so every step
  // decreases f by less than 1e-6·f and a rule relative to f would stop at iteration 2.
  // Relative to the decrease since iteration 1, the step 0.1·0.9^{t−1}·10 falls below
  // 1e-4·(f₁ − f_t) near t ≈ 66.
  const dnmf::Progress none;  // the driver keeps a reference
  std::vector<double> trace;
  IterationDriver loop("test", StopRule{1000, 1e-4}, none, trace);
  int t = 1;
  while (loop.record(t, 1e6 - 10.0 * (1.0 - std::pow(0.9, t)))) ++t;
  BOOST_TEST((loop.status() == dnmf::Status::converged));
  BOOST_TEST(t >= 60);
  BOOST_TEST(t <= 75);
  BOOST_TEST(trace.size() == static_cast<size_t>(t));
  // A flat trace stops as soon as the rule can be evaluated, and tolerance 0 never stops.
  trace.clear();
  IterationDriver flat("test", StopRule{1000, 1e-4}, none, trace);
  t = 1;
  while (flat.record(t, 5.0)) ++t;
  BOOST_TEST(t == 3);
  trace.clear();
  IterationDriver never("test", StopRule{50, 0.0}, none, trace);
  for (t = 1; t < 50; ++t) BOOST_TEST_REQUIRE(never.record(t, 5.0));
  BOOST_TEST(!never.record(50, 5.0));  // the budget ends the fit
  BOOST_TEST((never.status() == dnmf::Status::max_iterations));
  BOOST_TEST(never.iterations() == 50);
}

BOOST_AUTO_TEST_CASE(pretraining_rule_is_relative_to_the_previous_value) {
  const dnmf::Progress none;
  std::vector<double> trace;
  // f_t = 100·0.99^t: each step gains 1 % of the previous value.
  IterationDriver above("t", StopRule{100, 0.009, StopTest::relative_to_previous}, none, trace);
  int t = 1;
  while (above.record(t, 100 * std::pow(0.99, t))) ++t;
  BOOST_TEST(t == 100);  // 1 % > 0.9 %: never converged
  trace.clear();
  IterationDriver below("t", StopRule{100, 0.011, StopTest::relative_to_previous}, none, trace);
  t = 1;
  while (below.record(t, 100 * std::pow(0.99, t))) ++t;
  BOOST_TEST(t == 2);
  BOOST_TEST((below.status() == dnmf::Status::converged));
}

BOOST_AUTO_TEST_CASE(driver_names_the_stage_on_nan_and_honours_the_callback) {
  std::vector<double> trace;
  const dnmf::Progress none;
  IterationDriver d("fine-tune", StopRule{10, 0.0}, none, trace);
  BOOST_TEST(d.record(1, 3.0));
  try {
    d.record(2, std::nan(""));
    BOOST_FAIL("NaN accepted");
  } catch (const dnmf::NumericalError& e) {
    BOOST_TEST(std::string(e.what()).find("after iteration 2 (fine-tune)") != std::string::npos);
  }
  int calls = 0;
  const dnmf::Progress stop_at_3 = [&](const dnmf::IterationInfo& info) {
    return ++calls, info.iteration < 3;
  };
  trace.clear();
  IterationDriver s("x", StopRule{10, 0.0}, stop_at_3, trace);
  int t = 1;
  while (s.record(t, 10.0 - t)) ++t;
  BOOST_TEST(t == 3);
  BOOST_TEST((s.status() == dnmf::Status::stopped_by_callback));
}

BOOST_AUTO_TEST_CASE(restart_seeds_keep_the_first_and_differ) {
  BOOST_TEST(dnmf::restart_seed(7, 0) == 7u);
  std::set<std::uint64_t> seen;
  for (int r = 0; r < 100; ++r) seen.insert(dnmf::restart_seed(7, r));
  BOOST_TEST(seen.size() == 100u);
  for (int r = 0; r < 100; ++r) BOOST_TEST(dnmf::restart_seed(7, r) < (std::uint64_t{1} << 53));
}

BOOST_AUTO_TEST_CASE(option_values_parse_and_refuse) {
  const dnmf::ModelSpec& danmf = dnmf::find_model("danmf-crfr");
  dnmf::OptionValues v = danmf.defaults();
  v.parse("layers", "8,4");
  BOOST_TEST((v.integers("layers") == std::vector<std::int64_t>{8, 4}));
  for (const char* bad : {"8,4,", "8,,4", ",8", "", "8,x", "0,2"})
    BOOST_CHECK_THROW(v.parse("layers", bad), dnmf::InvalidOption);
  BOOST_CHECK_THROW(v.parse("lambda-att", "-1"), dnmf::InvalidOption);
  BOOST_CHECK_THROW(v.parse("lambda-att", "nan"), dnmf::InvalidOption);
  BOOST_CHECK_THROW(v.parse("w-exponent", "0"), dnmf::InvalidOption);
  BOOST_CHECK_THROW(v.parse("iter", "0"), dnmf::InvalidOption);  // one rule for every model: >= 1
  BOOST_CHECK_THROW(v.parse("normalize", "unit"), dnmf::InvalidOption);
  BOOST_CHECK_THROW(v.parse("no-such-option", "1"), dnmf::InvalidOption);
  v.parse("iter", "7");
  BOOST_TEST(v.integer("iter") == 7);
  BOOST_TEST(v.is_set("iter"));
  BOOST_TEST(!v.is_set("tol"));
  BOOST_CHECK_THROW(dnmf::find_model("deepest"), dnmf::InvalidOption);
  BOOST_CHECK_THROW(dnmf::find_model("dasnmf", dnmf::InputKind::data), dnmf::InvalidOption);
}

BOOST_AUTO_TEST_CASE(every_model_fits_a_tiny_input_with_its_defaults) {
  // Defaults must be valid for every input: k above d and tiny n included.
  const Dense x = test::test_data(12, 3, 1.0, 3);
  const dnmf::Csr graph = test::sbm(24, 3, 0.6, 0.05, false, 2);
  for (const auto& spec : dnmf::model_registry()) {
    BOOST_TEST_CONTEXT("model " << spec.name) {
      dnmf::OptionValues v = spec.defaults();
      if (v.contains("iter")) v.set("iter", std::int64_t{3});
      if (v.contains("pretrain-iter")) v.set("pretrain-iter", std::int64_t{3});
      dnmf::DataMatrix X{Dense(x)};
      dnmf::FitInput in;
      in.n_clusters = 5;  // more clusters than features
      if (spec.input == dnmf::InputKind::data)
        in.data = &X;
      else
        in.graph = &graph;
      const dnmf::FitResult fit = dnmf::fit_model(spec, in, v);
      const dnmf::Index n = spec.input == dnmf::InputKind::data ? 12 : 24;
      BOOST_TEST(fit.representation.rows() == n);
      BOOST_TEST(fit.objective.size() >= 1u);
      const dnmf::Assignment a = dnmf::assign_labels(fit, v, 5);
      BOOST_TEST(a.labels.size() == static_cast<size_t>(n));
    }
  }
}

BOOST_AUTO_TEST_CASE(restarts_keep_the_lowest_objective) {
  const Dense x = test::test_data(40, 10, 0.6, 5);
  const dnmf::ModelSpec& spec = dnmf::find_model("nmf");
  dnmf::OptionValues v = spec.defaults();
  v.set("iter", std::int64_t{20});
  v.set("rank", std::int64_t{4});
  std::vector<double> singles;
  for (int r = 0; r < 4; ++r) {
    dnmf::OptionValues one = v;
    one.set("seed", static_cast<std::int64_t>(dnmf::restart_seed(11, r)));
    dnmf::DataMatrix X{Dense(x)};
    dnmf::FitInput in;
    in.data = &X;
    in.n_clusters = 4;
    singles.push_back(dnmf::fit_model(spec, in, one).final_objective());
  }
  v.set("seed", std::int64_t{11});
  v.set("restarts", std::int64_t{4});
  dnmf::DataMatrix X{Dense(x)};
  dnmf::FitInput in;
  in.data = &X;
  in.n_clusters = 4;
  const dnmf::FitResult best = dnmf::fit_model(spec, in, v);
  BOOST_TEST(best.restarts == 4);
  BOOST_TEST(best.restart_objectives == singles);  // restart r is the plain fit from restart_seed(seed, r)
  const double lowest = *std::min_element(singles.begin(), singles.end());
  BOOST_TEST(best.final_objective() == lowest);
  BOOST_TEST(best.restart_objectives[static_cast<size_t>(best.best_restart)] == lowest);
}

BOOST_AUTO_TEST_CASE(job_share_never_goes_back_and_ends_at_one) {
  // The whole-job ETA (IterationInfo::job_done) for every model with a fixed budget
  // (tol 0) and two restarts: it stays in (0, 1], never decreases across stages and
  // restarts, and the last report of the job is 1.
  const Dense x = test::test_data(30, 6, 1.0, 4);
  const dnmf::Csr graph = test::sbm(30, 3, 0.6, 0.05, false, 3);
  const dnmf::Csr directed = test::sbm(30, 3, 0.6, 0.05, true, 3);
  for (const auto& spec : dnmf::model_registry()) {
    BOOST_TEST_CONTEXT("model " << spec.name) {
      dnmf::OptionValues v = spec.defaults();
      if (v.contains("iter")) v.set("iter", std::int64_t{6});
      if (v.contains("pretrain-iter")) v.set("pretrain-iter", std::int64_t{4});
      if (v.contains("tol")) v.set("tol", 0.0);
      if (v.contains("pretrain-tol")) v.set("pretrain-tol", 0.0);
      v.set("restarts", std::int64_t{2});
      dnmf::DataMatrix X{Dense(x)};
      dnmf::FitInput in;
      in.n_clusters = 3;
      if (spec.input == dnmf::InputKind::data)
        in.data = &X;
      else
        in.graph = spec.name == "dasnmf" || spec.name == "asymnmf" ? &directed : &graph;
      in.directed = in.graph == &directed;
      std::vector<double> done;
      dnmf::fit_model(spec, in, v, [&](const dnmf::IterationInfo& info) {
        done.push_back(info.job_done);
        return true;
      });
      BOOST_REQUIRE(!done.empty());
      BOOST_TEST(std::is_sorted(done.begin(), done.end()));
      BOOST_TEST(done.front() > 0.0);
      BOOST_TEST(done.back() == 1.0, boost::test_tools::tolerance(1e-12));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_stop_during_pretraining_ends_the_whole_fit) {
  // Returning false from the callback in the first pre-training layer stops every deep
  // model there: no later layer, no fine-tuning, no further restart, status says so.
  const Dense x = test::test_data(30, 6, 1.0, 4);
  const dnmf::Csr graph = test::sbm(30, 3, 0.6, 0.05, false, 3);
  for (const auto& spec : dnmf::model_registry()) {
    BOOST_TEST_CONTEXT("model " << spec.name) {
      dnmf::OptionValues v = spec.defaults();
      if (v.contains("restarts")) v.set("restarts", std::int64_t{2});
      dnmf::DataMatrix X{Dense(x)};
      dnmf::FitInput in;
      in.n_clusters = 3;
      if (spec.input == dnmf::InputKind::data)
        in.data = &X;
      else
        in.graph = &graph;
      int calls = 0;
      const dnmf::FitResult fit = dnmf::fit_model(spec, in, v, [&](const dnmf::IterationInfo&) {
        ++calls;
        return calls < 3;
      });
      BOOST_TEST(calls == 3);
      BOOST_TEST((fit.status == dnmf::Status::stopped_by_callback));
    }
  }
}
