// Running this program's own commands as child processes, as the demo and the end-to-end tests
// do: terminals and the server are separate processes, as they are in the field.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tmsproto::app {

// The path of the running executable (/proc/self/exe).
std::filesystem::path self_exe();

struct Child {
  pid_t pid = -1;
};

// Starts `exe args...` with stdout and stderr appended to `output`, and `env` added to the
// environment, replacing an inherited variable of the same name. pid -1 when it could not start.
Child spawn(const std::filesystem::path& exe, const std::vector<std::string>& args,
            const std::filesystem::path& output, const std::map<std::string, std::string>& env = {});

// Waits for the child; its exit status, or 128 + the signal that ended it.
int wait_for(Child& c);
// Whether the child has ended (reaped then, its status in `status`).
bool ended(Child& c, int& status);

}  // namespace tmsproto::app
