#include "dnmf/models/deep_chain.hpp"

#include <chrono>
#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/graph/reorder.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/nmf.hpp"

namespace dnmf {

using Clock = std::chrono::steady_clock;

void ChainOptions::validate(Index n, Index d) const {
  if (layers.empty()) throw InvalidOption("layers: at least one layer size is needed");
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i] < 1) throw InvalidOption("layers: size " + std::to_string(layers[i]) + " must be >= 1");
  if (layers.back() > n)
    throw InvalidOption("layers: the last layer size k = " + std::to_string(layers.back()) +
                        " exceeds the number of samples n = " + std::to_string(n));
  (void)d;  // r_1 > d is allowed (docs/models.md §3.2: the paper runs Iris, d = 4, with 60-50-40)
  if (pretrain_iterations < 0) throw InvalidOption("pretrain_iterations must be >= 0");
  if (max_iterations < 0) throw InvalidOption("max_iterations must be >= 0");
  if (!(tolerance >= 0.0) || !(pretrain_tolerance >= 0.0)) throw InvalidOption("tolerances must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
  if (!(floor >= 0.0)) throw InvalidOption("floor must be >= 0");
  if (!(w_exponent > 0.0 && w_exponent <= 1.0) || !(h_exponent > 0.0 && h_exponent <= 1.0))
    throw InvalidOption("update exponents must lie in (0, 1]");
  if (max_halvings < 0 || max_halvings > 30) throw InvalidOption("max_halvings must be in [0, 30]");
}

Dense chain_product(const std::vector<Dense>& W) {
  if (W.empty()) throw InvalidOption("chain_product: no layers");
  Dense P = W[0];
  for (size_t i = 1; i < W.size(); ++i) P = P * W[i];
  return P;
}

namespace {

bool decide_gram(const DataMatrix& Z, GramMode mode) {
  switch (mode) {
    case GramMode::always:
      return true;
    case GramMode::never:
      return false;
    case GramMode::automatic:
      break;
  }
  return ChainState::gram_is_worthwhile(Z);
}

/// Runs Gauss–Seidel sweeps (W_1..W_l, then H) on a state; shared by pre-training
/// (one layer, decoder + encoder) and fine-tuning (all layers, all terms).
class Sweeper {
 public:
  Sweeper(ChainState& s, const std::vector<const ChainTerm*>& terms, const ChainOptions& o, std::string stage)
      : s_(s), terms_(terms), o_(o), stage_(std::move(stage)), values_(terms.size(), 0.0) {}

  /// Evaluates every term at the state's (P, H), after the re-weighted terms have set
  /// their weights there.
  void evaluate_all(int iteration) {
    for (const ChainTerm* t : terms_) t->update_weights(s_);
    refresh(true, true, iteration);
  }
  double total() const {
    double f = 0.0;
    for (double v : values_) f += v;
    return f;
  }
  const std::vector<double>& values() const { return values_; }

  /// Runs up to rule.max_iterations sweeps (driver.hpp stop rule); returns the status
  /// and appends to trace.
  Status run(std::vector<Dense>& W, StopRule rule, std::vector<double>& trace, int& done,
             const Progress& progress) {
    IterationDriver driver(stage_, rule, progress, trace);
    for (int it = 1; it <= rule.max_iterations; ++it) {
      sweep(W, it);
      reweight(it);
      if (!driver.record(it, total())) break;
    }
    done = driver.iterations();
    return driver.status();
  }

  int halvings = 0, rejections = 0;

 private:
  void refresh(bool p_changed, bool h_changed, int iteration) {
    for (size_t t = 0; t < terms_.size(); ++t)
      if ((p_changed && terms_[t]->depends_on_P()) || (h_changed && terms_[t]->depends_on_H())) {
        values_[t] = terms_[t]->value(s_);
        if (!std::isfinite(values_[t]))
          throw NumericalError("objective term '" + terms_[t]->name() + "' is NaN/Inf after iteration " +
                               std::to_string(iteration) + " (" + stage_ + ")");
      }
  }

  /// Stops a diverging fit (objective unbounded below) before it overflows.
  void check_bounded(int iteration) const {
    const double largest = s_.h_summary().max;  // the values need the summary anyway
    if (largest > o_.max_entry)
      throw NumericalError("H is diverging (largest entry " + std::to_string(largest) + " > " +
                           std::to_string(o_.max_entry) + ") after iteration " + std::to_string(iteration) +
                           " (" + stage_ + "): the regularisation is unbounded below for these weights");
  }

  /// New IRLS weights at the point the sweep reached; the recorded objective is then the
  /// true objective there (the majoriser touches it at its own weights).
  void reweight(int iteration) {
    for (size_t t = 0; t < terms_.size(); ++t)
      if (terms_[t]->update_weights(s_)) {
        values_[t] = terms_[t]->value(s_);
        if (!std::isfinite(values_[t]))
          throw NumericalError("objective term '" + terms_[t]->name() + "' is NaN/Inf after iteration " +
                               std::to_string(iteration) + " (" + stage_ + ")");
      }
  }

  /// θ ← θ ⊙ [N ⊘ max(D, δ)]^γ with the safeguard; `apply` pushes θ into the state.
  template <class Apply>
  void guarded_update(Dense& theta, const Dense& numerator, const Dense& denominator, double gamma,
                      const std::string& name, int iteration, bool is_p, Apply apply) {
    if (!o_.safeguard) {  // one step, no copy of the old block
      multiplicative_update(theta, numerator, denominator, o_.epsilon, gamma, o_.floor);
      check_finite(theta, name, iteration, stage_);
      apply(theta);
      refresh(is_p, !is_p, iteration);
      return;
    }
    const double f_old = total();
    const Dense old = theta;
    const std::vector<double> old_values = values_;
    for (int h = 0;; ++h) {
      theta = old;
      multiplicative_update(theta, numerator, denominator, o_.epsilon, gamma, o_.floor);
      check_finite(theta, name, iteration, stage_);
      apply(theta);
      refresh(is_p, !is_p, iteration);
      const double f = total();
      if (f <= f_old + 1e-12 * std::abs(f_old)) return;
      if (h == o_.max_halvings) break;
      ++halvings;
      gamma *= 0.5;
    }
    ++rejections;  // even the smallest step raised the objective: keep the old block
    theta = old;
    apply(theta);
    values_ = old_values;
  }

  void sweep(std::vector<Dense>& W, int iteration) {
    const size_t l = W.size();
    const Index d = s_.d(), k = W.back().cols();
    // Φ_{i+1} = W_{i+1}⋯W_l from the not-yet-updated layers (Gauss–Seidel, docs/models.md §3.1).
    std::vector<Dense> phi(l);  // phi[i] = Φ_{i+1}; phi[l-1] = I_k (left empty)
    for (size_t i = l - 1; i-- > 0;) phi[i] = (i + 2 == l) ? W[l - 1] : Dense(W[i + 1] * phi[i + 1]);
    Dense psi;  // Ψ_{i−1}; empty means I_d
    Dense negative(d, k), positive(d, k), num, den, core_num, core_den;
    for (size_t i = 0; i < l; ++i) {
      negative.setZero();
      positive.setZero();
      for (const ChainTerm* t : terms_)
        if (t->depends_on_P()) t->add_gradient_P(s_, negative, positive);
      // ∇_{W_i} = Ψ_{i−1}ᵀ ∇_P Φ_{i+1}ᵀ, both parts stay >= 0. Both parts in one
      // product Ψᵀ[N P] split into row blocks across threads.
      if (psi.size()) {
        Dense parts(d, 2 * k), product;
        parts << negative, positive;
        dense_times(Dense(psi.transpose()), parts, product);
        core_num = product.leftCols(k);
        core_den = product.rightCols(k);
      } else {
        core_num = negative;
        core_den = positive;
      }
      if (i + 1 < l) {
        const Dense phi_t = phi[i].transpose();
        dense_times(core_num, phi_t, num);
        dense_times(core_den, phi_t, den);
      } else {
        num = std::move(core_num);
        den = std::move(core_den);
      }
      const auto apply = [&](const Dense& wi) {
        Dense right;  // W_i Φ_{i+1}, r_{i−1}×k
        if (i + 1 < l)
          dense_times(wi, phi[i], right);
        else
          right = wi;
        if (!psi.size()) {
          s_.set_P(std::move(right));
          return;
        }
        Dense p;
        dense_times(psi, right, p);
        s_.set_P(std::move(p));
      };
      guarded_update(W[i], num, den, o_.w_exponent, "W_" + std::to_string(i + 1), iteration, true, apply);
      if (psi.size()) {
        Dense next;
        dense_times(psi, W[i], next);
        psi = std::move(next);
      } else {
        psi = W[i];
      }
    }
    // H step (H_l; the papers' optional intermediate H_i do not enter the objective).
    guarded_h_update(iteration, build_h_candidate(o_.h_exponent));
  }

  /// Builds the H candidate H ⊙ [N ⊘ max(D, δ)]^γ in h_work_ from the gradient parts at
  /// the state's H; false if it has a NaN/Inf. One pass over the rows, in parallel:
  /// each term adds its gradient rows to a block of 256 rows (thread-local, in cache)
  /// and the update of those rows follows at once, so no n×k gradient is stored.
  bool build_h_candidate(double gamma) {
    bool wants_xxth = false;
    for (const ChainTerm* t : terms_) wants_xxth = wants_xxth || t->needs_XXtH();
    if (wants_xxth) s_.prefetch_XP_and_XXtH();
    const Index n = s_.n(), k = s_.H().cols();
    std::vector<const ChainTerm*> h_terms;
    for (const ChainTerm* t : terms_)
      if (t->depends_on_H()) {
        t->prepare_gradient_H(s_);
        h_terms.push_back(t);
      }
    h_work_.resize(n, k);  // member: reused across sweeps, no n×k allocation per iteration
    bool finite = true;
    for_row_blocks(n, k, [&](Index begin, Index count) {
      constexpr Index kRows = 256;
      Dense negative(std::min(kRows, count), k), positive(negative.rows(), k);
      bool ok = true;
      for (Index b = begin; b < begin + count; b += kRows) {
        const Index c = std::min(kRows, begin + count - b);
        auto neg = negative.topRows(c);
        auto pos = positive.topRows(c);
        neg.setZero();
        pos.setZero();
        for (const ChainTerm* t : h_terms) t->add_gradient_H_rows(s_, b, neg, pos);
        ok = multiplicative_update_block(s_.H().middleRows(b, c), neg, pos, o_.epsilon, gamma, o_.floor,
                                         h_work_.middleRows(b, c)) &&
             ok;
      }
      if (!ok) {
#pragma omp atomic write
        finite = false;
      }
    });
    return finite;
  }

  /// H ← the candidate, with the safeguard. Each candidate is built in h_work_ and
  /// swapped into the state (h_work_ then holds the previous H), so a sweep neither
  /// allocates nor copies an n×k block. A halved step rebuilds the candidate from the
  /// gradient at the restored H (its products are recomputed: halvings are rare, and
  /// keeping two n×k gradient parts for them cost every sweep a pass of writes).
  void guarded_h_update(int iteration, bool candidate_finite) {
    double gamma = o_.h_exponent;
    const double f_old = total();
    std::vector<double> old_values;
    if (o_.safeguard) old_values = values_;
    for (int h = 0;; ++h) {
      if (h > 0) candidate_finite = build_h_candidate(gamma);
      if (!candidate_finite)
        throw NumericalError("NaN/Inf in H after iteration " + std::to_string(iteration) + " (" + stage_ +
                             ")");
      s_.swap_H(h_work_);
      if (o_.max_entry > 0.0) check_bounded(iteration);
      refresh(false, true, iteration);
      if (!o_.safeguard) return;
      if (total() <= f_old + 1e-12 * std::abs(f_old)) return;
      s_.swap_H(h_work_);  // back to the previous H
      if (h == o_.max_halvings) break;
      ++halvings;
      gamma *= 0.5;
    }
    ++rejections;  // even the smallest step raised the objective: keep the old block
    values_ = old_values;
  }

  ChainState& s_;
  const std::vector<const ChainTerm*>& terms_;
  const ChainOptions& o_;
  std::string stage_;
  std::vector<double> values_;
  Dense h_work_;  // candidate of the H step
};

std::uint64_t layer_seed(std::uint64_t seed, size_t layer) {
  return seed ^ (0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(layer) + 1));
}

}  // namespace

ShallowFit fit_shallow_anmf(const DataMatrix& Z, int rank, const ChainOptions& options, std::uint64_t seed,
                            const std::string& stage, const Progress& progress,
                            const std::vector<Index>* sample_order) {
  if (rank < 1) throw InvalidOption("shallow ANMF rank must be >= 1");
  // Same scale as plain NMF's random start (mean of V Uᵀ ≈ mean of Z / 4).
  const double scale = std::sqrt(std::max(Z.mean_value(), 1e-300) / rank);
  Rng rng(seed);
  ShallowFit fit;
  fit.U = rng.uniform_matrix(Z.cols(), rank, scale);
  fit.V = rng.uniform_matrix(Z.rows(), rank, scale);
  if (sample_order) {
    if (static_cast<Index>(sample_order->size()) != Z.rows())
      throw InvalidOption("sample order has " + std::to_string(sample_order->size()) + " entries for " +
                          std::to_string(Z.rows()) + " samples");
    Dense drawn = std::move(fit.V);
    fit.V.resize(drawn.rows(), drawn.cols());
    for (Index r = 0; r < drawn.rows(); ++r)
      fit.V.row(r) = drawn.row((*sample_order)[static_cast<size_t>(r)]);
  }
  if (options.pretrain_iterations == 0) return fit;
  if (options.pretraining == Pretraining::nmf) {
    NmfOptions no;
    no.rank = rank;
    no.max_iterations = options.pretrain_iterations;
    no.tolerance = options.pretrain_tolerance;
    no.stop_test = StopTest::relative_to_previous;
    no.epsilon = options.epsilon;
    no.seed = seed;
    NmfResult r = fit_nmf(Z, no, std::move(fit.U), std::move(fit.V), [&](const IterationInfo& info) {
      if (!progress) return true;
      IterationInfo staged = info;
      staged.stage = stage;
      return progress(staged);
    });
    fit.U = std::move(r.W);
    fit.V = std::move(r.H);
    fit.status = r.status;
    fit.iterations = r.iterations;
    fit.objective = std::move(r.objective);
    return fit;
  }
  ChainState state(Z, decide_gram(Z, options.gram));
  const DecoderLoss decoder;
  const EncoderLoss encoder;
  const std::vector<const ChainTerm*> terms{&decoder, &encoder};
  ChainOptions o = options;
  o.w_exponent = 1.0;  // both rules are Lee–Seung type: monotone with γ = 1 (docs/models.md §3.1, §10.2)
  o.h_exponent = 1.0;
  state.set_P(fit.U);
  state.set_H(fit.V);
  Sweeper sweeper(state, terms, o, stage);
  sweeper.evaluate_all(0);
  std::vector<Dense> W{std::move(fit.U)};
  fit.status = sweeper.run(
      W, {options.pretrain_iterations, options.pretrain_tolerance, StopTest::relative_to_previous},
      fit.objective, fit.iterations, progress);
  fit.U = std::move(W[0]);
  fit.V = state.H();
  return fit;
}

ChainFit fine_tune_deep_chain(const DataMatrix& X, const std::vector<const ChainTerm*>& terms,
                              const ChainOptions& options, std::vector<Dense> W, Dense H,
                              const Progress& progress) {
  options.validate(X.rows(), X.cols());
  if (W.size() != options.layers.size()) throw InvalidOption("fine-tuning needs one W per layer");
  Index rows = X.cols();
  for (size_t i = 0; i < W.size(); ++i) {
    if (W[i].rows() != rows || W[i].cols() != options.layers[i])
      throw InvalidOption("W_" + std::to_string(i + 1) + " must be " + std::to_string(rows) + "×" +
                          std::to_string(options.layers[i]));
    rows = options.layers[i];
  }
  if (H.rows() != X.rows() || H.cols() != options.layers.back())
    throw InvalidOption("H must be n×k = " + std::to_string(X.rows()) + "×" +
                        std::to_string(options.layers.back()));
  const auto start = Clock::now();
  ChainFit fit;
  for (const ChainTerm* t : terms) fit.term_names.push_back(t->name());
  ChainState state(X, decide_gram(X, options.gram));
  state.set_P(chain_product(W));
  state.set_H(std::move(H));
  Sweeper sweeper(state, terms, options, "fine-tune");
  sweeper.evaluate_all(0);
  fit.initial_terms = sweeper.values();
  fit.status = sweeper.run(W, {options.max_iterations, options.tolerance, StopTest::decrease_so_far},
                           fit.objective, fit.iterations, progress);
  if (options.max_iterations == 0) fit.status = Status::max_iterations;
  fit.final_terms = sweeper.values();
  fit.safeguard_halvings = sweeper.halvings;
  fit.safeguard_rejections = sweeper.rejections;
  fit.W = std::move(W);
  fit.P = state.P();
  fit.H = state.H();
  fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return fit;
}

ChainFit fit_deep_chain(const DataMatrix& X, const std::vector<const ChainTerm*>& terms,
                        const ChainOptions& options, const Progress& progress,
                        const std::vector<Index>* sample_order) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("deep NMF");
  const auto start = Clock::now();
  std::vector<Dense> W;
  std::vector<int> pre_iterations;
  std::vector<std::vector<double>> pre_traces;
  Dense V;
  const size_t l = options.layers.size();
  // Shares of the job for the whole-job ETA, by iteration budgets.
  const double budget = static_cast<double>(l) * options.pretrain_iterations + options.max_iterations;
  const double layer_share = budget > 0 ? options.pretrain_iterations / budget : 0.0;
  for (size_t i = 0; i < l; ++i) {
    const std::string stage = "pretrain layer " + std::to_string(i + 1) + "/" + std::to_string(l);
    const Progress share = job_share(progress, static_cast<double>(i) * layer_share, layer_share);
    ShallowFit shallow = (i == 0) ? fit_shallow_anmf(X, options.layers[i], options,
                                                     layer_seed(options.seed, i), stage, share, sample_order)
                                  : fit_shallow_anmf(DataMatrix(std::move(V)), options.layers[i], options,
                                                     layer_seed(options.seed, i), stage, share, sample_order);
    W.push_back(std::move(shallow.U));
    V = std::move(shallow.V);
    pre_iterations.push_back(shallow.iterations);
    pre_traces.push_back(std::move(shallow.objective));
    if (shallow.status == Status::stopped_by_callback) {
      // Stopped while pre-training: no later layer and no fine-tuning runs. What exists
      // is returned as it is (H is the last pre-trained layer's code).
      ChainFit stopped;
      stopped.status = Status::stopped_by_callback;
      stopped.W = std::move(W);
      stopped.H = std::move(V);
      stopped.pretrain_iterations = std::move(pre_iterations);
      stopped.pretrain_objective = std::move(pre_traces);
      stopped.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return stopped;
    }
  }
  const double tuned = static_cast<double>(l) * layer_share;
  ChainFit fit = fine_tune_deep_chain(X, terms, options, std::move(W), std::move(V),
                                      job_share(progress, tuned, 1.0 - tuned));
  fit.pretrain_iterations = std::move(pre_iterations);
  fit.pretrain_objective = std::move(pre_traces);
  fit.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return fit;
}

namespace {
// Below this the n×k factors fit the caches and S·H is cheap in any order.
constexpr Index kLocalityOrderMinSamples = 16384;
}  // namespace

ChainFit fit_deep_chain_on_graph(const DataMatrix& X, const Csr& graph, const TermFactory& make_terms,
                                 const ChainOptions& options, SampleOrder order, const Progress& progress) {
  const bool reorder =
      graph.nnz() > 0 && (order == SampleOrder::locality ||
                          (order == SampleOrder::automatic && X.rows() >= kLocalityOrderMinSamples));
  if (!reorder) {
    const auto owned = make_terms(graph);
    std::vector<const ChainTerm*> terms;
    for (const auto& t : owned) terms.push_back(t.get());
    return fit_deep_chain(X, terms, options, progress);
  }
  const std::vector<Index> sample_order = locality_order(graph);
  const auto owned = make_terms(permute_symmetric(graph, sample_order));
  std::vector<const ChainTerm*> terms;
  for (const auto& t : owned) terms.push_back(t.get());
  ChainFit fit;
  {
    const DataMatrix permuted = permute_samples(X, sample_order);
    fit = fit_deep_chain(permuted, terms, options, progress, &sample_order);
  }
  Dense H(fit.H.rows(), fit.H.cols());
  for (Index r = 0; r < H.rows(); ++r) H.row(sample_order[static_cast<size_t>(r)]) = fit.H.row(r);
  fit.H = std::move(H);
  return fit;
}

double chain_objective(const DataMatrix& X, const std::vector<const ChainTerm*>& terms, const Dense& P,
                       const Dense& H) {
  ChainState state(X, false);
  state.set_P(P);
  state.set_H(H);
  double f = 0.0;
  for (const ChainTerm* t : terms) f += t->value(state);
  return f;
}

}  // namespace dnmf
