#include "dnmf/io/data_file.hpp"

#include "dnmf/core/error.hpp"
#include "dnmf/io/matrix_market.hpp"

namespace dnmf::io {

DataMatrix read_data(const std::string& path, Storage storage) {
  auto any = read_matrix_market_any(path);
  const Index rows = std::visit([](const auto& m) { return static_cast<Index>(m.rows()); }, any);
  const Index cols = std::visit([](const auto& m) { return static_cast<Index>(m.cols()); }, any);
  if (rows == 0 || cols == 0)
    throw InputError(
        path, 0,
        "holds no data (" + std::to_string(rows) + " samples x " + std::to_string(cols) + " features)");
  if (auto* csr = std::get_if<Csr>(&any)) {
    const double cells = static_cast<double>(csr->rows()) * static_cast<double>(csr->cols());
    if (storage == Storage::dense ||
        (storage == Storage::automatic && static_cast<double>(csr->nnz()) >= 0.25 * cells))
      return DataMatrix(csr->to_dense());
    return DataMatrix(std::move(*csr));
  }
  auto& dense = std::get<Dense>(any);
  if (storage == Storage::sparse) return DataMatrix(Csr::from_dense(dense));
  return DataMatrix(std::move(dense));
}

DataMatrix read_data(const std::string& path, const DataReadOptions& options) {
  DataFormat format = options.format == DataFormat::automatic ? format_of(path) : options.format;
  if (format == DataFormat::matrix_market) return read_data(path, options.storage);
  if (format == DataFormat::libsvm) {
    Csr csr = read_libsvm(path);
    const double cells = static_cast<double>(csr.rows()) * static_cast<double>(csr.cols());
    if (options.storage == Storage::dense ||
        (options.storage == Storage::automatic && static_cast<double>(csr.nnz()) >= 0.25 * cells))
      return DataMatrix(csr.to_dense());
    return DataMatrix(std::move(csr));
  }
  DelimitedOptions delimited = options.delimited;
  if (format == DataFormat::tsv && delimited.delimiter == 0) delimited.delimiter = '\t';
  Dense dense = format == DataFormat::npy ? read_npy(path) : read_delimited(path, delimited);
  if (options.storage == Storage::sparse) return DataMatrix(Csr::from_dense(dense));
  return DataMatrix(std::move(dense));
}

Storage parse_storage(const std::string& name) {
  if (name == "auto") return Storage::automatic;
  if (name == "sparse") return Storage::sparse;
  if (name == "dense") return Storage::dense;
  throw InvalidOption("storage must be auto, sparse or dense (got '" + name + "')");
}

}  // namespace dnmf::io
