#include "bench/table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace tmsproto::bench {

std::string format_number(std::optional<double> v) {
  if (!v || !std::isfinite(*v)) return "-";
  const double a = std::fabs(*v);
  char buf[64];
  // Three significant digits for small values, whole numbers for large ones: a table of rates,
  // microseconds and ratios, never in exponent form.
  if (a >= 1000 || a == 0) std::snprintf(buf, sizeof buf, "%.0f", *v);
  else if (a >= 100) std::snprintf(buf, sizeof buf, "%.1f", *v);
  else if (a >= 10) std::snprintf(buf, sizeof buf, "%.2f", *v);
  else if (a >= 0.001) std::snprintf(buf, sizeof buf, "%.3f", *v);
  else std::snprintf(buf, sizeof buf, "%.6f", *v);
  return buf;
}

namespace {

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }
std::string lpad(const std::string& s, std::size_t w) { return s.size() >= w ? s : std::string(w - s.size(), ' ') + s; }

std::string verdict(const Row& r) {
  if (!r.goal_met) return "";
  return *r.goal_met ? " met" : " MISSED";
}

}  // namespace

std::string format_table(const Report& r) {
  std::string out = "tmsproto bench (" + r.mode + "): " + r.cpu_model + ", " + std::to_string(r.cores) + " cores\n";
  for (const auto& n : r.notes) out += "  " + n + "\n";
  std::size_t wn = 6, wb = 8;
  for (const Row& row : r.rows) {
    wn = std::max(wn, row.name.size());
    wb = std::max(wb, row.baseline_name.size());
  }
  std::string last_part;
  const std::string head = pad("figure", wn) + "  " + lpad("value", 10) + "  " + pad("baseline", wb) + "  " +
                           lpad("value", 10) + "  " + lpad("ratio", 7) + "  goal\n";
  for (const Row& row : r.rows) {
    if (row.part != last_part) {
      out += "\n" + row.part + "\n" + head;
      last_part = row.part;
    }
    out += pad(row.name, wn) + "  " + lpad(format_number(row.figure), 10) + "  " + pad(row.baseline_name, wb) + "  " +
           lpad(row.baseline_name.empty() ? "" : format_number(row.baseline), 10) + "  " +
           lpad(row.ratio ? format_number(row.ratio) : "", 7) + "  " + row.goal + verdict(row) + "\n";
    if (!row.note.empty()) out += "    " + row.note + "\n";
  }
  return out;
}

std::string to_json(const Report& r) {
  nlohmann::json j;
  j["format"] = 1;
  j["cpu_model"] = r.cpu_model;
  j["cores"] = r.cores;
  j["mode"] = r.mode;
  j["notes"] = r.notes;
  auto opt = [](std::optional<double> v) -> nlohmann::json {
    if (!v || !std::isfinite(*v)) return nullptr;
    return *v;
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const Row& row : r.rows) {
    nlohmann::json x;
    x["part"] = row.part;
    x["name"] = row.name;
    x["figure"] = opt(row.figure);
    x["baseline_name"] = row.baseline_name;
    x["baseline"] = opt(row.baseline);
    x["ratio"] = opt(row.ratio);
    x["goal"] = row.goal;
    x["goal_met"] = row.goal_met ? nlohmann::json(*row.goal_met) : nlohmann::json(nullptr);
    x["note"] = row.note;
    rows.push_back(std::move(x));
  }
  j["rows"] = std::move(rows);
  return j.dump(2) + "\n";
}

}  // namespace tmsproto::bench
