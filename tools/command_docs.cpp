// Rendering of a command's declarations: --help text, the docs/cli.md section, the man
// page section and the bash-completion case (all from the same option table).
#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "command.hpp"

namespace dnmf::cli {

namespace {

/// Escapes roff control characters at the start of a line and backslashes.
std::string roff_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

}  // namespace

std::string Command::help_text() const {
  std::ostringstream out;
  out << "usage: " << usage_line() << "\n\n" << summary_ << "\n";
  if (!positionals_.empty()) {
    out << "\narguments:\n";
    for (const auto& [name, help] : positionals_) {
      std::string left = "  " + name;
      out << left << std::string(left.size() < 30 ? 30 - left.size() : 1, ' ') << help << "\n";
    }
  }
  for (const auto& [group, items] : grouped()) {
    out << "\n" << group << ":\n";
    for (const Entry* e : items) {
      std::string left =
          "  " + flag_names(e->info) + (e->info.value_name.empty() ? "" : " " + e->info.value_name);
      std::string help = e->info.help;
      if (e->info.required) help += " (required)";
      if (!e->info.default_text.empty()) help += " (default: " + e->info.default_text + ")";
      out << left << std::string(left.size() < 30 ? 30 - left.size() : 2, ' ') << help << "\n";
    }
  }
  out << "  -h, --help" << std::string(18, ' ') << "show this help and exit\n";
  if (model_options_) {
    out << "\nmodels (--model):\n";
    for (const auto& m : model_registry())
      if (m.input == model_kind_) {
        std::string left = "  " + m.name;
        out << left << std::string(left.size() < 16 ? 16 - left.size() : 2, ' ') << m.title << "\n";
      }
  }
  return out.str();
}

std::string Command::markdown() const {
  std::ostringstream out;
  out << "## dnmf " << path_ << "\n\n" << summary_ << "\n\n```\n" << usage_line() << "\n```\n";
  if (!positionals_.empty()) {
    out << "\n| argument | meaning |\n|---|---|\n";
    for (const auto& [name, help] : positionals_) out << "| `" << name << "` | " << help << " |\n";
  }
  for (const auto& [group, items] : grouped()) {
    out << "\n" << char(std::toupper(static_cast<unsigned char>(group[0]))) << group.substr(1) << ":\n\n";
    out << "| flag | meaning | default |\n|---|---|---|\n";
    for (const Entry* e : items) {
      std::string help = e->info.help;
      for (size_t p = 0; (p = help.find('|', p)) != std::string::npos; p += 2) help.replace(p, 1, "\\|");
      std::string def = e->info.required ? "required" : e->info.default_text;
      for (size_t p = 0; (p = def.find('|', p)) != std::string::npos; p += 2) def.replace(p, 1, "\\|");
      out << "| `" << flag_names(e->info) << (e->info.value_name.empty() ? "" : " " + e->info.value_name)
          << "` | " << help << " | " << def << " |\n";
    }
  }
  if (model_options_) {
    out << "\nModels:\n\n| `--model` | what | paper | maths |\n|---|---|---|---|\n";
    for (const auto& m : model_registry())
      if (m.input == model_kind_)
        out << "| `" << m.name << "` | " << m.title << " | " << m.paper << " | " << m.section << " |\n";
  }
  return out.str();
}

std::string Command::bash_completion() const {
  std::ostringstream out;
  std::string flags;
  for (const auto& e : entries_) {
    flags += " --" + e->info.name;
    if (!e->info.short_name.empty()) flags += " -" + e->info.short_name;
  }
  flags += " --help";
  // Values of the options with a fixed set: --model and the registry's choice options.
  std::map<std::string, std::string> values;
  if (model_options_) {
    std::string models;
    for (const auto& m : model_registry())
      if (m.input == model_kind_) {
        models += (models.empty() ? "" : " ") + m.name;
        for (const auto& o : m.options)
          if (o.type == OptionType::choice) {
            std::string words;
            for (const auto& c : o.choices) words += (words.empty() ? "" : " ") + c;
            values["--" + o.name] = words;
          }
      }
    values["--model"] = models;
  }
  out << "    \"" << path_ << "\")\n      flags=\"" << flags.substr(1) << "\"\n      case \"$prev\" in\n";
  for (const auto& [flag, words] : values)
    if (find(flag.substr(2)))
      out << "        " << flag << ") COMPREPLY=($(compgen -W \"" << words << "\" -- \"$cur\")); return ;;\n";
  out << "      esac ;;\n";
  return out.str();
}

std::string Command::roff() const {
  std::ostringstream out;
  out << ".SS \"dnmf " << path_ << "\"\n"
      << roff_escape(summary_) << "\n.PP\n.B " << roff_escape(usage_line()) << "\n";
  for (const auto& [name, help] : positionals_)
    out << ".TP\n.I " << name << "\n" << roff_escape(help) << "\n";
  for (const auto& [group, items] : grouped()) {
    out << ".PP\n" << roff_escape(group) << ":\n";
    for (const Entry* e : items) {
      out << ".TP\n.B " << roff_escape(flag_names(e->info))
          << (e->info.value_name.empty() ? "" : " \\fI" + roff_escape(e->info.value_name) + "\\fR") << "\n"
          << roff_escape(e->info.help);
      if (e->info.required) out << " (required)";
      if (!e->info.default_text.empty()) out << " (default: " << roff_escape(e->info.default_text) << ")";
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace dnmf::cli
