// tmsproto vectors check FILE|DIR...: runs published known-answer files (vectors/README.md)
// through the reference implementation. The checking itself is vectors/runner.h; this file only
// finds files, reads them and prints.
//
// Output (stdout): one "FAIL ..." line per failure, then exactly "N passed, M failed".
// Exit status: 0 when M = 0 and N > 0; 1 when anything failed (or nothing was checked);
// 2 on a usage error (no subcommand, no paths, a path that cannot be read), with one line on stderr.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "vectors/document.h"
#include "vectors/runner.h"

namespace tmsproto::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUsage = "usage: tmsproto vectors check FILE|DIR...";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "tmsproto vectors: %s\n", message.c_str());
  return 2;
}

// Files named on the command line are taken as they are; directories contribute every *.json
// below them, in sorted order so that the output is the same on every machine.
bool collect(const std::string& arg, std::vector<std::string>& files, std::string& problem) {
  std::error_code ec;
  const fs::path path(arg);
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    problem = "cannot read '" + arg + "': " + (ec ? ec.message() : std::string("no such file or directory"));
    return false;
  }
  if (!fs::is_directory(st)) {
    files.push_back(arg);
    return true;
  }
  std::vector<std::string> found;
  fs::recursive_directory_iterator it(path, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fec;
    if (it->is_regular_file(fec) && it->path().extension() == ".json") found.push_back(it->path().string());
  }
  if (ec) {
    problem = "cannot read '" + arg + "': " + ec.message();
    return false;
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
  return true;
}

// Reads at most one byte more than the JSON reader accepts, so an oversized file is reported by the
// reader's own limit without being read whole.
bool read_file(const std::string& file, std::string& text) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  text.clear();
  std::istreambuf_iterator<char> it(in);
  const std::istreambuf_iterator<char> end;
  for (std::size_t n = 0; it != end && n <= vectors::kMaxDocument; ++it, ++n) text.push_back(*it);
  return !in.bad();
}

int check(std::span<const std::string_view> paths) {
  if (paths.empty()) return usage_error(std::string(kUsage));
  std::vector<std::string> files;
  for (const std::string_view p : paths) {
    std::string problem;
    if (!collect(std::string(p), files, problem)) return usage_error(problem);
  }
  std::size_t passed = 0;
  std::size_t failed = 0;
  for (const std::string& file : files) {
    std::string text;
    if (!read_file(file, text)) return usage_error("cannot read '" + file + "'");
    const vectors::DocumentOutcome outcome = vectors::check_text(text);
    for (const std::string& line : vectors::failure_lines(file, outcome)) std::printf("%s\n", line.c_str());
    passed += outcome.passed();
    failed += outcome.failed();
  }
  std::printf("%zu passed, %zu failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}

}  // namespace

int vectors_command(std::span<const std::string_view> args) {
  if (args.empty() || args.front() != "check") return usage_error(std::string(kUsage));
  return check(args.subspan(1));
}

}  // namespace tmsproto::cli
