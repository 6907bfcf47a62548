// Option tables: every model declares its options (name, type, default, range, help)
// once, next to its maths; the CLI, the benchmarks and the Python bindings build their
// flags and keyword arguments from these tables (models/registry.hpp).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dnmf {

enum class OptionType {
  flag,          ///< on/off; the CLI flag takes no value (--no-safeguard)
  integer,       ///< 64-bit integer within [min, max]
  real,          ///< finite double within [min, max] (min exclusive when min_exclusive)
  choice,        ///< one of `choices`
  integer_list,  ///< comma-separated integers, each within [min, max] ("120,100,80")
  real_list,     ///< comma-separated finite doubles, each within [min, max]
};

/// A typed value; std::monostate = unset (the model computes it, see OptionSpec::default_text).
using OptionValue = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                                 std::vector<std::int64_t>, std::vector<double>>;

struct OptionSpec {
  std::string name;  ///< "lambda-att": CLI --lambda-att, Python keyword lambda_att
  OptionType type = OptionType::real;
  OptionValue default_value;  ///< std::monostate when the default is a rule (default_text says which)
  std::string default_text;   ///< how an unset value is computed, e.g. "floor(ln n) + 1"
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  std::vector<std::string> choices;
  std::string help;        ///< one line
  std::string short_name;  ///< CLI short form without the dash ("p"), or empty
  std::string value_name;  ///< CLI value placeholder ("P"); empty = derived from the type
};

/// "--name" as the CLI spells it (messages use it everywhere, so they match the CLI).
std::string option_flag(const OptionSpec& spec);
/// Parses command-line text into the spec's type; throws InvalidOption naming --name,
/// the expected form and the range (lists reject empty items: "8,4," and "8,,4").
OptionValue parse_option_value(const OptionSpec& spec, std::string_view text);
/// Throws InvalidOption unless `value` has the spec's type and lies in its range.
void validate_option_value(const OptionSpec& spec, const OptionValue& value);
/// Text form of a value ("1e-04" → "0.0001", lists "120,100,80", flags "true"/"false").
std::string format_option_value(const OptionValue& value);
/// The default as shown in help and docs: the value, or default_text, or "none".
std::string describe_default(const OptionSpec& spec);

/// The options of one model with their current values (defaults until set).
class OptionValues {
 public:
  OptionValues() = default;
  explicit OptionValues(std::vector<OptionSpec> specs);

  const std::vector<OptionSpec>& specs() const { return specs_; }
  const OptionSpec* find(std::string_view name) const;  ///< nullptr when the model lacks it
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  void set(std::string_view name, OptionValue value);        ///< validated; InvalidOption otherwise
  void parse(std::string_view name, std::string_view text);  ///< parse_option_value, then set
  bool is_set(std::string_view name) const;                  ///< given by the caller
  bool has_value(std::string_view name) const;               ///< set, or a fixed default

  const OptionValue& value(std::string_view name) const;  ///< InvalidOption if unknown
  bool flag(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  double real(std::string_view name) const;
  const std::string& choice(std::string_view name) const;
  std::vector<std::int64_t> integers(std::string_view name) const;
  std::vector<double> reals(std::string_view name) const;

 private:
  size_t index(std::string_view name) const;
  std::vector<OptionSpec> specs_;
  std::vector<OptionValue> values_;
  std::vector<bool> set_;
};

// ---- building option specs

/// A real option with a fixed default and the range [min, max] (min exclusive if asked).
OptionSpec real_option(const std::string& name, double default_value, double min, const std::string& help,
                       bool min_exclusive = false, double max = std::numeric_limits<double>::infinity());
OptionSpec integer_option(const std::string& name, std::int64_t default_value, double min, double max,
                          const std::string& help);
OptionSpec choice_option(const std::string& name, const std::string& default_value,
                         std::vector<std::string> choices, const std::string& help);
/// An on/off option. The CLI spells a default-on flag --no-NAME and a default-off one --NAME.
OptionSpec flag_option(const std::string& name, bool default_value, const std::string& help);
/// The same option with its default computed by the model (described by `rule`).
OptionSpec computed_default(OptionSpec spec, const std::string& rule);

// ---- option specs shared by many models (each model picks its own defaults)

OptionSpec option_iterations(std::int64_t default_value);
OptionSpec option_tolerance(double default_value);
OptionSpec option_seed();
/// random | nndsvd | nndsvda | nndsvdar (models/init.hpp).
OptionSpec option_init(const std::string& default_value);
OptionSpec option_restarts(std::int64_t default_value);
OptionSpec option_layers(const std::string& default_text, const std::string& help);
OptionSpec option_pretrain_iterations(std::int64_t default_value);
OptionSpec option_pretrain_tolerance(double default_value);
OptionSpec option_normalize(const std::string& default_value);
OptionSpec option_assign(const std::string& default_value, bool graph = false);
OptionSpec option_kmeans_normalize(const std::string& default_value);
OptionSpec option_kmeans_init();
OptionSpec option_exponent(const std::string& name, double default_value, const std::string& help);
/// neighbors (-p, default by `neighbours_rule`), sigma (σ² = mean squared kNN distance),
/// symmetrize: the sample graph of the data models.
std::vector<OptionSpec> sample_graph_options(const std::string& neighbours_rule,
                                             const std::string& symmetrize);

}  // namespace dnmf
