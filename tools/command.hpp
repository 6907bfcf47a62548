// One subcommand of the dnmf tool: its options are declared once here (or come from the
// model registry), parsed with CLI11, and rendered as --help, as docs/cli.md and as the
// man page from the same declarations, so the three cannot drift.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dnmf/models/registry.hpp"

namespace CLI {
class App;
}

namespace dnmf::cli {

/// Bad command-line usage: "dnmf: <message>" on stderr, exit code 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

struct OptionInfo {
  std::string name;          ///< long name without dashes: "clusters"
  std::string short_name;    ///< one letter without the dash ("k"), or empty
  std::string value_name;    ///< "K"; empty for a flag (no value)
  std::string help;          ///< one line
  std::string default_text;  ///< shown as "(default: ...)"; empty = no default shown
  std::string group;         ///< help section; empty = the command's own options
  bool required = false;
};

class Command {
 public:
  /// `path` is "cluster" or "graph cluster"; positionals are (NAME, help).
  Command(std::string path, std::string summary,
          std::vector<std::pair<std::string, std::string>> positionals);
  ~Command();
  Command(const Command&) = delete;
  Command& operator=(const Command&) = delete;

  /// An option taking a value, or a flag when value_name is empty (see OptionInfo).
  void add(std::string name, std::string short_name, std::string value_name, std::string help,
           std::string default_text = "", std::string group = "", bool required = false);
  /// Every option of the registry's models of `kind` (or only of the models named in
  /// `only`), grouped by the models that take it.
  void add_model_options(InputKind kind, const std::vector<std::string>& only = {});
  /// The options every fitting command shares: --threads, --max-memory, --quiet, --json.
  void add_common_options(bool progress);

  /// Parses the arguments after the command name. Throws UsageError (unknown option, an
  /// option given twice, a missing value or positional argument).
  void parse(const std::vector<std::string>& args);
  bool help_requested() const { return help_; }

  bool has(std::string_view name) const;  ///< given on the command line
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, const std::string& fallback) const;
  /// An integer option within [lo, hi]; UsageError naming the option otherwise.
  long long integer(std::string_view name, long long fallback, long long lo, long long hi) const;
  const std::string& positional(size_t i) const { return positional_values_.at(i); }
  const std::string& path() const { return path_; }

  /// The model options given on the command line as the model's values. Options the
  /// model does not take are refused, naming the models that do.
  OptionValues model_values(const ModelSpec& spec) const;

  std::string help_text() const;  ///< --help
  std::string markdown() const;   ///< docs/cli.md section
  std::string roff() const;       ///< man page section
  /// The bash-completion case of this command: its flags, and the values of --model and
  /// of every option with a fixed set of choices.
  std::string bash_completion() const;

 private:
  struct Entry {
    OptionInfo info;
    std::string value;
    bool given = false;
    std::vector<std::string> models;  ///< model options: the models taking it
  };
  const Entry* find(std::string_view name) const;
  std::string usage_line() const;
  std::vector<std::pair<std::string, std::vector<const Entry*>>> grouped() const;

  std::string path_, summary_;
  std::vector<std::pair<std::string, std::string>> positionals_;
  std::vector<std::string> positional_values_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::unique_ptr<CLI::App> app_;
  bool help_ = false;
  bool model_options_ = false;
  InputKind model_kind_ = InputKind::data;
};

/// "-k, --clusters" as help and docs show an option.
std::string flag_names(const OptionInfo& o);

/// "--name" / "--no-name" as the CLI spells a model option.
std::string cli_flag_name(const OptionSpec& spec);

}  // namespace dnmf::cli
