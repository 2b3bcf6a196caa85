#include "bench/proc.h"

#include <time.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace tmsproto::bench {
namespace {

std::optional<std::size_t> number_after(std::string_view text, std::string_view key) {
  std::size_t at = 0;
  while ((at = text.find(key, at)) != std::string_view::npos) {
    if (at == 0 || text[at - 1] == '\n') break;
    at += key.size();
  }
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + key.size();
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  std::size_t v = 0;
  const auto r = std::from_chars(text.data() + i, text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr == text.data() + i) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Memory> parse_status(std::string_view status) {
  const auto hwm = number_after(status, "VmHWM:");
  const auto rss = number_after(status, "VmRSS:");
  if (!hwm || !rss) return std::nullopt;
  return Memory{*hwm, *rss};
}

std::optional<unsigned long long> parse_stat_cpu_ticks(std::string_view stat) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  // After ')' come fields 3 (state) onwards; utime and stime are fields 14 and 15.
  unsigned long long values[2] = {0, 0};
  int field = 2;
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    if (i >= rest.size()) break;
    std::size_t j = i;
    while (j < rest.size() && rest[j] != ' ' && rest[j] != '\n') ++j;
    ++field;
    if (field == 14 || field == 15) {
      unsigned long long v = 0;
      const auto r = std::from_chars(rest.data() + i, rest.data() + j, v);
      if (r.ec != std::errc() || r.ptr != rest.data() + j) return std::nullopt;
      values[field - 14] = v;
      if (field == 15) return values[0] + values[1];
    }
    i = j;
    if (i < rest.size() && rest[i] == '\n') break;
  }
  return std::nullopt;
}

std::string parse_cpu_model(std::string_view cpuinfo) {
  std::size_t at = 0;
  while ((at = cpuinfo.find("model name", at)) != std::string_view::npos) {
    if (at == 0 || cpuinfo[at - 1] == '\n') {
      const auto colon = cpuinfo.find(':', at);
      const auto end = cpuinfo.find('\n', at);
      if (colon == std::string_view::npos || (end != std::string_view::npos && colon > end)) break;
      std::string_view v = cpuinfo.substr(colon + 1, end == std::string_view::npos ? std::string_view::npos : end - colon - 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.remove_suffix(1);
      if (!v.empty()) return std::string(v);
      break;
    }
    at += 10;
  }
  return "unknown CPU";
}

std::optional<std::string> read_proc(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<Memory> memory_of(pid_t pid) {
  const auto text = read_proc("/proc/" + std::to_string(pid) + "/status");
  return text ? parse_status(*text) : std::nullopt;
}

std::optional<double> cpu_seconds_of(pid_t pid) {
  const auto text = read_proc("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  const auto ticks = parse_stat_cpu_ticks(*text);
  const long hz = ::sysconf(_SC_CLK_TCK);
  if (!ticks || hz <= 0) return std::nullopt;
  return static_cast<double>(*ticks) / static_cast<double>(hz);
}

std::string cpu_model() {
  const auto text = read_proc("/proc/cpuinfo");
  return text ? parse_cpu_model(*text) : "unknown CPU";
}

double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace tmsproto::bench
