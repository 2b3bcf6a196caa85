// The report directory of --report-dir (REQ-CONF-033): checked before the run, written after it.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "conformance/runner/report.h"

namespace tmsproto::conformance {
namespace {

namespace fs = std::filesystem;

const char* const kFiles[] = {kJunitFile, kJsonFile, kHtmlFile};

std::string failure(const fs::path& p, const std::string& why) { return "--report-dir: cannot write " + p.string() + ": " + why; }

}  // namespace

Result<void, std::string> check_report_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail("--report-dir: cannot create " + dir.string() + ": " + ec.message());
  if (!fs::is_directory(dir, ec)) return fail("--report-dir: " + dir.string() + " is not a folder");
  // Each file opened as the run will open it; one made here only to try it is taken away again.
  for (const char* name : kFiles) {
    const fs::path p = dir / name;
    const bool existed = fs::exists(fs::symlink_status(p, ec));
    {
      std::ofstream probe(p, std::ios::app);
      if (!probe) return fail(failure(p, std::strerror(errno)));
    }
    if (!existed) fs::remove(p, ec);
  }
  return {};
}

Result<void, std::string> write_reports(const RunResult& r, const fs::path& dir) {
  const std::pair<const char*, std::string> files[] = {
      {kJunitFile, junit_xml(r)}, {kJsonFile, json_report(r)}, {kHtmlFile, html_report(r)}};
  for (const auto& [name, text] : files) {
    // Written beside and renamed: a reader never finds half a report, and an older one stays whole
    // when this one cannot be written.
    const fs::path p = dir / name;
    fs::path part = p;
    part += ".part";
    {
      std::ofstream f(part, std::ios::binary | std::ios::trunc);
      if (!f) return fail(failure(p, std::strerror(errno)));
      f << text;
      f.flush();
      if (!f) return fail(failure(p, "short write"));
    }
    std::error_code ec;
    fs::rename(part, p, ec);
    if (ec) {
      fs::remove(part, ec);
      return fail(failure(p, ec.message()));
    }
  }
  return {};
}

}  // namespace tmsproto::conformance
