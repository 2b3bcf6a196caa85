#include "store/sql.h"

#include <charconv>

namespace tmsproto::store {

const SqlRows::Cell* SqlRows::cell(int row, int col) const {
  if (row < 0 || row >= size() || col < 0) return nullptr;
  const Row& r = rows_[static_cast<std::size_t>(row)];
  return static_cast<std::size_t>(col) < r.size() ? &r[static_cast<std::size_t>(col)] : nullptr;
}

bool SqlRows::is_null(int row, int col) const {
  const Cell* c = cell(row, col);
  return c == nullptr || std::holds_alternative<std::monostate>(*c);
}

std::int64_t SqlRows::integer(int row, int col) const {
  const Cell* c = cell(row, col);
  if (c == nullptr) return 0;
  if (const auto* n = std::get_if<std::int64_t>(c)) return *n;
  if (const auto* s = std::get_if<std::string>(c)) {
    std::int64_t v = 0;
    std::from_chars(s->data(), s->data() + s->size(), v);
    return v;
  }
  return 0;
}

std::string SqlRows::text(int row, int col) const {
  const Cell* c = cell(row, col);
  if (c == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(c)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(c)) return std::to_string(*n);
  if (const auto* b = std::get_if<Bytes>(c)) return std::string(b->begin(), b->end());
  return {};
}

Bytes SqlRows::blob(int row, int col) const {
  const Cell* c = cell(row, col);
  if (c == nullptr) return {};
  if (const auto* b = std::get_if<Bytes>(c)) return *b;
  if (const auto* s = std::get_if<std::string>(c)) return Bytes(s->begin(), s->end());
  return {};
}

}  // namespace tmsproto::store
