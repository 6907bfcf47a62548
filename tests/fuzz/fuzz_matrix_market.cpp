// libFuzzer harness: the Matrix Market reader (coordinate and array, plain and gzip).
// The first byte picks plain / gzip / truncated gzip; the rest is the file. Every
// malformed input must end in dnmf::InputError (never a crash, hang or huge allocation).
#include <cstdint>

#include "dnmf/core/error.hpp"
#include "dnmf/io/data_file.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const fuzz::MemoryFile file(data + 1, size - 1, data[0] % 3);
  try {
    auto any = dnmf::io::read_matrix_market_any(file.path());
    (void)any;
    dnmf::DataMatrix X = dnmf::io::read_data(file.path(), dnmf::io::Storage::sparse);
    X.require_finite_scale("fuzz");
  } catch (const dnmf::InputError&) {
  }
  return 0;
}
