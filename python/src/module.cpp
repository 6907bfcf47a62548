// The compiled part of the dnmf Python package (_dnmf): the model registry, fits with
// the GIL released, encoders, the kNN graph, metrics and the readers. The estimator
// classes, input checks and conversions from SciPy/NetworkX/igraph live in Python
// (python/dnmf/); this file only moves arrays across and maps errors.
#include <omp.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/memory.hpp"
#include "dnmf/graph/affinity.hpp"
#include "dnmf/graph/knn.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/formats.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/io/model_file.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/metrics/graph_metrics.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/deep_chain.hpp"
#include "dnmf/models/encoder.hpp"
#include "dnmf/models/registry.hpp"

namespace py = pybind11;

namespace {

using dnmf::Csr;
using dnmf::DataMatrix;
using dnmf::Dense;
using dnmf::Index;

// ---------------------------------------------------------------- arrays out

/// A dense matrix handed to NumPy without copying: the array owns the Eigen matrix.
py::array dense_to_numpy(Dense&& matrix) {
  auto* owned = new Dense(std::move(matrix));
  py::capsule holder(owned, [](void* p) { delete static_cast<Dense*>(p); });
  const auto rows = static_cast<py::ssize_t>(owned->rows());
  const auto cols = static_cast<py::ssize_t>(owned->cols());
  const auto item = static_cast<py::ssize_t>(sizeof(double));
  return py::array_t<double>({rows, cols}, {item, item * rows}, owned->data(), holder);
}

template <typename T>
py::array vector_to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule holder(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(owned->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                        owned->data(), holder);
}

/// (n_rows, n_cols, indptr int64, indices int32, data float64): Python builds a
/// scipy.sparse.csr_matrix from it. The arrays are copies (Csr keeps its own).
py::tuple csr_to_python(const Csr& a) {
  return py::make_tuple(a.rows(), a.cols(), vector_to_numpy(std::vector<Csr::Offset>(a.row_ptr())),
                        vector_to_numpy(std::vector<Csr::ColIndex>(a.col_idx())),
                        vector_to_numpy(std::vector<double>(a.values())));
}

// ---------------------------------------------------------------- arrays in

template <typename T>
Dense copy_dense(const py::array& any) {
  const auto array = py::array_t<T>::ensure(any);
  if (!array) throw py::type_error("expected a numeric array");
  if (array.ndim() != 2)
    throw dnmf::InputError("expected a 2-D array, got " + std::to_string(array.ndim()) + "-D");
  const Index rows = array.shape(0), cols = array.shape(1);
  const auto item = static_cast<Index>(sizeof(T));
  if (array.strides(0) % item != 0 || array.strides(1) % item != 0)
    throw dnmf::InputError("the array's strides are not multiples of its item size");
  using Map = Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>, 0,
                         Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>>;
  const Map view(
      array.data(), rows, cols,
      Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>(array.strides(1) / item, array.strides(0) / item));
  if constexpr (std::is_same_v<T, double>)
    return Dense(view);
  else
    return view.template cast<double>();
}

/// A 2-D float32/float64 array (any memory order) as the library's column-major matrix: one copy.
Dense dense_from_numpy(const py::array& array) {
  if (py::isinstance<py::array_t<float>>(array)) return copy_dense<float>(array);
  return copy_dense<double>(array);
}

template <typename Out, typename In>
std::vector<Out> copy_vector(const py::array& any) {
  const auto array = py::array_t<In, py::array::c_style | py::array::forcecast>::ensure(any);
  if (!array || array.ndim() != 1) throw dnmf::InputError("expected a 1-D index or value array");
  const In* p = array.data();
  return std::vector<Out>(p, p + array.shape(0));
}

template <typename Out>
std::vector<Out> copy_ints(const py::array& array) {
  if (py::isinstance<py::array_t<std::int32_t>>(array)) return copy_vector<Out, std::int32_t>(array);
  return copy_vector<Out, std::int64_t>(array);
}

/// scipy.sparse CSR parts (canonical: sorted, no duplicates) as the library's Csr. The
/// Csr owns std::vectors, so this is one copy of the three arrays; it validates them.
Csr csr_from_python(Index rows, Index cols, const py::array& indptr, const py::array& indices,
                    const py::array& data) {
  if (cols > std::numeric_limits<Csr::ColIndex>::max())
    throw dnmf::InputError("sparse input has " + std::to_string(cols) +
                           " columns; at most 2^31 - 1 are supported");
  auto row_ptr = copy_ints<Csr::Offset>(indptr);
  std::vector<Csr::ColIndex> col_idx;
  if (py::isinstance<py::array_t<std::int32_t>>(indices)) {
    col_idx = copy_vector<Csr::ColIndex, std::int32_t>(indices);
  } else {
    // 64-bit indices (SciPy's choice for large matrices) narrowed while copying.
    const auto wide = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(indices);
    if (!wide || wide.ndim() != 1) throw dnmf::InputError("expected a 1-D index array");
    col_idx.reserve(static_cast<size_t>(wide.shape(0)));
    for (py::ssize_t e = 0; e < wide.shape(0); ++e) {
      const std::int64_t c = wide.data()[e];
      if (c < 0 || c >= cols)
        throw dnmf::InputError("sparse input: column index " + std::to_string(c) + " out of range");
      col_idx.push_back(static_cast<Csr::ColIndex>(c));
    }
  }
  std::vector<double> values = py::isinstance<py::array_t<float>>(data) ? copy_vector<double, float>(data)
                                                                        : copy_vector<double, double>(data);
  return Csr(rows, cols, std::move(row_ptr), std::move(col_idx), std::move(values));
}

/// The data argument prepared by Python: a 2-D ndarray, or the tuple
/// ("csr", n_rows, n_cols, indptr, indices, data).
DataMatrix data_from_python(const py::object& x) {
  if (py::isinstance<py::tuple>(x)) {
    const auto t = x.cast<py::tuple>();
    return DataMatrix(csr_from_python(t[1].cast<Index>(), t[2].cast<Index>(), t[3].cast<py::array>(),
                                      t[4].cast<py::array>(), t[5].cast<py::array>()));
  }
  return DataMatrix(dense_from_numpy(x.cast<py::array>()));
}

Csr graph_from_python(const py::tuple& t) {
  return csr_from_python(t[1].cast<Index>(), t[2].cast<Index>(), t[3].cast<py::array>(),
                         t[4].cast<py::array>(), t[5].cast<py::array>());
}

std::vector<int> labels_from_python(const py::array& any) {
  const auto array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(any);
  if (!array || array.ndim() != 1) throw dnmf::InputError("labels must be a 1-D integer array");
  std::vector<int> out(static_cast<size_t>(array.shape(0)));
  for (py::ssize_t i = 0; i < array.shape(0); ++i) {
    const auto v = array.data()[i];
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
      throw dnmf::InputError("label " + std::to_string(v) + " does not fit a 32-bit integer");
    out[static_cast<size_t>(i)] = static_cast<int>(v);
  }
  return out;
}

// ---------------------------------------------------------------- options

py::object option_to_python(const dnmf::OptionValue& value) {
  struct Visitor {
    py::object operator()(std::monostate) const { return py::none(); }
    py::object operator()(bool b) const { return py::bool_(b); }
    py::object operator()(std::int64_t i) const { return py::int_(i); }
    py::object operator()(double d) const { return py::float_(d); }
    py::object operator()(const std::string& s) const { return py::str(s); }
    py::object operator()(const std::vector<std::int64_t>& l) const { return py::cast(l); }
    py::object operator()(const std::vector<double>& l) const { return py::cast(l); }
  };
  return std::visit(Visitor{}, value);
}

const char* type_name(dnmf::OptionType type) {
  switch (type) {
    case dnmf::OptionType::flag:
      return "flag";
    case dnmf::OptionType::integer:
      return "integer";
    case dnmf::OptionType::real:
      return "real";
    case dnmf::OptionType::choice:
      return "choice";
    case dnmf::OptionType::integer_list:
      return "integer_list";
    case dnmf::OptionType::real_list:
      return "real_list";
  }
  return "unknown";
}

/// A Python value (already checked for its type by dnmf/_options.py) as the option's
/// value; strings go through the CLI's parser so lists may be given as "8,4".
void set_option(dnmf::OptionValues& values, const dnmf::OptionSpec& spec, const py::handle& value) {
  using dnmf::OptionType;
  if (value.is_none()) return;
  if (py::isinstance<py::str>(value) && spec.type != OptionType::choice) {
    values.parse(spec.name, value.cast<std::string>());
    return;
  }
  switch (spec.type) {
    case OptionType::flag:
      values.set(spec.name, value.cast<bool>());
      return;
    case OptionType::integer:
      values.set(spec.name, value.cast<std::int64_t>());
      return;
    case OptionType::real:
      values.set(spec.name, value.cast<double>());
      return;
    case OptionType::choice:
      values.set(spec.name, value.cast<std::string>());
      return;
    case OptionType::integer_list:
      values.set(spec.name, value.cast<std::vector<std::int64_t>>());
      return;
    case OptionType::real_list:
      values.set(spec.name, value.cast<std::vector<double>>());
      return;
  }
}

/// The model's values with the given options set (keys are registry names, "lambda-att").
dnmf::OptionValues option_values(const dnmf::ModelSpec& spec, const py::dict& options) {
  dnmf::OptionValues values = spec.defaults();
  for (const auto& [key, value] : options) {
    const auto name = key.cast<std::string>();
    const dnmf::OptionSpec* option = values.find(name);
    if (!option) throw dnmf::InvalidOption("unknown option --" + name + " of " + spec.name);
    set_option(values, *option, value);
  }
  return values;
}

py::list registry_to_python() {
  py::list models;
  for (const auto& spec : dnmf::model_registry()) {
    py::list options;
    for (const auto& o : spec.options) {
      py::dict d;
      d["name"] = o.name;
      d["type"] = type_name(o.type);
      d["default"] = option_to_python(o.default_value);
      d["default_text"] = dnmf::describe_default(o);
      d["min"] = o.min;
      d["max"] = o.max;
      d["min_exclusive"] = o.min_exclusive;
      d["choices"] = o.choices;
      d["help"] = o.help;
      options.append(d);
    }
    py::dict m;
    m["name"] = spec.name;
    m["title"] = spec.title;
    m["paper"] = spec.paper;
    m["section"] = spec.section;
    m["input"] = spec.input == dnmf::InputKind::graph ? "graph" : "data";
    m["encoder"] = spec.encoder;
    m["options"] = options;
    models.append(m);
  }
  return models;
}

// ---------------------------------------------------------------- progress and signals

/// The fit's progress callback. The fit runs without the GIL; every `interval` seconds
/// (and at each new stage) this takes the GIL, runs pending signal handlers (Ctrl-C) and
/// the Python callback. A raised exception or a False return stops the fit; the
/// exception is kept and raised again once the fit has returned.
class ProgressBridge {
 public:
  ProgressBridge(py::object callback, double interval)
      : callback_(std::move(callback)), interval_(interval) {}
  ~ProgressBridge() {
    // Only reached without the error having been restored when the fit itself threw.
    if (type_ || value_ || trace_) {
      py::gil_scoped_acquire gil;
      Py_XDECREF(type_);
      Py_XDECREF(value_);
      Py_XDECREF(trace_);
    }
  }
  ProgressBridge(const ProgressBridge&) = delete;
  ProgressBridge& operator=(const ProgressBridge&) = delete;

  dnmf::Progress progress() {
    return [this](const dnmf::IterationInfo& info) { return on_iteration(info); };
  }

  /// The objective after each iteration, per stage, in the order the stages ran.
  std::vector<std::pair<std::string, std::vector<double>>>& traces() { return traces_; }

  /// With the GIL held: raises the exception that stopped the fit, if any.
  void raise_pending() {
    if (!type_) return;
    PyErr_Restore(type_, value_, trace_);
    type_ = value_ = trace_ = nullptr;
    throw py::error_already_set();
  }

 private:
  bool on_iteration(const dnmf::IterationInfo& info) {
    // Once stopped, every later stage (the next pre-training layer, fine-tuning) stops
    // at its first iteration too.
    if (stopped_) return false;
    // Every stage's objective trace (pre-training layers, fine-tuning) for plots: the
    // fit result keeps only the main loop's.
    if (traces_.empty() || traces_.back().first != info.stage)
      traces_.emplace_back(info.stage, std::vector<double>{});
    traces_.back().second.push_back(info.objective);
    const auto now = std::chrono::steady_clock::now();
    const bool new_stage = info.stage != last_stage_;
    const bool last = info.iteration >= info.max_iterations;
    if (!new_stage && !last && std::chrono::duration<double>(now - last_check_).count() < interval_)
      return true;
    last_check_ = now;
    last_stage_ = info.stage;
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {
      PyErr_Fetch(&type_, &value_, &trace_);
      stopped_ = true;
      return false;
    }
    if (callback_.is_none()) return true;
    try {
      py::dict d;
      d["stage"] = info.stage;
      d["iteration"] = info.iteration;
      d["max_iterations"] = info.max_iterations;
      d["objective"] = info.objective;
      d["elapsed_seconds"] = info.elapsed_seconds;
      d["job_done"] = info.job_done;
      const py::object answer = callback_(d);
      stopped_ = !(answer.is_none() || PyObject_IsTrue(answer.ptr()) == 1);
    } catch (py::error_already_set& e) {
      e.restore();
      PyErr_Fetch(&type_, &value_, &trace_);
      stopped_ = true;
    }
    return !stopped_;
  }

  py::object callback_;
  double interval_;
  std::chrono::steady_clock::time_point last_check_ = std::chrono::steady_clock::now();
  std::string last_stage_;
  bool stopped_ = false;
  PyObject* type_ = nullptr;
  PyObject* value_ = nullptr;
  PyObject* trace_ = nullptr;
  std::vector<std::pair<std::string, std::vector<double>>> traces_;
};

/// Sets the OpenMP thread count of the calling thread for one call and restores it.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : previous_(omp_get_max_threads()) {
    if (threads > 0) omp_set_num_threads(threads);
  }
  ~ThreadScope() { omp_set_num_threads(previous_); }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;

 private:
  int previous_;
};

// ---------------------------------------------------------------- fits

py::object extra_to_python(const dnmf::ExtraValue& value) {
  return std::visit([](const auto& v) -> py::object { return py::cast(v); }, value);
}

py::dict result_to_python(dnmf::FitResult&& fit, dnmf::Assignment&& assignment,
                          std::vector<std::string> warnings) {
  py::dict d;
  d["model"] = fit.model;
  d["status"] = dnmf::to_string(fit.status);
  d["iterations"] = fit.iterations;
  d["objective"] = vector_to_numpy(std::move(fit.objective));
  d["seconds"] = fit.seconds;
  d["representation"] = dense_to_numpy(std::move(fit.representation));
  py::list factors;
  for (auto& f : fit.factors) factors.append(py::make_tuple(f.name, dense_to_numpy(std::move(f.value))));
  d["factors"] = factors;
  py::dict extras;
  for (const auto& [key, value] : fit.extras) extras[py::str(key)] = extra_to_python(value);
  d["extras"] = extras;
  d["restarts"] = fit.restarts;
  d["best_restart"] = fit.best_restart;
  d["restart_objectives"] = fit.restart_objectives;
  d["encoder"] = fit.encoder ? py::cast(std::move(*fit.encoder)) : py::none();
  std::vector<std::int64_t> labels(assignment.labels.begin(), assignment.labels.end());
  d["labels"] = vector_to_numpy(std::move(labels));
  d["argmax"] = assignment.argmax;
  d["l1_rows"] = assignment.l1_rows;
  d["centroids"] = dense_to_numpy(std::move(assignment.centroids));
  d["inertia"] = assignment.inertia;
  d["warnings"] = warnings;
  return d;
}

/// Fits a registered model as `dnmf cluster` / `dnmf graph cluster` do, then assigns labels.
py::dict fit(const std::string& name, const py::object& input, const py::dict& options, int n_clusters,
             bool directed, int threads, const py::object& callback, double interval) {
  const dnmf::ModelSpec& spec = dnmf::find_model(name);
  dnmf::OptionValues values = option_values(spec, options);
  if (n_clusters < 1)
    throw dnmf::InvalidOption("n_clusters = " + std::to_string(n_clusters) + " must be >= 1");
  std::optional<DataMatrix> data;
  std::optional<Csr> graph;
  dnmf::FitInput fit_input;
  fit_input.n_clusters = n_clusters;
  fit_input.directed = directed;
  std::vector<std::string> warnings;
  if (spec.input == dnmf::InputKind::data) {
    data.emplace(data_from_python(input));
    if (n_clusters > data->rows())
      throw dnmf::InvalidOption("n_clusters = " + std::to_string(n_clusters) +
                                " exceeds the number of samples n_samples = " + std::to_string(data->rows()));
    fit_input.data = &*data;
  } else {
    if (spec.check)
      for (auto& w : spec.check(fit_input, values)) warnings.push_back(std::move(w));
    graph.emplace(graph_from_python(input.cast<py::tuple>()));
    if (graph->rows() != graph->cols())
      throw dnmf::InputError("the adjacency matrix must be square, got " + std::to_string(graph->rows()) +
                             " x " + std::to_string(graph->cols()));
    if (graph->rows() == 0) throw dnmf::InputError("the graph is empty (no nodes)");
    if (n_clusters > graph->rows())
      throw dnmf::InvalidOption("n_clusters = " + std::to_string(n_clusters) +
                                " exceeds the number of nodes n = " + std::to_string(graph->rows()));
    fit_input.graph = &*graph;
  }
  ProgressBridge bridge(callback, interval);
  std::optional<dnmf::FitResult> result;
  dnmf::Assignment assignment;
  Dense train_transform;
  {
    py::gil_scoped_release release;
    ThreadScope thread_scope(threads);
    if (data) {
      fit_input.scaling = dnmf::apply_normalization(spec, values, *data);
      fit_input.scaled = true;
      data->require_nonnegative("X: " + spec.name);
      if (spec.check)
        for (auto& w : spec.check(fit_input, values)) warnings.push_back(std::move(w));
    }
    result.emplace(dnmf::fit_model(spec, fit_input, values, bridge.progress()));
    if (result->status != dnmf::Status::stopped_by_callback)
      assignment = dnmf::assign_labels(*result, values, n_clusters, graph ? &*graph : nullptr);
    // The training samples in the encoder's space (X was scaled in place by the fit):
    // what Encoder::transform gives for them, for predict's reference points.
    if (data && result->encoder && !result->encoder->W.empty())
      data->times(dnmf::chain_product(result->encoder->W), train_transform);
  }
  bridge.raise_pending();
  // A Ctrl-C during the steps without progress reports (k-means) is raised here, before
  // Python sees a result.
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  if (result->status == dnmf::Status::stopped_by_callback)
    assignment = dnmf::assign_labels(*result, values, n_clusters, graph ? &*graph : nullptr);
  if (const auto it = result->extras.find("graph_components"); it != result->extras.end())
    if (std::get<std::int64_t>(it->second) > 1)
      warnings.push_back("the kNN graph has " + std::to_string(std::get<std::int64_t>(it->second)) +
                         " connected components; consider a larger neighbors (-p)");
  py::dict out = result_to_python(std::move(*result), std::move(assignment), std::move(warnings));
  py::list stages;
  for (auto& [stage, trace] : bridge.traces())
    stages.append(py::make_tuple(stage, vector_to_numpy(std::move(trace))));
  out["stages"] = stages;
  out["train_transform"] =
      train_transform.size() ? py::object(dense_to_numpy(std::move(train_transform))) : py::none();
  return out;
}

py::array encoder_transform(const dnmf::Encoder& encoder, const py::object& x, int threads) {
  DataMatrix data = data_from_python(x);
  Dense out;
  {
    py::gil_scoped_release release;
    ThreadScope thread_scope(threads);
    out = encoder.transform(data);
  }
  return dense_to_numpy(std::move(out));
}

// ---------------------------------------------------------------- functions

py::tuple knn_graph(const py::object& x, int p, const std::string& weights, double sigma,
                    int self_tuning_neighbor, const std::string& symmetrize, const std::string& method,
                    int threads) {
  const DataMatrix data = data_from_python(x);
  dnmf::AffinityOptions options;
  options.n_neighbors = p;
  options.weights = dnmf::parse_affinity_weights(weights);
  options.sigma = sigma;
  options.self_tuning_neighbor = self_tuning_neighbor;
  options.symmetrize = dnmf::parse_symmetrization(symmetrize);
  options.method = dnmf::parse_knn_method(method);
  if (p < 0)
    throw dnmf::InvalidOption("p = " + std::to_string(p) + " must be >= 1 (or 0 for floor(ln n) + 1)");
  if (sigma < 0) throw dnmf::InvalidOption("sigma must be > 0 (or 0 for the mean squared kNN distance)");
  Csr graph;
  {
    py::gil_scoped_release release;
    ThreadScope thread_scope(threads);
    data.require_finite_scale("X");
    dnmf::KnnOptions ko;
    ko.n_neighbors = options.resolved_neighbors(data.rows());
    ko.method = options.method;
    ko.validate(data.rows());
    graph = dnmf::affinity_from_knn(dnmf::knn(data, ko), options);
  }
  return csr_to_python(graph);
}

py::object read_matrix_market(const std::string& path) {
  auto any = dnmf::io::read_matrix_market_any(path);
  if (auto* dense = std::get_if<Dense>(&any)) return dense_to_numpy(std::move(*dense));
  return csr_to_python(std::get<Csr>(any));
}

/// (adjacency parts, node names): names is empty for files with integer ids.
py::tuple read_edge_list(const std::string& path, bool directed, bool one_based, Index num_nodes,
                         bool keep_self_loops, int named, int header) {
  dnmf::io::EdgeListOptions options;
  options.directed = directed;
  options.one_based = one_based;
  options.num_nodes = num_nodes;
  options.keep_self_loops = keep_self_loops;
  options.named = named;
  options.header = header;
  std::vector<std::string> names;
  const Csr graph = dnmf::io::read_edge_list(path, options, &names);
  return py::make_tuple(csr_to_python(graph), names);
}

/// A data file in any format the CLI reads (Matrix Market, CSV/TSV, libsvm, .npy), as
/// `dnmf cluster DATA --storage S --format F` loads it: an ndarray or CSR parts.
py::object read_data(const std::string& path, const std::string& storage, const std::string& format) {
  dnmf::io::DataReadOptions options;
  options.storage = dnmf::io::parse_storage(storage);
  options.format = dnmf::io::parse_data_format(format);
  DataMatrix data = dnmf::io::read_data(path, options);
  if (const Csr* sparse = data.sparse()) return csr_to_python(*sparse);
  return dense_to_numpy(Dense(*data.dense()));
}

}  // namespace

PYBIND11_MODULE(_dnmf, m) {
  m.doc() = "Compiled core of the dnmf package (use the classes and functions of `dnmf`).";

  // Library errors carry the CLI's messages; they surface as ValueError, allocation
  // failures as MemoryError (pybind11 maps std::bad_alloc itself).
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const dnmf::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  py::class_<dnmf::Encoder>(m, "Encoder", "The encoder of a fitted model: h = scale(x) W1...Wl.")
      .def_property_readonly("model", [](const dnmf::Encoder& e) { return e.model; })
      .def_property_readonly("n_features", &dnmf::Encoder::features)
      .def_property_readonly("rank", &dnmf::Encoder::rank)
      .def_property_readonly(
          "normalization", [](const dnmf::Encoder& e) { return std::string(dnmf::to_string(e.scaling.how)); })
      .def_property_readonly("W",
                             [](const dnmf::Encoder& e) {
                               py::list out;
                               for (const auto& w : e.W) out.append(dense_to_numpy(Dense(w)));
                               return out;
                             })
      .def("transform", &encoder_transform, py::arg("X"), py::arg("threads") = 0)
      .def("save", [](const dnmf::Encoder& e, const std::string& path) { dnmf::io::save_model(path, e); })
      .def_static("load", [](const std::string& path) { return dnmf::io::load_model(path); })
      .def(py::pickle(
          [](const dnmf::Encoder& e) {
            py::list w;
            for (const auto& f : e.W) w.append(dense_to_numpy(Dense(f)));
            return py::make_tuple(e.model, std::string(dnmf::to_string(e.scaling.how)), e.scaling.divisor,
                                  dense_to_numpy(Dense(e.scaling.shift)),
                                  dense_to_numpy(Dense(e.scaling.range)), w);
          },
          [](const py::tuple& state) {
            if (state.size() != 6) throw py::value_error("not a pickled dnmf Encoder");
            dnmf::Encoder e;
            e.model = state[0].cast<std::string>();
            e.scaling.how = dnmf::parse_normalization(state[1].cast<std::string>());
            e.scaling.divisor = state[2].cast<double>();
            e.scaling.shift = dense_from_numpy(state[3].cast<py::array>()).col(0);
            e.scaling.range = dense_from_numpy(state[4].cast<py::array>()).col(0);
            for (const auto& w : state[5].cast<py::list>())
              e.W.push_back(dense_from_numpy(w.cast<py::array>()));
            return e;
          }));

  m.def("models", &registry_to_python, "The registered models and their option tables.");
  m.def("fit", &fit, py::arg("model"), py::arg("input"), py::arg("options"), py::arg("n_clusters"),
        py::arg("directed") = false, py::arg("threads") = 0, py::arg("callback") = py::none(),
        py::arg("interval") = 0.05);
  m.def("knn_graph", &knn_graph, py::arg("X"), py::arg("p") = 0, py::arg("weights") = "heat",
        py::arg("sigma") = 0.0, py::arg("self_tuning_neighbor") = 7, py::arg("symmetrize") = "max",
        py::arg("method") = "auto", py::arg("threads") = 0);
  m.def("nmi", [](const py::array& t, const py::array& p) {
    return dnmf::nmi(labels_from_python(t), labels_from_python(p));
  });
  m.def("acc", [](const py::array& t, const py::array& p) {
    return dnmf::acc(labels_from_python(t), labels_from_python(p));
  });
  m.def("ari", [](const py::array& t, const py::array& p) {
    return dnmf::ari(labels_from_python(t), labels_from_python(p));
  });
  m.def("purity", [](const py::array& t, const py::array& p) {
    return dnmf::purity(labels_from_python(t), labels_from_python(p));
  });
  m.def("evaluate", [](const py::array& t, const py::array& p) {
    const auto e = dnmf::evaluate(labels_from_python(t), labels_from_python(p));
    py::dict d;
    d["acc"] = e.acc;
    d["nmi"] = e.nmi;
    d["ari"] = e.ari;
    d["purity"] = e.purity;
    return d;
  });
  m.def("modularity", [](const py::tuple& graph, const py::array& labels) {
    return dnmf::modularity(graph_from_python(graph), labels_from_python(labels));
  });
  m.def("mean_conductance", [](const py::tuple& graph, const py::array& labels) {
    return dnmf::mean_conductance(graph_from_python(graph), labels_from_python(labels));
  });
  m.def("cluster_conductance", [](const py::tuple& graph, const py::array& labels) {
    return dnmf::cluster_conductance(graph_from_python(graph), labels_from_python(labels));
  });
  m.def("read_matrix_market", &read_matrix_market, py::arg("path"));
  m.def("read_edge_list", &read_edge_list, py::arg("path"), py::arg("directed") = false,
        py::arg("one_based") = false, py::arg("num_nodes") = -1, py::arg("keep_self_loops") = false,
        py::arg("named") = -1, py::arg("header") = -1);
  m.def("read_data", &read_data, py::arg("path"), py::arg("storage") = "auto", py::arg("format") = "auto");
  m.def(
      "set_memory_budget",
      [](const py::object& size) {
        if (size.is_none())
          dnmf::set_memory_budget(0);
        else if (py::isinstance<py::str>(size))
          dnmf::set_memory_budget(dnmf::parse_memory_size(size.cast<std::string>(), "max_memory"));
        else
          dnmf::set_memory_budget(size.cast<std::uint64_t>());
      },
      py::arg("size"));
  m.def("memory_budget", &dnmf::memory_budget);
}
