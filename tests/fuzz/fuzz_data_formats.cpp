// libFuzzer harness: the CSV/TSV, libsvm and .npy readers (io/formats.hpp).
#include <cstdint>

#include "dnmf/core/error.hpp"
#include "dnmf/io/formats.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // First byte: gzip mode (0–2) and which reader (0–3).
  const fuzz::MemoryFile file(data + 1, size - 1, data[0] % 3);
  try {
    switch ((data[0] / 3) % 4) {
      case 0:
        (void)dnmf::io::read_delimited(file.path());
        break;
      case 1: {
        dnmf::io::DelimitedOptions o;
        o.delimiter = ',';
        o.header = 0;
        (void)dnmf::io::read_delimited(file.path(), o);
        break;
      }
      case 2:
        (void)dnmf::io::read_libsvm(file.path());
        break;
      default:
        (void)dnmf::io::read_npy(file.path());
        break;
    }
  } catch (const dnmf::InputError&) {
  }
  return 0;
}
