// Model files: the encoder of a fitted model (models/encoder.hpp), for transforming
// unseen samples (docs/cli.md "Model files" documents the format). Reading and writing only.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "dnmf/models/encoder.hpp"

namespace dnmf::io {

/// Text format, one item per line:
///   dnmf-model 1
///   model NAME
///   normalize none|max DIVISOR|l2-samples
///   layers L r_1 … r_L
///   W i ROWS COLS        followed by ROWS lines of COLS numbers (%.17g), for i = 1..L
///   end
/// Written atomically (temporary file + rename). Values must be finite and >= 0.
void save_model(const std::string& path, const Encoder& model);
void save_model(std::ostream& out, const Encoder& model);  ///< the same text to a stream
/// Strict reader: errors name the file, the line and the problem (InputError).
Encoder load_model(const std::string& path);

}  // namespace dnmf::io
