// Minimal, strict command-line option parsing for the dnmf tool.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dnmf::cli {

/// Bad command-line usage: reported on stderr with exit code 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

struct OptionSpec {
  std::string long_name;   ///< "--rank"
  std::string short_name;  ///< "-k" or ""
  std::string value_name;  ///< "R"; empty for a flag without value
  std::string help;        ///< one line; mention the default
};

/// Parses argv against a fixed list of options; unknown options, missing values and
/// malformed numbers are UsageErrors naming the option.
class Args {
 public:
  Args(std::string command, std::vector<OptionSpec> specs, std::vector<std::string> positional_names);
  void parse(const std::vector<std::string>& argv);

  bool help_requested() const { return help_; }
  std::string usage() const;

  bool has(const std::string& long_name) const;
  std::string get(const std::string& long_name, const std::string& fallback) const;
  std::optional<std::string> get(const std::string& long_name) const;
  long long get_int(const std::string& long_name, long long fallback, long long min, long long max) const;
  double get_double(const std::string& long_name, double fallback) const;
  std::uint64_t get_seed(const std::string& long_name, std::uint64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  const OptionSpec* find(const std::string& name) const;
  std::string command_;
  std::vector<OptionSpec> specs_;
  std::vector<std::string> positional_names_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

}  // namespace dnmf::cli
