#include "dnmf/io/output.hpp"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "dnmf/core/error.hpp"

namespace dnmf::io {

namespace {

// ---------------------------------------------------------------------------------
// Temporary files known to the signal handler. The handler may only call
// async-signal-safe functions, so the paths live in fixed slots: a slot is reserved
// (state 1), filled, then published (state 2); the handler unlinks published slots.

constexpr int kSlots = 64;
struct Slot {
  std::atomic<int> state{0};
  char path[PATH_MAX];
};
Slot slots[kSlots];

int publish_temporary(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (slots[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(slots[i].path, path.c_str(), path.size() + 1);
      slots[i].state.store(2, std::memory_order_release);
      return i;
    }
  }
  return -1;  // more than kSlots temporaries at once: still removed by the destructor
}

void withdraw_temporary(int slot) {
  if (slot >= 0) slots[slot].state.store(0, std::memory_order_release);
}

extern "C" void remove_temporaries_and_reraise(int signal_number) {
  for (auto& slot : slots)
    if (slot.state.load(std::memory_order_acquire) == 2) ::unlink(slot.path);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

constexpr int kHeldSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

/// Holds the termination signals back for its lifetime (they are delivered afterwards).
class SignalHold {
 public:
  SignalHold() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kHeldSignals) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SignalHold() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

std::string errno_text(int e) {
  return std::strerror(e);
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Follows symbolic links (up to 40, as the kernel does) to the path they finally name,
/// which need not exist yet (a dangling link is written through to its target).
std::string follow_links(const std::string& path, const std::string& label) {
  std::string current = path;
  for (int depth = 0; depth < 40; ++depth) {
    struct stat st {};
    if (::lstat(current.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return current;
    std::vector<char> buffer(PATH_MAX + 1);
    const ssize_t len = ::readlink(current.c_str(), buffer.data(), PATH_MAX);
    if (len < 0) throw InvalidOption(label + ": cannot read the symbolic link (" + errno_text(errno) + ")");
    const std::string target(buffer.data(), static_cast<size_t>(len));
    current = target.front() == '/' ? target : directory_of(current) + "/" + target;
  }
  throw InvalidOption(label + ": too many levels of symbolic links");
}

/// Identity for collision checks: device and inode of an existing file, or the
/// canonical directory and name of a file still to be created.
std::string identity_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0)
    return "inode:" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  char resolved[PATH_MAX];
  const std::string dir = directory_of(path);
  if (::realpath(dir.c_str(), resolved)) return std::string("new:") + resolved + "/" + name_of(path);
  return "new:" + path;
}

mode_t current_umask() {
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return mask;
}

}  // namespace

struct OutputSet::Entry {
  std::string option, path, target;  // target: `path` with links followed
  OutputKind kind = OutputKind::regular_file;
  std::string identity;
  bool character_device = false;
  bool target_exists = false;
  mode_t mode = 0666;
  // Produced content: a temporary file (regular) or a buffer (write-through, stdout).
  std::string temp_path;
  int slot = -1;
  std::string buffer;
  bool written = false;
  bool exchanged = false, created = false;  // what commit() did, for the rollback

  std::string label() const { return option.empty() ? path : option + " " + path; }
};

OutputSet::OutputSet() = default;

OutputSet::~OutputSet() {
  if (committed_) return;
  for (auto& e : entries_)
    if (!e->temp_path.empty()) {
      ::unlink(e->temp_path.c_str());
      withdraw_temporary(e->slot);
    }
}

size_t OutputSet::size() const {
  return entries_.size();
}
OutputKind OutputSet::kind(size_t index) const {
  return entries_.at(index)->kind;
}
const std::string& OutputSet::path(size_t index) const {
  return entries_.at(index)->path;
}
bool OutputSet::writes_to_stdout() const {
  for (const auto& e : entries_)
    if (e->kind == OutputKind::standard_output) return true;
  return false;
}

size_t OutputSet::add(const std::string& path, const std::string& option) {
  auto e = std::make_unique<Entry>();
  e->option = option;
  e->path = path;
  const std::string label = e->label();
  if (path.empty())
    throw InvalidOption((option.empty() ? std::string("output") : option) + ": empty file name");
  if (path == "-") {
    e->kind = OutputKind::standard_output;
    e->identity = "stdout";
    entries_.push_back(std::move(e));
    return entries_.size() - 1;
  }
  e->target = follow_links(path, label);
  struct stat st {};
  if (::stat(e->target.c_str(), &st) == 0) {
    e->target_exists = true;
    if (S_ISDIR(st.st_mode)) throw InvalidOption(label + ": is a directory");
    if (S_ISREG(st.st_mode)) {
      e->kind = OutputKind::regular_file;
      e->mode = st.st_mode & 07777;
      if (::access(e->target.c_str(), W_OK) != 0)
        throw InvalidOption(label + ": the existing file cannot be written (" + errno_text(errno) + ")");
    } else {
      e->kind = OutputKind::write_through;
      e->character_device = S_ISCHR(st.st_mode);
      if (::access(e->target.c_str(), W_OK) != 0)
        throw InvalidOption(label + ": cannot be written (" + errno_text(errno) + ")");
    }
  } else if (errno != ENOENT) {
    throw InvalidOption(label + ": " + errno_text(errno));
  } else {
    e->mode = 0666 & ~current_umask();
  }
  if (e->kind == OutputKind::regular_file) {
    const std::string dir = directory_of(e->target);
    struct stat dst {};
    if (::stat(dir.c_str(), &dst) != 0) throw InvalidOption(label + ": directory " + dir + " does not exist");
    if (!S_ISDIR(dst.st_mode)) throw InvalidOption(label + ": " + dir + " is not a directory");
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
      throw InvalidOption(label + ": cannot create files in " + dir + " (" + errno_text(errno) + ")");
  }
  e->identity = identity_of(e->target);
  entries_.push_back(std::move(e));
  return entries_.size() - 1;
}

void OutputSet::check_collisions(const std::vector<std::pair<std::string, std::string>>& inputs) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& a = *entries_[i];
    for (size_t j = 0; j < i; ++j) {
      const Entry& b = *entries_[j];
      if (a.identity == b.identity && !(a.character_device && b.character_device))
        throw InvalidOption(a.label() + " and " + b.label() + " name the same output" +
                            (a.kind == OutputKind::standard_output ? " (standard output)" : " file"));
    }
    if (a.kind == OutputKind::standard_output) continue;
    for (const auto& [role, input] : inputs) {
      if (input.empty() || input == "-") continue;
      struct stat st {};
      if (::stat(input.c_str(), &st) != 0) continue;  // the reader will report it
      const std::string id = "inode:" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
      if (id == a.identity && !a.character_device)
        throw InvalidOption(a.label() + " would overwrite the input " + (role.empty() ? "" : role + " ") +
                            input);
    }
  }
}

void OutputSet::write(size_t index, const std::function<void(std::ostream&)>& writer) {
  Entry& e = *entries_.at(index);
  if (e.written) throw OutputError(e.label() + ": written twice");
  if (e.kind != OutputKind::regular_file) {
    std::ostringstream out;
    writer(out);
    e.buffer = std::move(out).str();
    e.written = true;
    return;
  }
  // A short random name in the target's directory (the final rename never crosses file
  // systems; a target name of any valid length leaves room for it).
  static thread_local std::mt19937_64 random(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  const std::string dir = directory_of(e.target);
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    char name[32];
    std::snprintf(name, sizeof name, ".dnmf-%012llx", static_cast<unsigned long long>(random() >> 16));
    e.temp_path = dir + "/" + name;
    e.slot = publish_temporary(e.temp_path);
    fd = ::open(e.temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int err = errno;
      withdraw_temporary(e.slot);
      e.slot = -1;
      e.temp_path.clear();
      if (err != EEXIST)
        throw OutputError(e.label() + ": cannot create a file in " + dir + " (" + errno_text(err) + ")");
    }
  }
  if (fd < 0) throw OutputError(e.label() + ": cannot create a temporary file in " + dir);
  ::close(fd);
  {
    std::ofstream out(e.temp_path, std::ios::binary | std::ios::trunc);
    if (!out) throw OutputError(e.label() + ": cannot open the temporary file " + e.temp_path);
    writer(out);
    out.flush();
    if (!out) throw OutputError(e.label() + ": write failed (disk full or I/O error); nothing was written");
  }
  // Permissions of the file it replaces (or the usual 0666 & ~umask), then to disk, so
  // the rename publishes complete content.
  fd = ::open(e.temp_path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::fchmod(fd, e.mode) != 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw OutputError(e.label() + ": write failed (" + errno_text(err) + "); nothing was written");
  }
  ::close(fd);
  e.written = true;
}

void OutputSet::commit() {
  if (committed_) return;
  // Write-through outputs first: they cannot be undone, so no file is replaced when one fails.
  for (auto& ep : entries_) {
    Entry& e = *ep;
    if (!e.written || e.kind == OutputKind::regular_file) continue;
    const bool to_stdout = e.kind == OutputKind::standard_output;
    int fd = STDOUT_FILENO;
    if (to_stdout) {
      std::cout.flush();
      std::fflush(stdout);
    } else {
      fd = ::open(e.target.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0) throw OutputError(e.label() + ": cannot open for writing (" + errno_text(errno) + ")");
    }
    size_t done = 0;
    while (done < e.buffer.size()) {
      const ssize_t n = ::write(fd, e.buffer.data() + done, e.buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = errno;
        if (!to_stdout) ::close(fd);
        throw OutputError((to_stdout ? std::string("standard output") : e.label()) + ": write error (" +
                          errno_text(err) + ")");
      }
      done += static_cast<size_t>(n);
    }
    if (!to_stdout && ::close(fd) != 0)
      throw OutputError(e.label() + ": write error (" + errno_text(errno) + ")");
    std::string().swap(e.buffer);
  }
  {
    SignalHold hold;  // no interruption between the renames: all files change, or none
    for (size_t i = 0; i < entries_.size(); ++i) {
      Entry& e = *entries_[i];
      if (!e.written || e.kind != OutputKind::regular_file) continue;
      int rc;
      if (e.target_exists) {
        // Swap the new file in; the temporary name then holds the old content until the
        // whole set is in place (so a later failure can swap it back).
        rc = ::renameat2(AT_FDCWD, e.temp_path.c_str(), AT_FDCWD, e.target.c_str(), RENAME_EXCHANGE);
        if (rc == 0) {
          e.exchanged = true;
        } else if (errno == EINVAL || errno == ENOSYS) {  // file system without exchange
          rc = ::rename(e.temp_path.c_str(), e.target.c_str());
          if (rc == 0) withdraw_temporary(e.slot), e.slot = -1, e.temp_path.clear();
        }
      } else {
        rc = ::rename(e.temp_path.c_str(), e.target.c_str());
        if (rc == 0) {
          e.created = true;
          withdraw_temporary(e.slot);
          e.slot = -1;
          e.temp_path.clear();
        }
      }
      if (rc != 0) {
        const int err = errno;
        for (size_t j = 0; j < i; ++j) {  // undo what was done
          Entry& u = *entries_[j];
          if (u.exchanged)
            ::renameat2(AT_FDCWD, u.temp_path.c_str(), AT_FDCWD, u.target.c_str(), RENAME_EXCHANGE);
          else if (u.created)
            ::unlink(u.target.c_str());
        }
        throw OutputError(e.label() + ": cannot move the finished file into place (" + errno_text(err) +
                          "); no output was changed");
      }
    }
    for (auto& ep : entries_)  // the old contents of replaced files
      if (ep->exchanged) {
        ::unlink(ep->temp_path.c_str());
        withdraw_temporary(ep->slot);
        ep->slot = -1;
        ep->temp_path.clear();
      }
    committed_ = true;
  }
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  OutputSet outputs;
  outputs.add(path);
  outputs.write(0, writer);
  outputs.commit();
}

void remove_temporaries_on_signals() {
  for (int s : kHeldSignals) {
    struct sigaction current {};
    if (sigaction(s, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;  // e.g. nohup
    struct sigaction action {};
    action.sa_handler = remove_temporaries_and_reraise;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(s, &action, nullptr);
  }
}

}  // namespace dnmf::io
