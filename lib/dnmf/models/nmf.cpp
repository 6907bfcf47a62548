#include "dnmf/models/nmf.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/linalg/parallel.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/models/driver.hpp"
#include "dnmf/models/init.hpp"
#include "dnmf/models/mu.hpp"
#include "dnmf/models/registry.hpp"

namespace dnmf {

void NmfOptions::validate(Index n, Index d) const {
  const Index limit = std::min(n, d);
  if (rank < 1 || rank > limit)
    throw InvalidOption("rank = " + std::to_string(rank) +
                        " must satisfy 1 <= rank <= min(n, d) = " + std::to_string(limit));
  if (max_iterations < 1)
    throw InvalidOption("max_iterations = " + std::to_string(max_iterations) + " must be >= 1");
  if (!(tolerance >= 0.0)) throw InvalidOption("tolerance must be >= 0");
  if (!(epsilon > 0.0)) throw InvalidOption("epsilon must be > 0");
  if (!(floor >= 0.0)) throw InvalidOption("floor must be >= 0");
}

namespace {
NmfResult fit_nmf_beta(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                       const Progress& progress);

/// One HALS sweep over the columns of F (docs/models.md §2.2): column j minimises
/// ‖X − F Gᵀ‖² exactly over F_:j ≥ 0 with the other columns fixed, given XG = X·G and
/// the Gram C = GᵀG: F_:j ← max(0, F_:j + (XG_:j − F C_:j) / C_jj). A column whose
/// partner has C_jj = 0 is left as it is. O(rows·k²).
void hals_sweep(Dense& F, const Dense& XG, const Dense& C) {
  for (Index j = 0; j < F.cols(); ++j) {
    if (!(C(j, j) > 0.0)) continue;
    F.col(j) = (F.col(j) + (XG.col(j) - F * C.col(j)) / C(j, j)).cwiseMax(0.0);
  }
}

}  // namespace

NmfSolver parse_nmf_solver(const std::string& name) {
  if (name == "mu") return NmfSolver::mu;
  if (name == "hals") return NmfSolver::hals;
  throw InvalidOption("solver '" + name + "' is not one of mu, hals");
}

double nmf_objective(const DataMatrix& X, const Dense& W, const Dense& H) {
  Dense XtH;
  X.transpose_times(H, XtH);
  // ‖X − HWᵀ‖² = ‖X‖² − 2⟨W, XᵀH⟩ + ⟨WᵀW, HᵀH⟩: k×k Grams instead of the n×d residual.
  const double f = X.squared_norm() - 2.0 * (W.array() * XtH.array()).sum() +
                   ((W.transpose() * W).array() * (H.transpose() * H).array()).sum();
  return std::max(f, 0.0);  // cancellation may leave a tiny negative value at an exact fit
}

NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  const Index k = options.rank;
  // Scale the random start like scikit-learn's "random" init, so that HWᵀ has X's mean.
  const double scale = std::sqrt(std::max(X.mean_value(), 1e-300) / static_cast<double>(k));
  Rng rng(options.seed);
  Dense W = rng.uniform_matrix(X.cols(), k, scale);
  Dense H = rng.uniform_matrix(X.rows(), k, scale);
  return fit_nmf(X, options, std::move(W), std::move(H), progress);
}

NmfResult fit_nmf(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                  const Progress& progress) {
  options.validate(X.rows(), X.cols());
  X.require_nonnegative("NMF");
  const Index k = options.rank;
  if (W.rows() != X.cols() || W.cols() != k || H.rows() != X.rows() || H.cols() != k)
    throw InvalidOption("initial factors must be W: d×k = " + std::to_string(X.cols()) + "×" +
                        std::to_string(k) + " and H: n×k = " + std::to_string(X.rows()) + "×" +
                        std::to_string(k));
  if ((W.array() < 0).any() || (H.array() < 0).any() || !W.allFinite() || !H.allFinite())
    throw InvalidOption("initial factors must be finite and nonnegative");
  if (options.loss != NmfLoss::frobenius) {
    if (options.solver == NmfSolver::hals)
      throw InvalidOption("the hals solver minimises the Frobenius loss only");
    return fit_nmf_beta(X, options, std::move(W), std::move(H), progress);
  }

  const auto start = std::chrono::steady_clock::now();
  const double x_norm2 = X.squared_norm();
  NmfResult result;
  result.objective.reserve(static_cast<size_t>(options.max_iterations));
  Dense XW, XtH, gram(k, k), denominator;
  const bool hals = options.solver == NmfSolver::hals;
  const char* stage = hals ? "nmf (hals)" : "nmf";
  IterationDriver driver(stage, {options.max_iterations, options.tolerance, options.stop_test}, progress,
                         result.objective);

  for (int it = 1; it <= options.max_iterations; ++it) {
    // H ← H ⊙ (XW) ⊘ max(H(WᵀW), δ)     O(nnz·k + n·k²)
    // (HALS: the column sweep of docs/models.md §2.2 with the same XW and WᵀW.)
    X.times(W, XW);
    gram.noalias() = W.transpose() * W;
    if (hals) {
      hals_sweep(H, XW, gram);
    } else {
      denominator.noalias() = H * gram;
      multiplicative_update(H, XW, denominator, options.epsilon, 1.0, options.floor);
    }
    check_finite(H, "H", it, stage);

    // W ← W ⊙ (XᵀH) ⊘ max(W(HᵀH), δ)    O(nnz·k + d·k²)
    X.transpose_times(H, XtH);
    gram.noalias() = H.transpose() * H;
    if (hals) {
      hals_sweep(W, XtH, gram);
    } else {
      denominator.noalias() = W * gram;
      multiplicative_update(W, XtH, denominator, options.epsilon, 1.0, options.floor);
    }
    check_finite(W, "W", it, stage);

    // Objective with the new W and H; XᵀH and HᵀH are those of the new H. O(d·k²).
    const double f = std::max(0.0, x_norm2 - 2.0 * (W.array() * XtH.array()).sum() +
                                       ((W.transpose() * W).array() * gram.array()).sum());
    if (!driver.record(it, f)) break;
  }
  result.status = driver.status();
  result.iterations = driver.iterations();
  result.W = std::move(W);
  result.H = std::move(H);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

// ---------------------------------------------------------------- β-divergences (§2.1)

NmfLoss parse_nmf_loss(const std::string& name) {
  if (name == "frobenius") return NmfLoss::frobenius;
  if (name == "kl") return NmfLoss::kl;
  if (name == "is") return NmfLoss::is;
  if (name == "beta") return NmfLoss::beta;
  throw InvalidOption("loss '" + name + "' is not one of frobenius, kl, is, beta");
}

const char* to_string(NmfLoss loss) {
  switch (loss) {
    case NmfLoss::frobenius:
      return "frobenius";
    case NmfLoss::kl:
      return "kl";
    case NmfLoss::is:
      return "is";
    case NmfLoss::beta:
      return "beta";
  }
  return "?";
}

double NmfOptions::effective_beta() const {
  switch (loss) {
    case NmfLoss::frobenius:
      return 2.0;
    case NmfLoss::kl:
      return 1.0;
    case NmfLoss::is:
      return 0.0;
    case NmfLoss::beta:
      return beta;
  }
  return 2.0;
}

namespace {

/// γ(β) of the multiplicative rules (Févotte & Idier 2011): 1/(2−β) below 1, 1 on [1, 2],
/// 1/(β−1) above 2; with it every rule decreases D_β (docs/models.md §2.1).
double beta_exponent(double beta) {
  if (beta < 1.0) return 1.0 / (2.0 - beta);
  if (beta > 2.0) return 1.0 / (beta - 1.0);
  return 1.0;
}

/// Columns sums of a factor (1ᵀF), the rank-one denominators of the KL rules.
Vector column_sums(const Dense& F) {
  return F.colwise().sum().transpose();
}

void require_positive_for(const DataMatrix& X, double beta) {
  if (beta > 0.0) return;
  const bool zeros =
      X.is_sparse() ? X.sparse()->nnz() < X.rows() * X.cols() : (X.dense()->array() <= 0.0).any();
  if (zeros)
    throw InputError(
        "", 0,
        "the β = " + std::to_string(beta) +
            " divergence (is, beta <= 0) is infinite at zero entries; every entry of X must be > 0");
}

}  // namespace

std::optional<DataMatrix> sparse_copy_for_kl(const DataMatrix& X) {
  const Dense* d = X.dense();
  if (!d) return std::nullopt;
  const Index stored = (d->array() != 0.0).count();
  if (static_cast<double>(stored) > 0.3 * static_cast<double>(d->size())) return std::nullopt;
  return DataMatrix(Csr::from_dense(*d));
}

Dense dense_for_beta(const DataMatrix& X, double beta, const std::string& model) {
  if (const Dense* d = X.dense()) return *d;
  const long double bytes =
      3.0L * static_cast<long double>(X.rows()) * static_cast<long double>(X.cols()) * 8.0L;
  if (bytes > static_cast<long double>(memory_budget()))
    throw InvalidOption(model + " with β = " + format_option_value(beta) + " forms n×d dense matrices (" +
                        human_bytes(bytes) + " for this sparse X), over the memory budget of " +
                        human_bytes(static_cast<long double>(memory_budget())) +
                        "; --loss kl works on the stored entries only, or raise --max-memory");
  return X.to_dense();
}

namespace {

/// V = max(HWᵀ, ε).
void floored_product(const Dense& H, const Dense& W, double epsilon, Dense& V) {
  dense_times(H, Dense(W.transpose()), V);
  for_row_blocks(V.rows(), V.cols(),
                 [&](Index b, Index c) { V.middleRows(b, c) = V.middleRows(b, c).cwiseMax(epsilon); });
}

NmfResult fit_nmf_beta(const DataMatrix& X, const NmfOptions& options, Dense W, Dense H,
                       const Progress& progress) {
  const double beta = options.effective_beta();
  if (beta == 1.0)
    if (auto sparse = sparse_copy_for_kl(X))
      return fit_nmf_beta(*sparse, options, std::move(W), std::move(H), progress);
  if (!std::isfinite(beta)) throw InvalidOption("beta must be finite");
  require_positive_for(X, beta);
  const auto start = std::chrono::steady_clock::now();
  const Index k = options.rank;
  const double eps = options.epsilon;
  NmfResult result;
  const std::string stage = std::string("nmf (") + to_string(options.loss) + ")";
  IterationDriver driver(stage, {options.max_iterations, options.tolerance, options.stop_test}, progress,
                         result.objective);
  if (beta == 1.0 && X.is_sparse()) {
    // KL on the stored entries; the denominators are rank one. Two fused passes per
    // iteration (kl_ratio_product): over the rows of X for the objective at (H, W) and the
    // next H step's numerator (X ⊘ V) W, over the rows of Xᵀ for the W step's (X ⊘ V)ᵀ H.
    // The factors are kept transposed (k×n, k×d) so every dot product is contiguous.
    // O(nnz·k + (n+d)·k) per iteration, no n×d intermediate.
    const Csr& Xs = *X.sparse();
    const Csr& Xt = *X.sparse_transpose();
    Dense Ht = H.transpose(), Wt = W.transpose(), ZWt, ZtHt;
    kl_ratio_product(Xs, Ht, Wt, eps, false, ZWt);
    for (int it = 1; it <= options.max_iterations; ++it) {
      const Vector cw = Wt.rowwise().sum().cwiseMax(eps);
      Ht.array() *= ZWt.array().colwise() / cw.array();
      if (options.floor > 0.0) Ht = Ht.cwiseMax(options.floor);
      check_finite(Ht, "H", it, stage);
      kl_ratio_product(Xt, Wt, Ht, eps, false, ZtHt);
      const Vector ch = Ht.rowwise().sum();
      Wt.array() *= ZtHt.array().colwise() / ch.cwiseMax(eps).array();
      if (options.floor > 0.0) Wt = Wt.cwiseMax(options.floor);
      check_finite(Wt, "W", it, stage);
      // D_KL at the new (H, W): stored entries plus Σ_ij v_ij = (1ᵀH)(Wᵀ1); the same pass
      // gives the next iteration's H numerator.
      const double f = kl_ratio_product(Xs, Ht, Wt, eps, true, ZWt) + ch.dot(Wt.rowwise().sum());
      if (!driver.record(it, std::max(f, 0.0))) break;
    }
    H = Ht.transpose();
    W = Wt.transpose();
  } else {
    // Dense rules: H ← H ⊙ [((V^{β−2} ⊙ X) W) ⊘ (V^{β−1} W)]^γ, W likewise. O(n·d·k).
    // The powers of V are formed without pow() where β allows (KL: X ⊘ V and a rank-one
    // denominator; β = 3/2: square roots; IS: reciprocals), pow() being ~20× a division.
    const Dense Xd = dense_for_beta(X, beta, "nmf");
    const double gamma = beta_exponent(beta);
    Dense V, N, D, num, den;
    // N = V^{β−2} ⊙ X and D = V^{β−1} (D left empty for KL: all ones).
    auto powers = [&] {
      N.resize(V.rows(), V.cols());
      if (beta == 1.0)
        D.resize(0, 0);
      else
        D.resize(V.rows(), V.cols());
      for_row_blocks(V.rows(), V.cols(), [&](Index b, Index c) {
        const auto v = V.middleRows(b, c);
        const auto x = Xd.middleRows(b, c);
        auto n = N.middleRows(b, c);
        if (beta == 1.0) {
          n = x.cwiseQuotient(v);
          return;
        }
        auto dd = D.middleRows(b, c);
        if (beta == 2.0) {
          n = x;
          dd = v;
        } else if (beta == 1.5) {
          dd = v.cwiseSqrt();
          n = x.cwiseQuotient(dd);
        } else if (beta == 0.0) {
          dd = v.cwiseInverse();
          n = x.cwiseProduct(dd.cwiseProduct(dd));
        } else {
          n = v.array().pow(beta - 2.0) * x.array();
          dd = v.array().pow(beta - 1.0);
        }
      });
    };
    floored_product(H, W, eps, V);
    for (int it = 1; it <= options.max_iterations; ++it) {
      powers();  // V is that of the current (H, W)
      dense_times(N, W, num);
      if (D.size() == 0) {
        den.resize(H.rows(), k);
        den.rowwise() = W.colwise().sum();
      } else {
        dense_times(D, W, den);
      }
      multiplicative_update(H, num, den, eps, gamma, options.floor);
      check_finite(H, "H", it, stage);
      floored_product(H, W, eps, V);
      powers();
      dense_transpose_times(N, H, num);
      if (D.size() == 0) {
        den.resize(W.rows(), k);
        den.rowwise() = H.colwise().sum();
      } else {
        dense_transpose_times(D, H, den);
      }
      multiplicative_update(W, num, den, eps, gamma, options.floor);
      check_finite(W, "W", it, stage);
      floored_product(H, W, eps, V);  // also the next iteration's V
      if (!driver.record(it, dense_beta_divergence(Xd, V, beta))) break;
    }
  }
  result.status = driver.status();
  result.iterations = driver.iterations();
  result.W = std::move(W);
  result.H = std::move(H);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

double beta_divergence(const DataMatrix& X, const Dense& W, const Dense& H, double beta) {
  require_positive_for(X, beta);
  const double eps = NmfOptions{}.epsilon;
  if (beta == 1.0 && X.is_sparse()) {
    const Dense Ht = H.transpose(), Wt = W.transpose();
    return std::max(
        0.0, kl_stored_entries(*X.sparse(), Ht, Wt, eps, nullptr) + column_sums(H).dot(column_sums(W)));
  }
  const Dense Xd = dense_for_beta(X, beta, "nmf");
  Dense V;
  floored_product(H, W, eps, V);
  return dense_beta_divergence(Xd, V, beta);
}

// ---------------------------------------------------------------- registry entry

namespace {

FitResult fit_nmf_model(const FitInput& input, const OptionValues& v, const Progress& progress) {
  const DataMatrix& X = *input.data;
  NmfOptions o;
  o.rank = resolve_layers(nmf_spec(), v, X.rows(), X.cols(), input.n_clusters).front();
  o.max_iterations = static_cast<int>(v.integer("iter"));
  o.tolerance = v.real("tol");
  o.seed = static_cast<std::uint64_t>(v.integer("seed"));
  o.loss = parse_nmf_loss(v.choice("loss"));
  o.solver = parse_nmf_solver(v.choice("solver"));
  o.beta = v.real("beta");
  if (v.is_set("beta") && o.loss != NmfLoss::beta)
    throw InvalidOption("--beta " + format_option_value(v.value("beta")) + " needs --loss beta");
  const NmfInit init = parse_nmf_init(v.choice("init"));
  NmfResult r;
  if (init == NmfInit::random) {
    r = fit_nmf(X, o, progress);
  } else {
    o.validate(X.rows(), X.cols());
    NmfStart start = nmf_start(X, o.rank, init, o.seed);
    r = fit_nmf(X, o, std::move(start.W), std::move(start.H), progress);
  }
  FitResult out;
  out.status = r.status;
  out.iterations = r.iterations;
  out.objective = std::move(r.objective);
  out.seconds = r.seconds;
  out.representation = r.H;
  out.factors = {{"W", std::move(r.W)}, {"H", std::move(r.H)}};
  out.extras["rank"] = std::int64_t{o.rank};
  out.extras["loss"] = std::string(to_string(o.loss));
  if (o.loss == NmfLoss::beta) out.extras["beta"] = o.beta;
  return out;
}

}  // namespace

ModelSpec nmf_spec() {
  const NmfOptions d;
  ModelSpec s;
  s.name = "nmf";
  s.title = "plain NMF, X ≈ H Wᵀ, by multiplicative updates (Frobenius loss or a β-divergence)";
  s.paper = "Lee & Seung, NIPS 2001; Févotte & Idier, Neural Computation 2011";
  s.section = "docs/models.md §2";
  s.input = InputKind::data;
  OptionSpec rank = integer_option("rank", 0, 1, 2147483647, "factorisation rank r (the width of H)");
  rank.value_name = "R";
  s.options = {
      computed_default(rank, "k, at most min(n, d)"),
      choice_option("loss", "frobenius", {"frobenius", "kl", "is", "beta"},
                    "frobenius ‖X − HWᵀ‖², kl (generalised Kullback–Leibler, sparse-first), is "
                    "(Itakura–Saito) or the β-divergence of --beta"),
      choice_option("solver", "mu", {"mu", "hals"},
                    "mu: Lee–Seung multiplicative updates; hals: exact column-wise coordinate descent "
                    "(Frobenius loss only; same cost per iteration, far fewer iterations)"),
      real_option("beta", d.beta, -std::numeric_limits<double>::infinity(),
                  "β of --loss beta (kl = 1, is = 0, frobenius = 2)"),
      option_iterations(d.max_iterations),
      option_tolerance(d.tolerance),
      option_init("random"),
      option_seed(),
      option_restarts(1),
      option_normalize("none"),
      option_assign("kmeans"),
      option_kmeans_normalize("none"),
      option_kmeans_init()};
  s.default_layers = [](Index n, Index dim, int k) {
    return std::vector<std::int64_t>{std::max<std::int64_t>(1, std::min<std::int64_t>({k, n, dim}))};
  };
  s.fit = fit_nmf_model;
  return s;
}

}  // namespace dnmf
