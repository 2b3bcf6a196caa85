#include "app/child.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string_view>

extern char** environ;

namespace tmsproto::app {

std::filesystem::path self_exe() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec);
}

Child spawn(const std::filesystem::path& exe, const std::vector<std::string>& args,
            const std::filesystem::path& output, const std::map<std::string, std::string>& env) {
  std::vector<std::string> env_strings;
  // A variable of `env` replaces one of the same name we inherited: with both in the block, which
  // one a child's getenv() or shell takes is up to the child.
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (env.count(std::string(entry.substr(0, entry.find('=')))) == 0) env_strings.emplace_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string program = exe.string();
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = output.string();
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  Child c;
  if (posix_spawn(&c.pid, program.c_str(), &actions, nullptr, argv.data(), envp.data()) != 0) c.pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return c;
}

static int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

int wait_for(Child& c) {
  if (c.pid <= 0) return 127;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(c.pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  c.pid = -1;
  return r < 0 ? 255 : decode(status);
}

bool ended(Child& c, int& status) {
  if (c.pid <= 0) return true;
  int raw = 0;
  const pid_t r = ::waitpid(c.pid, &raw, WNOHANG);
  if (r == 0) return false;
  status = decode(raw);
  c.pid = -1;
  return true;
}

}  // namespace tmsproto::app
