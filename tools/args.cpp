#include "args.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

namespace dnmf::cli {

Args::Args(std::string command, std::vector<OptionSpec> specs, std::vector<std::string> positional_names)
    : command_(std::move(command)), specs_(std::move(specs)), positional_names_(std::move(positional_names)) {
  specs_.push_back({"--help", "-h", "", "show this help and exit"});
}

const OptionSpec* Args::find(const std::string& name) const {
  for (const auto& s : specs_)
    if (s.long_name == name || (!s.short_name.empty() && s.short_name == name)) return &s;
  return nullptr;
}

void Args::parse(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string token = argv[i];
    if (token.size() > 1 && token[0] == '-' &&
        !(token.size() > 1 && (std::isdigit(token[1]) || token[1] == '.'))) {
      std::optional<std::string> inline_value;
      if (const auto eq = token.find('='); token.rfind("--", 0) == 0 && eq != std::string::npos) {
        inline_value = token.substr(eq + 1);
        token = token.substr(0, eq);
      }
      const OptionSpec* spec = find(token);
      if (!spec) throw UsageError("unknown option '" + token + "' for 'dnmf " + command_ + "' (see --help)");
      if (spec->long_name == "--help") {
        help_ = true;
        continue;
      }
      if (spec->value_name.empty()) {
        if (inline_value) throw UsageError("option " + spec->long_name + " takes no value");
        values_.insert_or_assign(spec->long_name, std::string(1, '1'));
        continue;
      }
      if (inline_value) {
        values_[spec->long_name] = *inline_value;
      } else {
        if (i + 1 >= argv.size())
          throw UsageError("option " + spec->long_name + " needs a value " + spec->value_name);
        values_[spec->long_name] = argv[++i];
      }
      continue;
    }
    positional_.push_back(token);
  }
  if (help_) return;
  if (positional_.size() != positional_names_.size()) {
    std::string names;
    for (const auto& n : positional_names_) names += " " + n;
    throw UsageError("'dnmf " + command_ + "' expects" + names + " (got " +
                     std::to_string(positional_.size()) + " positional argument" +
                     (positional_.size() == 1 ? "" : "s") + "; see --help)");
  }
}

std::string Args::usage() const {
  std::ostringstream out;
  out << "usage: dnmf " << command_;
  for (const auto& n : positional_names_) out << " " << n;
  out << " [options]\n\noptions:\n";
  for (const auto& s : specs_) {
    std::string left = "  " + (s.short_name.empty() ? "    " : s.short_name + ", ") + s.long_name;
    if (!s.value_name.empty()) left += " " + s.value_name;
    out << left;
    out << std::string(left.size() < 30 ? 30 - left.size() : 1, ' ') << s.help << "\n";
  }
  return out.str();
}

bool Args::has(const std::string& long_name) const {
  return values_.count(long_name) > 0;
}

std::optional<std::string> Args::get(const std::string& long_name) const {
  const auto it = values_.find(long_name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get(const std::string& long_name, const std::string& fallback) const {
  return get(long_name).value_or(fallback);
}

long long Args::get_int(const std::string& long_name, long long fallback, long long min,
                        long long max) const {
  const auto v = get(long_name);
  if (!v) return fallback;
  long long out = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size())
    throw UsageError("option " + long_name + " expects an integer, got '" + *v + "'");
  if (out < min || out > max)
    throw UsageError("option " + long_name + " = " + *v + " must satisfy " + std::to_string(min) +
                     " <= " + long_name.substr(2) + " <= " + std::to_string(max));
  return out;
}

double Args::get_double(const std::string& long_name, double fallback) const {
  const auto v = get(long_name);
  if (!v) return fallback;
  double out = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size() || !std::isfinite(out))
    throw UsageError("option " + long_name + " expects a finite number, got '" + *v + "'");
  return out;
}

std::uint64_t Args::get_seed(const std::string& long_name, std::uint64_t fallback) const {
  const auto v = get(long_name);
  if (!v) return fallback;
  std::uint64_t out = 0;
  const auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size())
    throw UsageError("option " + long_name + " expects a nonnegative integer, got '" + *v + "'");
  return out;
}

}  // namespace dnmf::cli
