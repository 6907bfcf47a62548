#include "command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <map>
#include <sstream>

#include "dnmf/core/error.hpp"

namespace dnmf::cli {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

}  // namespace

std::string flag_names(const OptionInfo& o) {
  return (o.short_name.empty() ? "" : "-" + o.short_name + ", ") + "--" + o.name;
}

std::string cli_flag_name(const OptionSpec& spec) {
  if (spec.type == OptionType::flag) {
    const bool on = std::get<bool>(spec.default_value);
    return on ? "no-" + spec.name : spec.name;
  }
  return spec.name;
}

Command::Command(std::string path, std::string summary,
                 std::vector<std::pair<std::string, std::string>> positionals)
    : path_(std::move(path)), summary_(std::move(summary)), positionals_(std::move(positionals)) {
  positional_values_.resize(positionals_.size());
}

Command::~Command() = default;

void Command::add(std::string name, std::string short_name, std::string value_name, std::string help,
                  std::string default_text, std::string group, bool required) {
  OptionInfo info{std::move(name), std::move(short_name),   std::move(value_name),
                  std::move(help), std::move(default_text), std::move(group),
                  required};
  if (find(info.name)) throw std::logic_error("option --" + info.name + " declared twice for " + path_);
  auto e = std::make_unique<Entry>();
  e->info = std::move(info);
  entries_.push_back(std::move(e));
}

void Command::add_common_options(bool progress) {
  add("threads", "", "T", "OpenMP threads", "all cores", "general options");
  add("max-memory", "", "SIZE",
      "refuse inputs whose declared sizes need more memory than SIZE (e.g. 4G, 512M)",
      "3/4 of the physical memory", "general options");
  if (progress)
    add("quiet", "q", "",
        "no progress lines on stderr (stage, iteration, objective, time and ETA of the stage and of the "
        "whole job)",
        "", "general options");
  add("json", "", "", "print one JSON object on stdout instead of text", "", "general options");
}

void Command::add_model_options(InputKind kind, const std::vector<std::string>& only) {
  model_options_ = only.empty();
  model_kind_ = kind;
  std::vector<const ModelSpec*> models;
  for (const auto& m : model_registry())
    if (m.input == kind && (only.empty() || std::find(only.begin(), only.end(), m.name) != only.end()))
      models.push_back(&m);
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::pair<const ModelSpec*, const OptionSpec*>>> by_name;
  for (const ModelSpec* m : models)
    for (const auto& o : m->options) {
      const std::string name = cli_flag_name(o);
      if (!by_name.count(name)) order.push_back(name);
      by_name[name].push_back({m, &o});
    }
  for (const auto& name : order) {
    const auto& users = by_name[name];
    const OptionSpec& spec = *users.front().second;
    OptionInfo info;
    info.name = name;
    info.short_name = spec.short_name;
    if (spec.type != OptionType::flag) info.value_name = spec.value_name.empty() ? "X" : spec.value_name;
    info.help = spec.help;
    // One option name, different meanings (dn2mfgl's β weight, nmf's β of the loss):
    // each model's help, named.
    std::vector<std::string> helps;
    for (const auto& [m, o] : users)
      if (o->help != spec.help || !helps.empty()) helps.push_back(m->name + ": " + o->help);
    if (!helps.empty()) info.help = users.front().first->name + ": " + spec.help + "; " + join(helps, "; ");
    if (spec.type == OptionType::choice) info.help += " (" + join(spec.choices, "|") + ")";
    // Default per model when they differ.
    std::vector<std::pair<std::string, std::vector<std::string>>> defaults;  // text -> models
    for (const auto& [m, o] : users) {
      const std::string text = o->type == OptionType::flag ? "" : describe_default(*o);
      auto it =
          std::find_if(defaults.begin(), defaults.end(), [&](const auto& d) { return d.first == text; });
      if (it == defaults.end())
        defaults.push_back({text, {m->name}});
      else
        it->second.push_back(m->name);
    }
    if (spec.type != OptionType::flag) {
      if (defaults.size() == 1) {
        info.default_text = defaults.front().first;
      } else {
        std::vector<std::string> parts;
        for (const auto& [text, names] : defaults) parts.push_back(join(names, ", ") + ": " + text);
        info.default_text = join(parts, "; ");
      }
    }
    std::vector<std::string> names;
    for (const auto& [m, o] : users) names.push_back(m->name);
    info.group = !only.empty()                   ? "options of " + join(only, ", ")
                 : users.size() == models.size() ? "model options (every model)"
                                                 : "options of " + join(names, ", ");
    auto e = std::make_unique<Entry>();
    e->info = std::move(info);
    e->models = std::move(names);
    entries_.push_back(std::move(e));
  }
}

const Command::Entry* Command::find(std::string_view name) const {
  for (const auto& e : entries_)
    if (e->info.name == name) return e.get();
  return nullptr;
}

void Command::parse(const std::vector<std::string>& args) {
  app_ = std::make_unique<CLI::App>(summary_, "dnmf " + path_);
  app_->set_help_flag();
  bool help = false;
  app_->add_flag("-h,--help", help);
  std::vector<std::pair<Entry*, CLI::Option*>> options;
  for (auto& e : entries_) {
    const std::string names =
        (e->info.short_name.empty() ? "" : "-" + e->info.short_name + ",") + "--" + e->info.name;
    CLI::Option* o = e->info.value_name.empty() ? app_->add_flag(names) : app_->add_option(names, e->value);
    options.push_back({e.get(), o});
  }
  std::vector<std::string> positional;
  app_->add_option("positional", positional);
  // CLI11 parses a reversed argument vector (it pops from the back).
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app_->parse(reversed);
  } catch (const CLI::ParseError& error) {
    const std::string what = error.what();
    const std::string where = "'dnmf " + path_ + "'";
    const auto colon = what.find(':');
    const std::string option = colon == std::string::npos ? "" : what.substr(0, colon);
    if (what.find("At Most 1 required") != std::string::npos)
      throw UsageError(option + " was given more than once");
    if (what.find("required") != std::string::npos && what.find("missing") != std::string::npos)
      throw UsageError(option + " needs a value");
    if (what.find("not expected") != std::string::npos) {
      const std::string arg = what.substr(what.rfind(": ") + 2);
      if (!arg.empty() && arg[0] == '-')
        throw UsageError("unknown option '" + arg + "' for " + where + " (see --help)");
      throw UsageError("unexpected argument '" + arg + "' for " + where + " (see --help)");
    }
    if (what.find("does not take") != std::string::npos || what.find("takes no") != std::string::npos)
      throw UsageError(what);
    throw UsageError(where + ": " + what);
  }
  help_ = help;
  for (auto& [e, o] : options) e->given = o->count() > 0;
  if (help_) return;
  if (positional.size() != positionals_.size()) {
    std::vector<std::string> names;
    for (const auto& [n, h] : positionals_) names.push_back(n);
    throw UsageError("'dnmf " + path_ + "' expects " + join(names, " ") + " (got " +
                     std::to_string(positional.size()) + " argument" + (positional.size() == 1 ? "" : "s") +
                     "; see --help)");
  }
  positional_values_ = positional;
  for (const auto& e : entries_)
    if (e->info.required && !e->given)
      throw UsageError("'dnmf " + path_ + "' needs " + flag_names(e->info) +
                       (e->info.value_name.empty() ? "" : " " + e->info.value_name) + " (" + e->info.help +
                       ")");
}

bool Command::has(std::string_view name) const {
  const Entry* e = find(name);
  return e && e->given;
}

std::optional<std::string> Command::get(std::string_view name) const {
  const Entry* e = find(name);
  if (!e || !e->given) return std::nullopt;
  return e->value;
}

std::string Command::get_or(std::string_view name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

long long Command::integer(std::string_view name, long long fallback, long long lo, long long hi) const {
  const auto text = get(name);
  if (!text) return fallback;
  long long v = 0;
  std::string_view t = *text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  const std::string flag = "--" + std::string(name);
  if (ec == std::errc::result_out_of_range ||
      (ec == std::errc() && ptr == t.data() + t.size() && (v < lo || v > hi)))
    throw UsageError(flag + " = " + *text + " must satisfy " + std::to_string(lo) +
                     " <= " + std::string(name) + " <= " + std::to_string(hi));
  if (ec != std::errc() || ptr != t.data() + t.size() || t.empty())
    throw UsageError(flag + " expects an integer, got '" + *text + "'");
  return v;
}

OptionValues Command::model_values(const ModelSpec& spec) const {
  OptionValues values = spec.defaults();
  for (const auto& e : entries_) {
    if (!e->given || e->models.empty()) continue;
    const OptionSpec* target = nullptr;
    for (const auto& o : spec.options)
      if (cli_flag_name(o) == e->info.name) target = &o;
    if (!target)
      throw UsageError("--" + e->info.name + " does not apply to " + spec.name + " (it is an option of " +
                       join(e->models, ", ") + ")");
    if (target->type == OptionType::flag)
      values.set(target->name, !std::get<bool>(target->default_value));
    else
      values.parse(target->name, e->value);
  }
  return values;
}

// ---------------------------------------------------------------- rendering

std::string Command::usage_line() const {
  std::string line = "dnmf " + path_;
  for (const auto& [name, help] : positionals_) line += " " + name;
  for (const auto& e : entries_)
    if (e->info.required) line += " " + flag_names(e->info).substr(0, 2) + " " + e->info.value_name;
  return line + " [options]";
}

std::vector<std::pair<std::string, std::vector<const Command::Entry*>>> Command::grouped() const {
  std::vector<std::pair<std::string, std::vector<const Entry*>>> groups;
  for (const auto& e : entries_) {
    const std::string g = e->info.group.empty() ? "options" : e->info.group;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& p) { return p.first == g; });
    if (it == groups.end())
      groups.push_back({g, {e.get()}});
    else
      it->second.push_back(e.get());
  }
  return groups;
}

}  // namespace dnmf::cli
