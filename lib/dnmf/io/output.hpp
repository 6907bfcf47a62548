// Output files: checked before any work, written whole, committed together.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace dnmf::io {

/// How an output is written, decided when it is declared (docs/reliability.md):
///  - a regular file (existing or new) is written to a temporary file in the same
///    directory and renamed over the target when the set is committed;
///  - a device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is written
///    through, never replaced;
///  - "-" is standard output;
///  - a symbolic link is followed and its final target treated as above (the link stays).
enum class OutputKind { regular_file, write_through, standard_output };

/// The outputs of one command. add() checks each path at once (so a command can refuse
/// a bad --out before reading its data); write() produces each output's content into a
/// temporary file or a memory buffer; commit() puts every output in place together,
/// with the catchable termination signals held back while it renames, and rolls the
/// renamed files back if one rename fails. An uncommitted set removes its temporary
/// files when destroyed; remove_temporaries_on_signals() also removes them when the
/// process is interrupted.
class OutputSet {
 public:
  OutputSet();
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;

  /// Declares an output; `option` names it in messages ("--out"). Throws InvalidOption
  /// when the path is empty, is a directory, lies in a directory that does not exist
  /// or cannot be written, or names an existing file we may not write.
  /// Returns the output's index.
  size_t add(const std::string& path, const std::string& option = "");

  /// Throws InvalidOption when two outputs name the same file (after following links;
  /// devices such as /dev/null may repeat), when "-" is given twice, or when an output
  /// names one of the `inputs` (option or role, path) — e.g. --out equal to the data file.
  void check_collisions(const std::vector<std::pair<std::string, std::string>>& inputs = {}) const;

  /// Produces the content of output i (once). Throws OutputError on a write failure.
  void write(size_t index, const std::function<void(std::ostream&)>& writer);

  /// Puts every written output in place. Throws OutputError (naming the path) when a
  /// write-through output or a rename fails; files renamed before the failure are
  /// restored, so either every regular file changes or none does.
  void commit();

  size_t size() const;
  OutputKind kind(size_t index) const;
  const std::string& path(size_t index) const;  ///< as given
  bool writes_to_stdout() const;

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
  bool committed_ = false;
};

/// One output: OutputSet with a single entry (checked, written, committed).
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& writer);

/// Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE that remove the
/// temporary files of uncommitted outputs and then let the signal take its default
/// action. For programs (the dnmf tool); the library never installs handlers itself.
void remove_temporaries_on_signals();

}  // namespace dnmf::io
