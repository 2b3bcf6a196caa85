// What the kernel says about a process and the machine (Linux /proc), for the bench's figures:
// CPU time from /proc/<pid>/stat, memory from /proc/<pid>/status, the CPU model from /proc/cpuinfo.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace tmsproto::bench {

struct Memory {
  std::size_t hwm_kib = 0;  // VmHWM: peak resident set
  std::size_t rss_kib = 0;  // VmRSS: resident set now
};

// The parsers take the file's text, so that they are tested on fixed samples.
std::optional<Memory> parse_status(std::string_view status);
// utime + stime in clock ticks (fields 14 and 15); the command name in parentheses may hold spaces.
std::optional<unsigned long long> parse_stat_cpu_ticks(std::string_view stat);
std::string parse_cpu_model(std::string_view cpuinfo);  // "unknown CPU" when absent

std::optional<Memory> memory_of(pid_t pid);
std::optional<double> cpu_seconds_of(pid_t pid);  // user + system, from /proc/<pid>/stat
double thread_cpu_seconds();                       // the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID)
std::string cpu_model();
std::optional<std::string> read_proc(const std::string& path);

}  // namespace tmsproto::bench
