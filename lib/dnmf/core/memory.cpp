#include "dnmf/core/memory.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "dnmf/core/error.hpp"

namespace dnmf {

namespace {

std::atomic<std::uint64_t> budget_override{0};

/// cgroup v2 (memory.max) or v1 (memory.limit_in_bytes) limit of this process; 0 if none.
std::uint64_t cgroup_limit() {
  for (const char* path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (in >> text && !text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
      const std::uint64_t v = std::strtoull(text.c_str(), nullptr, 10);
      if (v > 0 && v < (std::uint64_t{1} << 60)) return v;  // v1 reports ~2^63 for "no limit"
    }
  }
  return 0;
}

std::uint64_t default_budget() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  std::uint64_t physical = (pages > 0 && page_size > 0)
                               ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size)
                               : std::uint64_t{1} << 34;  // 16 GiB if unknown
  const std::uint64_t limit = cgroup_limit();
  if (limit > 0 && limit < physical) physical = limit;
  return physical / 4 * 3;
}

}  // namespace

std::uint64_t memory_budget() {
  const std::uint64_t v = budget_override.load(std::memory_order_relaxed);
  if (v > 0) return v;
  static const std::uint64_t fallback = default_budget();
  return fallback;
}

void set_memory_budget(std::uint64_t bytes) {
  budget_override.store(bytes, std::memory_order_relaxed);
}

std::uint64_t parse_memory_size(const std::string& text, const std::string& option) {
  const auto bad = [&]() {
    return InvalidOption(option + " expects a size such as 512M, 4G or 1073741824 (bytes), got '" + text +
                         "'");
  };
  size_t pos = 0;
  double number = 0;
  try {
    number = std::stod(text, &pos);
  } catch (const std::exception&) {
    throw bad();
  }
  std::string unit = text.substr(pos);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();  // "GB" → "G", "B" stays
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();  // "GiB" → "G"
  double scale = 1;
  if (unit == "K")
    scale = 1024.0;
  else if (unit == "M")
    scale = 1024.0 * 1024;
  else if (unit == "G")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "T")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    throw bad();
  const double bytes = number * scale;
  if (!std::isfinite(bytes) || bytes < 1 || bytes > 1e18) throw bad();
  return static_cast<std::uint64_t>(bytes);
}

std::string human_bytes(long double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000 && u < 6) bytes /= 1000, ++u;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, u == 0 ? "%.0Lf %s" : "%.1Lf %s", bytes, units[u]);
  return buffer;
}

}  // namespace dnmf
