// libFuzzer harness: the labels reader.
#include <cstdint>

#include "dnmf/core/error.hpp"
#include "dnmf/io/labels.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const fuzz::MemoryFile file(data + 1, size - 1, data[0] % 3);
  try {
    const auto labels = dnmf::io::read_labels(file.path());
    (void)labels;
  } catch (const dnmf::InputError&) {
  }
  return 0;
}
