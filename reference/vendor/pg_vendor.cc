#include "vendor/pg_vendor.h"

#include <algorithm>

#include "vendor/database_rules.h"
#include "vendor/piece_range.h"

namespace tmsproto::vendor {

namespace {

using store::PgConn;
using store::PgTransaction;

// REQ-VND-050: 17.4's tables with PostgreSQL's types, and the layout version in a table of its own
// (PostgreSQL has no user_version).
constexpr const char* kSchema =
    "CREATE TABLE vendor_layout (version integer NOT NULL);"
    "INSERT INTO vendor_layout VALUES (1);"
    "CREATE TABLE vendor (one integer PRIMARY KEY CHECK (one = 1), vendor_id text NOT NULL,"
    " terminals_listed integer NOT NULL DEFAULT 0 CHECK (terminals_listed IN (0, 1)));"
    "CREATE TABLE terminals (model_id text NOT NULL, serial_no text NOT NULL, PRIMARY KEY (model_id, serial_no));"
    "CREATE TABLE packages (position bigint PRIMARY KEY, manifest bytea NOT NULL UNIQUE, signature bytea NOT NULL,"
    " fit bytea NOT NULL, content bytea NOT NULL);";

// 0x544D5353 ("TMSS"), REQ-VND-050: every publisher into one database takes the same lock.
constexpr const char* kPublishLock = "SELECT pg_advisory_xact_lock(1414353747)";

// The layout version, or a one-line reason why this is not a vendor database.
Result<int, std::string> layout_version(PgConn& c) {
  auto has = c.exec("SELECT to_regclass('vendor_layout') IS NOT NULL");
  if (!has.ok()) return fail(has.error().message);
  if (has->text(0, 0) != "t") return 0;
  auto v = c.exec("SELECT version FROM vendor_layout");
  if (!v.ok()) return fail(v.error().message);
  if (v->size() != 1 || !v->integer(0, 0)) return fail(std::string("vendor_layout does not hold one version"));
  return static_cast<int>(*v->integer(0, 0));
}

// REQ-VND-051: a session of the adapter's, read-only: the TMS never writes into a vendor's database.
Result<PgConn, std::string> connect_read_only(const std::string& url) {
  auto c = PgConn::connect(url);
  if (!c.ok()) return fail(c.error().message);
  if (auto r = c->exec("SET default_transaction_read_only = on"); !r.ok()) return fail(r.error().message);
  return std::move(c).value();
}

std::optional<std::string> stored_vendor_id(PgConn& c) {
  auto r = c.exec("SELECT vendor_id FROM vendor WHERE one = 1");
  if (!r.ok() || r->size() != 1 || !r->text(0, 0) || !valid_vendor_id(*r->text(0, 0))) return std::nullopt;
  return *r->text(0, 0);
}

}  // namespace

Result<std::unique_ptr<PgVendor>, std::string> PgVendor::open(const std::string& url) {
  auto c = connect_read_only(url);
  if (!c.ok()) return fail(c.error());
  auto version = layout_version(*c);
  if (!version.ok()) return fail("PostgreSQL vendor database: " + version.error());
  if (*version != kPgLayoutVersion) {
    return fail("PostgreSQL vendor database: layout version " + std::to_string(*version) + ", this TMS reads version " +
                std::to_string(kPgLayoutVersion) + " (spec/17 17.7)");
  }
  auto id = stored_vendor_id(*c);
  if (!id) return fail(std::string("PostgreSQL vendor database: no vendor row with a VENDOR_ID (1-8 letters and digits)"));
  auto probe = c->exec("SELECT position, manifest, signature, fit, content FROM packages LIMIT 0");
  auto probe_terminals = c->exec("SELECT model_id, serial_no FROM terminals LIMIT 0");
  if (!probe.ok() || !probe_terminals.ok()) {
    return fail("PostgreSQL vendor database: not the tables of spec/17 17.4: " +
                (probe.ok() ? probe_terminals.error().message : probe.error().message));
  }
  return std::unique_ptr<PgVendor>(new PgVendor(url, std::move(c).value(), std::move(*id)));
}

store::PgConn* PgVendor::connection() {
  if (conn_) return &*conn_;
  // REQ-VND-051: the server came back (or not): connect again.
  auto c = connect_read_only(url_);
  if (!c.ok()) return nullptr;
  conn_.emplace(std::move(c).value());
  return &*conn_;
}

Result<std::vector<codec::Offer>, tms::VendorError> PgVendor::offers(const tms::OffersQuery& q) {
  if (q.vendor_id != vendor_id_) return fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  std::lock_guard lock(mutex_);
  PgConn* c = connection();
  if (c == nullptr) return fail(tms::VendorError::kUnavailable);
  bool lost = false;  // a statement failed: the connection is dropped once the transaction has ended
  auto answer = [&]() -> Result<std::vector<codec::Offer>, tms::VendorError> {
    auto unavailable = [&lost] {
      lost = true;
      return fail(tms::VendorError::kUnavailable);
    };
    // REQ-VND-051, REQ-VND-022: one snapshot, so a publisher's commit is seen whole or not at all.
    auto tx = PgTransaction::begin(*c);
    if (!tx.ok() || !c->exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").ok()) return unavailable();
    auto listed = c->exec("SELECT terminals_listed FROM vendor WHERE one = 1");
    if (!listed.ok() || listed->size() != 1 || !listed->integer(0, 0)) return unavailable();
    if (*listed->integer(0, 0) != 0) {  // REQ-VND-012
      auto known = c->exec("SELECT 1 FROM terminals WHERE model_id = $1 AND serial_no = $2", {q.model_id, q.serial_no});
      if (!known.ok()) return unavailable();
      if (known->size() == 0) return fail(tms::VendorError::kNotFound);
    }
    auto rows = c->exec("SELECT manifest, signature FROM packages ORDER BY position");
    if (!rows.ok()) return unavailable();
    std::vector<codec::Offer> out;
    for (int i = 0; i < rows->size(); ++i) {
      // REQ-VND-022: a row that is not a package of this vendor makes the database unavailable.
      auto manifest = rows->bytes(i, 0);
      auto signature = rows->bytes(i, 1);
      if (!manifest || !signature) return fail(tms::VendorError::kUnavailable);
      auto offer = offer_from_octets(*manifest, *signature, vendor_id_);
      if (!offer) return fail(tms::VendorError::kUnavailable);
      out.push_back(std::move(*offer));
    }
    if (!tx->commit().ok()) return unavailable();
    return out;
  }();
  if (lost) conn_.reset();  // REQ-VND-051: the next call connects again
  return answer;
}

Result<Bytes, tms::VendorError> PgVendor::piece(const tms::PieceQuery& q) {
  if (q.vendor_id != vendor_id_) return fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  std::lock_guard lock(mutex_);
  PgConn* c = connection();
  if (c == nullptr) return fail(tms::VendorError::kUnavailable);
  // REQ-VND-013: only the piece's octets leave the server, never the whole package.
  const char* sql = q.section == codec::Section::kFit
                        ? "SELECT length(fit), substring(fit FROM $2::integer FOR $3::integer) FROM packages "
                          "WHERE manifest = $1"
                        : "SELECT length(content), substring(content FROM $2::integer FOR $3::integer) FROM packages "
                          "WHERE manifest = $1";
  const PieceRange r = piece_range(q.manifest, q.section, q.index);
  const Bytes manifest = codec::serialize(q.manifest);
  // PostgreSQL's substring takes 32-bit positions and refuses a negative length, where SQLite's
  // substr is lenient; a range beyond that is past any section a manifest can describe.
  constexpr std::uint64_t kMaxPosition = 0x7FFFFFFF;
  if (r.offset >= kMaxPosition) return fail(tms::VendorError::kNotFound);
  auto rows = c->exec(sql, {ByteView(manifest), static_cast<std::int64_t>(r.offset) + 1,
                            static_cast<std::int64_t>(std::min(r.length, kMaxPosition))});
  if (!rows.ok()) {
    conn_.reset();  // REQ-VND-051: the next call connects again
    return fail(tms::VendorError::kUnavailable);
  }
  if (rows->size() == 0) return fail(tms::VendorError::kNotFound);
  const auto length = rows->integer(0, 0);
  if (!length) return fail(tms::VendorError::kUnavailable);
  if (static_cast<std::uint64_t>(*length) <= r.offset) return fail(tms::VendorError::kNotFound);
  auto octets = rows->bytes(0, 1);
  if (!octets) return fail(tms::VendorError::kUnavailable);
  return std::move(*octets);
}

Result<void, std::string> publish_to_postgresql(const std::string& url, const SignedPackage& p) {
  if (auto defect = package_defect(p)) return fail(std::move(*defect));  // REQ-VND-014
  const codec::Manifest& m = p.offer.manifest;
  auto c = PgConn::connect(url);
  if (!c.ok()) return fail(c.error().message);
  // REQ-VND-050: all or nothing, one publisher at a time.
  auto tx = PgTransaction::begin(*c);
  if (!tx.ok()) return fail(tx.error().message);
  if (auto r = c->exec(kPublishLock); !r.ok()) return fail(r.error().message);
  auto version = layout_version(*c);
  if (!version.ok()) return fail("PostgreSQL vendor database: " + version.error());
  if (*version == 0) {
    // REQ-VND-050: the tables only in a database with none: never someone else's database.
    auto tables = c->exec("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
    if (!tables.ok() || tables->integer(0, 0).value_or(1) != 0) {
      return fail(std::string("PostgreSQL database: it has tables but no vendor_layout: not a vendor database, not touched"));
    }
    if (auto r = c->exec_script(kSchema); !r.ok()) return fail("cannot create the vendor tables: " + r.error().message);
    if (auto r = c->exec("INSERT INTO vendor (one, vendor_id) VALUES (1, $1)", {m.vendor_id}); !r.ok()) {
      return fail(r.error().message);
    }
  } else if (*version != kPgLayoutVersion) {
    return fail("PostgreSQL vendor database: layout version " + std::to_string(*version) + ", not " +
                std::to_string(kPgLayoutVersion));
  }
  auto id = stored_vendor_id(*c);
  if (!id) return fail(std::string("PostgreSQL vendor database: no vendor row with a VENDOR_ID"));
  if (*id != m.vendor_id) return fail("the package is of vendor " + m.vendor_id + ", the database of vendor " + *id);
  const Bytes manifest = codec::serialize(m);
  auto there = c->exec("SELECT 1 FROM packages WHERE manifest = $1", {ByteView(manifest)});
  if (!there.ok()) return fail(there.error().message);
  if (there->size() != 0) return fail(std::string("already published in the PostgreSQL database (the same manifest)"));
  auto ins = c->exec(
      "INSERT INTO packages (position, manifest, signature, fit, content)"
      " VALUES ((SELECT coalesce(max(position), 0) + 1 FROM packages), $1, $2, $3, $4)",
      {ByteView(manifest), ByteView(p.offer.signature), ByteView(p.fit), ByteView(p.content)});
  if (!ins.ok()) return fail(ins.error().message);
  if (auto r = tx->commit(); !r.ok()) return fail("cannot commit: " + r.error().message);
  return {};
}

}  // namespace tmsproto::vendor
