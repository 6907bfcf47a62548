#include "dnmf/models/options.hpp"

#include <charconv>
#include <cmath>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

std::string number_text(double v) {
  char buffer[32];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, ptr);
}

std::string range_text(const OptionSpec& spec) {
  const bool lo = std::isfinite(spec.min), hi = std::isfinite(spec.max);
  const std::string name = spec.name;
  if (lo && hi)
    return number_text(spec.min) + (spec.min_exclusive ? " < " : " <= ") + name +
           " <= " + number_text(spec.max);
  if (lo) return name + (spec.min_exclusive ? " > " : " >= ") + number_text(spec.min);
  if (hi) return name + " <= " + number_text(spec.max);
  return "";
}

bool in_range(const OptionSpec& spec, double v) {
  if (spec.min_exclusive ? !(v > spec.min) : !(v >= spec.min)) return false;
  return v <= spec.max;
}

[[noreturn]] void out_of_range(const OptionSpec& spec, const std::string& text) {
  throw InvalidOption(option_flag(spec) + " = " + text + " must satisfy " + range_text(spec));
}

bool parse_integer(std::string_view text, std::int64_t& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

bool parse_real(std::string_view text, double& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty() && std::isfinite(out);
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> items;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    items.push_back(
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

const char* type_name(OptionType t) {
  switch (t) {
    case OptionType::flag:
      return "true or false";
    case OptionType::integer:
      return "an integer";
    case OptionType::real:
      return "a finite number";
    case OptionType::choice:
      return "one of the choices";
    case OptionType::integer_list:
      return "integers separated by commas";
    case OptionType::real_list:
      return "numbers separated by commas";
  }
  return "a value";
}

}  // namespace

std::string option_flag(const OptionSpec& spec) {
  return "--" + spec.name;
}

OptionValue parse_option_value(const OptionSpec& spec, std::string_view text) {
  const std::string flag = option_flag(spec), shown(text);
  switch (spec.type) {
    case OptionType::flag:
      if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
      if (text == "false" || text == "0" || text == "no" || text == "off") return false;
      throw InvalidOption(flag + " expects true or false, got '" + shown + "'");
    case OptionType::integer: {
      std::int64_t v = 0;
      if (!parse_integer(text, v)) throw InvalidOption(flag + " expects an integer, got '" + shown + "'");
      if (!in_range(spec, static_cast<double>(v))) out_of_range(spec, shown);
      return v;
    }
    case OptionType::real: {
      double v = 0;
      if (!parse_real(text, v)) throw InvalidOption(flag + " expects a finite number, got '" + shown + "'");
      if (!in_range(spec, v)) out_of_range(spec, shown);
      return v;
    }
    case OptionType::choice:
      for (const auto& c : spec.choices)
        if (c == text) return c;
      {
        std::string list;
        for (const auto& c : spec.choices) list += (list.empty() ? "" : ", ") + c;
        throw InvalidOption(flag + " must be one of " + list + " (got '" + shown + "')");
      }
    case OptionType::integer_list: {
      std::vector<std::int64_t> out;
      for (std::string_view item : split_commas(text)) {
        std::int64_t v = 0;
        if (!parse_integer(item, v) || !in_range(spec, static_cast<double>(v)))
          throw InvalidOption(flag + " expects integers" +
                              (std::isfinite(spec.min) ? " >= " + number_text(spec.min) : std::string()) +
                              " separated by commas, e.g. 120,100,80 (got '" + shown + "')");
        out.push_back(v);
      }
      return out;
    }
    case OptionType::real_list: {
      std::vector<double> out;
      for (std::string_view item : split_commas(text)) {
        double v = 0;
        if (!parse_real(item, v) || !in_range(spec, v))
          throw InvalidOption(flag + " expects finite numbers" +
                              (std::isfinite(spec.min) ? " >= " + number_text(spec.min) : std::string()) +
                              " separated by commas, e.g. 10,5,0.1 (got '" + shown + "')");
        out.push_back(v);
      }
      return out;
    }
  }
  throw InvalidOption(flag + ": unsupported option type");
}

void validate_option_value(const OptionSpec& spec, const OptionValue& value) {
  const std::string flag = option_flag(spec);
  const auto wrong_type = [&]() { return InvalidOption(flag + " expects " + type_name(spec.type)); };
  switch (spec.type) {
    case OptionType::flag:
      if (!std::holds_alternative<bool>(value)) throw wrong_type();
      return;
    case OptionType::integer: {
      const auto* v = std::get_if<std::int64_t>(&value);
      if (!v) throw wrong_type();
      if (!in_range(spec, static_cast<double>(*v))) out_of_range(spec, std::to_string(*v));
      return;
    }
    case OptionType::real: {
      const auto* v = std::get_if<double>(&value);
      if (!v) throw wrong_type();
      if (!std::isfinite(*v)) throw InvalidOption(flag + " must be finite");
      if (!in_range(spec, *v)) out_of_range(spec, number_text(*v));
      return;
    }
    case OptionType::choice: {
      const auto* v = std::get_if<std::string>(&value);
      if (!v) throw wrong_type();
      parse_option_value(spec, *v);  // checks membership with the message listing the choices
      return;
    }
    case OptionType::integer_list: {
      const auto* v = std::get_if<std::vector<std::int64_t>>(&value);
      if (!v || v->empty()) throw InvalidOption(flag + " expects at least one integer");
      for (std::int64_t x : *v)
        if (!in_range(spec, static_cast<double>(x))) out_of_range(spec, std::to_string(x));
      return;
    }
    case OptionType::real_list: {
      const auto* v = std::get_if<std::vector<double>>(&value);
      if (!v || v->empty()) throw InvalidOption(flag + " expects at least one number");
      for (double x : *v)
        if (!std::isfinite(x) || !in_range(spec, x)) out_of_range(spec, number_text(x));
      return;
    }
  }
}

std::string format_option_value(const OptionValue& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return number_text(v); }
    std::string operator()(const std::string& v) const { return v; }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      std::string out;
      for (auto x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
      return out;
    }
    std::string operator()(const std::vector<double>& v) const {
      std::string out;
      for (auto x : v) out += (out.empty() ? "" : ",") + number_text(x);
      return out;
    }
  };
  return std::visit(Visitor{}, value);
}

std::string describe_default(const OptionSpec& spec) {
  if (!std::holds_alternative<std::monostate>(spec.default_value))
    return format_option_value(spec.default_value);
  return spec.default_text.empty() ? "none" : spec.default_text;
}

// ---------------------------------------------------------------- OptionValues

OptionValues::OptionValues(std::vector<OptionSpec> specs)
    : specs_(std::move(specs)), values_(specs_.size()), set_(specs_.size(), false) {
  for (size_t i = 0; i < specs_.size(); ++i) values_[i] = specs_[i].default_value;
}

const OptionSpec* OptionValues::find(std::string_view name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

size_t OptionValues::index(std::string_view name) const {
  for (size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].name == name) return i;
  throw InvalidOption("unknown option --" + std::string(name));
}

void OptionValues::set(std::string_view name, OptionValue value) {
  const size_t i = index(name);
  validate_option_value(specs_[i], value);
  values_[i] = std::move(value);
  set_[i] = true;
}

void OptionValues::parse(std::string_view name, std::string_view text) {
  const size_t i = index(name);
  set(name, parse_option_value(specs_[i], text));
}

bool OptionValues::is_set(std::string_view name) const {
  for (size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].name == name) return set_[i];
  return false;
}

bool OptionValues::has_value(std::string_view name) const {
  for (size_t i = 0; i < specs_.size(); ++i)
    if (specs_[i].name == name) return !std::holds_alternative<std::monostate>(values_[i]);
  return false;
}

const OptionValue& OptionValues::value(std::string_view name) const {
  return values_[index(name)];
}

namespace {
template <class T>
const T& typed(const OptionValue& v, std::string_view name) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  throw InvalidOption("option --" + std::string(name) + " has no value here");
}
}  // namespace

bool OptionValues::flag(std::string_view name) const {
  return typed<bool>(value(name), name);
}
std::int64_t OptionValues::integer(std::string_view name) const {
  return typed<std::int64_t>(value(name), name);
}
double OptionValues::real(std::string_view name) const {
  return typed<double>(value(name), name);
}
const std::string& OptionValues::choice(std::string_view name) const {
  return typed<std::string>(value(name), name);
}
std::vector<std::int64_t> OptionValues::integers(std::string_view name) const {
  return typed<std::vector<std::int64_t>>(value(name), name);
}
std::vector<double> OptionValues::reals(std::string_view name) const {
  return typed<std::vector<double>>(value(name), name);
}

// ---------------------------------------------------------------- building specs

OptionSpec real_option(const std::string& name, double default_value, double min, const std::string& help,
                       bool min_exclusive, double max) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::real;
  s.default_value = default_value;
  s.min = min;
  s.max = max;
  s.min_exclusive = min_exclusive;
  s.help = help;
  s.value_name = "X";
  return s;
}

OptionSpec integer_option(const std::string& name, std::int64_t default_value, double min, double max,
                          const std::string& help) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::integer;
  s.default_value = default_value;
  s.min = min;
  s.max = max;
  s.help = help;
  s.value_name = "N";
  return s;
}

OptionSpec choice_option(const std::string& name, const std::string& default_value,
                         std::vector<std::string> choices, const std::string& help) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::choice;
  s.default_value = default_value;
  s.choices = std::move(choices);
  s.help = help;
  s.value_name = "HOW";
  return s;
}

OptionSpec flag_option(const std::string& name, bool default_value, const std::string& help) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::flag;
  s.default_value = default_value;
  s.help = help;
  return s;
}

OptionSpec computed_default(OptionSpec spec, const std::string& rule) {
  spec.default_value = std::monostate{};
  spec.default_text = rule;
  return spec;
}

// ---------------------------------------------------------------- shared specs

OptionSpec option_iterations(std::int64_t default_value) {
  OptionSpec s;
  s.name = "iter";
  s.type = OptionType::integer;
  s.default_value = default_value;
  s.min = 1;
  s.max = 100000000;
  s.help = "iterations of the main loop (fine-tuning sweeps of the deep models)";
  s.value_name = "N";
  return s;
}

OptionSpec option_tolerance(double default_value) {
  OptionSpec s;
  s.name = "tol";
  s.type = OptionType::real;
  s.default_value = default_value;
  s.min = 0;
  s.help =
      "stop once an iteration decreases the objective by at most tol times the decrease since the first "
      "iteration (0 = run all iterations)";
  s.value_name = "T";
  return s;
}

OptionSpec option_seed() {
  OptionSpec s;
  s.name = "seed";
  s.type = OptionType::integer;
  s.default_value = std::int64_t{0};
  s.min = 0;
  s.max = 9007199254740992.0;  // 2^53: every seed round-trips through a double (JSON, Python)
  s.help = "random seed of the initialisation and of k-means";
  s.value_name = "S";
  return s;
}

OptionSpec option_init(const std::string& default_value) {
  return choice_option("init", default_value, {"random", "nndsvd", "nndsvda", "nndsvdar"},
                       "starting factors: seeded uniform random, or NNDSVD from a truncated SVD (a: zeros "
                       "filled with the mean, ar: with small random values)");
}

OptionSpec option_restarts(std::int64_t default_value) {
  OptionSpec s;
  s.name = "restarts";
  s.type = OptionType::integer;
  s.default_value = default_value;
  s.min = 1;
  s.max = 100000;
  s.help = "fits from R seeds (derived from --seed); the lowest final objective is kept (never labels)";
  s.value_name = "R";
  return s;
}

OptionSpec option_layers(const std::string& default_text, const std::string& help) {
  OptionSpec s;
  s.name = "layers";
  s.type = OptionType::integer_list;
  s.default_text = default_text;
  s.min = 1;
  s.max = 1 << 20;
  s.help = help;
  s.value_name = "R1,R2,...";
  return s;
}

OptionSpec option_pretrain_iterations(std::int64_t default_value) {
  OptionSpec s;
  s.name = "pretrain-iter";
  s.type = OptionType::integer;
  s.default_value = default_value;
  s.min = 0;
  s.max = 100000000;
  s.help =
      "iterations of each pre-training stage: per layer, or of dasnmf's shallow start (0 = fine-tune "
      "from the random start)";
  s.value_name = "N";
  return s;
}

OptionSpec option_pretrain_tolerance(double default_value) {
  OptionSpec s;
  s.name = "pretrain-tol";
  s.type = OptionType::real;
  s.default_value = default_value;
  s.min = 0;
  s.help =
      "end a layer's pre-training once an iteration decreases its objective by at most this fraction of "
      "the previous value (the references' rule; 0 = run all pre-training iterations)";
  s.value_name = "T";
  return s;
}

OptionSpec option_normalize(const std::string& default_value) {
  OptionSpec s;
  s.name = "normalize";
  s.type = OptionType::choice;
  s.default_value = default_value;
  s.choices = {"auto", "none", "max", "l2-samples", "minmax-features"};
  s.help =
      "scaling of the data before fitting (auto: l2-samples when under 10 % of the entries are nonzero, "
      "else minmax-features)";
  s.value_name = "HOW";
  return s;
}

OptionSpec option_assign(const std::string& default_value, bool graph) {
  OptionSpec s;
  s.name = "assign";
  s.type = OptionType::choice;
  s.default_value = default_value;
  s.choices = {"kmeans", "argmax"};
  if (graph) s.choices.push_back("smooth");
  s.help =
      graph ? "labels from k-means on the memberships, the largest entry of each row, or the largest after "
              "blending each node's row with its neighbours' (smooth)"
            : "labels from k-means on the representation, or from the largest entry of each row";
  s.value_name = "HOW";
  return s;
}

OptionSpec option_kmeans_normalize(const std::string& default_value) {
  OptionSpec s;
  s.name = "kmeans-normalize";
  s.type = OptionType::choice;
  s.default_value = default_value;
  s.choices = {"l1", "none"};
  s.help = "l1: scale each row of the representation to sum 1 before k-means";
  s.value_name = "HOW";
  return s;
}

OptionSpec option_kmeans_init() {
  OptionSpec s;
  s.name = "kmeans-init";
  s.type = OptionType::integer;
  s.default_value = std::int64_t{10};
  s.min = 1;
  s.max = 100000;
  s.help = "k-means++ restarts of the final k-means (the lowest inertia is kept)";
  s.value_name = "N";
  return s;
}

OptionSpec option_exponent(const std::string& name, double default_value, const std::string& help) {
  OptionSpec s;
  s.name = name;
  s.type = OptionType::real;
  s.default_value = default_value;
  s.min = 0;
  s.min_exclusive = true;
  s.max = 1;
  s.help = help;
  s.value_name = "G";
  return s;
}

std::vector<OptionSpec> sample_graph_options(const std::string& neighbours_rule,
                                             const std::string& symmetrize) {
  OptionSpec p = integer_option("neighbors", 0, 1, 1 << 30, "neighbours p of the sample graph");
  p.short_name = "p";
  p.value_name = "P";
  OptionSpec sigma = real_option("sigma", 0.0, 0.0, "heat-kernel width σ of the graph weights", true);
  sigma.value_name = "S";
  return {computed_default(p, neighbours_rule),
          computed_default(sigma, "sigma^2 = mean squared kNN distance"),
          choice_option("symmetrize", symmetrize, {"max", "mean", "mutual", "none"},
                        "how the kNN graph is made symmetric")};
}

}  // namespace dnmf
