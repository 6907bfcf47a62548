// The memory budget: how many bytes one input, header or option may make dnmf allocate.
#pragma once

#include <cstdint>
#include <string>

namespace dnmf {

/// The process-wide budget in bytes. Defaults to 3/4 of the physical memory (or of the
/// cgroup limit, when one is set and lower); set_memory_budget overrides it (the CLI's
/// --max-memory). Readers refuse inputs whose declared sizes would need more.
std::uint64_t memory_budget();
void set_memory_budget(std::uint64_t bytes);  ///< 0 restores the default

/// Parses "512M", "2G", "1.5GiB", "100000" (bytes); suffixes K/M/G/T are powers of
/// 1024. Throws InvalidOption naming `option` on malformed or zero sizes.
std::uint64_t parse_memory_size(const std::string& text, const std::string& option);

/// "1.2 GB"-style rendering for messages.
std::string human_bytes(long double bytes);

}  // namespace dnmf
