// Helpers shared by the deep graph models (internal header, not installed).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "dnmf/core/error.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/models/options.hpp"

namespace dnmf::detail {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Throws InvalidOption unless 1 <= r_{i+1} <= r_i <= n for the given layer sizes.
inline void validate_graph_layers(const std::vector<int>& layers, Index n, const char* owner) {
  if (layers.empty()) throw InvalidOption(std::string(owner) + ".layers must list at least one size");
  for (size_t i = 0; i < layers.size(); ++i) {
    const int r = layers[i];
    if (r < 1) throw InvalidOption(std::string(owner) + ".layers: sizes must be >= 1");
    if (r > n)
      throw InvalidOption(std::string(owner) + ".layers: r" + std::to_string(i + 1) + " = " +
                          std::to_string(r) + " exceeds the number of nodes n = " + std::to_string(n));
    if (i > 0 && r > layers[i - 1])
      throw InvalidOption(std::string(owner) + ".layers must not grow: r" + std::to_string(i + 1) + " = " +
                          std::to_string(r) + " > r" + std::to_string(i) + " = " +
                          std::to_string(layers[i - 1]));
  }
}

/// ⟨A, B⟩ for equally shaped dense matrices.
inline double inner(const Dense& A, const Dense& B) {
  return (A.array() * B.array()).sum();
}

/// Hidden layer sizes for the deep graph models: --layers lists r₁, …, r_{p−1} and k is
/// appended; by default 256, 64, keeping those above k and at most n/2.
inline std::vector<int> deep_graph_layers(const OptionValues& v, Index n, int k) {
  std::vector<int> layers;
  if (v.has_value("layers")) {
    for (auto r : v.integers("layers")) layers.push_back(static_cast<int>(r));
  } else {
    for (int r : {256, 64})
      if (r > k && r <= n / 2) layers.push_back(r);
  }
  layers.push_back(k);
  return layers;
}

inline std::vector<std::int64_t> deep_graph_default_layers(Index n, int k) {
  std::vector<std::int64_t> layers;
  for (int r : {256, 64})
    if (r > k && r <= n / 2) layers.push_back(r);
  layers.push_back(k);
  return layers;
}

inline OptionSpec deep_graph_layers_option() {
  return option_layers("256,64 (those > k and <= n/2)",
                       "hidden layer sizes r1,...; k is appended as the last layer");
}

}  // namespace dnmf::detail
