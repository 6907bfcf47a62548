// libFuzzer harness: the edge-list reader (integer ids, comments, weights, a Matrix
// Market adjacency in its place). The first byte picks the compression (as the Matrix
// Market harness) and the directed / one-based flags.
#include <cstdint>

#include "dnmf/core/error.hpp"
#include "dnmf/io/edge_list.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const fuzz::MemoryFile file(data + 1, size - 1, data[0] % 3);
  dnmf::io::EdgeListOptions options;
  options.directed = (data[0] >> 2) & 1;
  options.one_based = (data[0] >> 3) & 1;
  try {
    const dnmf::Csr A = dnmf::io::read_edge_list(file.path(), options);
    (void)A;
  } catch (const dnmf::InputError&) {
  }
  return 0;
}
