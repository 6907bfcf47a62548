// Loading a data file into the sparse-or-dense DataMatrix the models take.
#pragma once

#include <string>

#include "dnmf/io/formats.hpp"
#include "dnmf/linalg/data_matrix.hpp"

namespace dnmf::io {

enum class Storage {
  automatic,  ///< array files stay dense; coordinate files become dense at >= 25 % stored entries
  sparse,
  dense,
};

/// Reads a Matrix Market file (rows = samples, optionally .gz) as a DataMatrix. With
/// `automatic`, a coordinate file is densified when at least a quarter of its entries
/// are stored: dense GEMM is then faster and needs at most ~3× the CSR memory.
/// Throws InputError naming the file and line on malformed input.
DataMatrix read_data(const std::string& path, Storage storage = Storage::automatic);

struct DataReadOptions {
  Storage storage = Storage::automatic;
  DataFormat format = DataFormat::automatic;  ///< by the file name (io/formats.hpp)
  DelimitedOptions delimited;                 ///< csv/tsv only
};
/// Reads any supported format (Matrix Market, CSV/TSV, libsvm, .npy; each optionally .gz).
/// Delimited text and .npy are dense; libsvm is sparse; `storage` converts as above.
DataMatrix read_data(const std::string& path, const DataReadOptions& options);

Storage parse_storage(const std::string& name);  ///< "auto|sparse|dense"

}  // namespace dnmf::io
