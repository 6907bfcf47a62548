// libFuzzer harness: the command-line option parser of every subcommand and the model
// option tables. The input is a NUL-separated argument list; the first byte picks the
// subcommand. Parsing and option validation only: nothing is read or fitted.
#include <cstdint>
#include <string>
#include <vector>

#include "../../tools/commands.hpp"
#include "dnmf/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& commands = dnmf::cli::commands();
  const auto& entry = commands[data[0] % commands.size()];
  std::vector<std::string> args;
  std::string current;
  for (size_t i = 1; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  if (!current.empty()) args.push_back(current);
  try {
    const auto cmd = entry.make();
    cmd->parse(args);
    if (cmd->help_requested()) return 0;
    (void)cmd->help_text();
    if (const auto model = cmd->get("model")) {
      const auto kind = entry.path == "graph cluster" ? dnmf::InputKind::graph : dnmf::InputKind::data;
      const dnmf::OptionValues v = cmd->model_values(dnmf::find_model(*model, kind));
      (void)v;
    }
    if (cmd->has("clusters")) (void)cmd->integer("clusters", 0, 1, 2147483647);
  } catch (const dnmf::cli::UsageError&) {
  } catch (const dnmf::InvalidOption&) {
  }
  return 0;
}
