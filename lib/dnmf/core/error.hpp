// Exception hierarchy: everything the library throws derives from dnmf::Error.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dnmf {

/// Root of all dnmf exceptions.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// Bad input data (files or in-memory matrices). The message names the file and
/// line when they are known: "data.mtx:17: column index 5021 > declared ncols 5000".
class InputError : public Error {
 public:
  explicit InputError(const std::string& what) : Error(what) {}
  /// line = 0 means "no particular line" (e.g. a file that cannot be opened).
  InputError(const std::string& path, std::int64_t line, const std::string& problem)
      : Error(format(path, line, problem)), path_(path), line_(line) {}

  const std::string& path() const noexcept { return path_; }
  std::int64_t line() const noexcept { return line_; }

 private:
  static std::string format(const std::string& path, std::int64_t line, const std::string& problem) {
    return line > 0 ? path + ":" + std::to_string(line) + ": " + problem : path + ": " + problem;
  }
  std::string path_;
  std::int64_t line_ = 0;
};

/// An option outside its documented range ("rank must satisfy 1 <= rank <= min(n, d) = 4").
class InvalidOption : public Error {
 public:
  explicit InvalidOption(const std::string& what) : Error(what) {}
};

/// An output could not be written (disk full, rename failed, device error); names the
/// path. Nothing half-written is left behind (io/output.hpp).
class OutputError : public Error {
 public:
  explicit OutputError(const std::string& what) : Error(what) {}
};

/// NaN/Inf or divergence during a fit; names the iteration and the term.
class NumericalError : public Error {
 public:
  explicit NumericalError(const std::string& what) : Error(what) {}
};

}  // namespace dnmf
