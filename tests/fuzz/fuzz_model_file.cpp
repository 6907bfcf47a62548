// libFuzzer harness: the model-file reader, and the encoder on a small fixed data set
// when a model loads (its transform must refuse or finish, never write NaN/Inf).
#include <cstdint>

#include "dnmf/core/error.hpp"
#include "dnmf/io/model_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const fuzz::MemoryFile file(data + 1, size - 1, data[0] % 3);
  try {
    const dnmf::Encoder model = dnmf::io::load_model(file.path());
    if (model.features() > 0 && model.features() <= 64) {
      dnmf::DataMatrix X(dnmf::Dense::Ones(3, model.features()));
      const dnmf::Dense H = model.transform(X);
      if (!H.allFinite()) __builtin_trap();  // transform promised finite output or an error
    }
  } catch (const dnmf::InputError&) {
  } catch (const dnmf::InvalidOption&) {
  } catch (const dnmf::NumericalError&) {
  }
  return 0;
}
