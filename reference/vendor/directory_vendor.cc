#include "vendor/directory_vendor.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <optional>
#include <string_view>
#include <system_error>

#include "vendor/database_rules.h"
#include "vendor/file_io.h"
#include "vendor/piece_range.h"

namespace tmsproto::vendor {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxTerminalsFile = 16u * 1024u * 1024u;

struct Folder {
  fs::path path;
  codec::Offer offer;
  Bytes manifest_octets;
};

// REQ-VND-011: the package folders in byte order of their names; names starting with '.' are
// publishing in progress and not yet part of the database. Any other entry that is not a
// well-formed package folder of this vendor makes the database unavailable.
std::optional<std::vector<Folder>> read_folders(const fs::path& root, const std::string& vendor_id) {
  std::vector<Folder> out;
  const fs::path packages = root / "packages";
  std::error_code ec;
  if (!fs::exists(packages, ec)) return ec ? std::nullopt : std::optional(out);
  std::vector<fs::path> names;
  for (fs::directory_iterator it(packages, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(".")) names.push_back(it->path());
  }
  if (ec) return std::nullopt;
  std::sort(names.begin(), names.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  for (const fs::path& dir : names) {
    auto manifest = read_file_bounded(dir / "manifest", codec::kMaxManifestLength);
    auto signature = read_file_bounded(dir / "signature", codec::kSignatureLength);
    if (!manifest || !signature || signature->size() != codec::kSignatureLength) return std::nullopt;
    auto offer = offer_from_octets(*manifest, *signature, vendor_id);
    if (!offer) return std::nullopt;
    out.push_back({dir, std::move(*offer), std::move(*manifest)});
  }
  return out;
}

// REQ-VND-015: a file system stamps times at its own granularity (a clock tick, 2 s on FAT), so two
// changes within one tick leave the same stamp. A stamp is trusted only once it is this much older
// than the listing read; until then every call lists afresh, as REQ-VND-011 has it.
constexpr std::int64_t kSettleNs = 2'000'000'000;

std::optional<FileStamp> stamp_of(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return std::nullopt;
  const auto ns = [](const struct timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; };
  return FileStamp{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                   static_cast<std::uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim)};
}

bool settled(const FileStamp& s, std::int64_t listed_at_ns) {
  return s.mtime_ns + kSettleNs < listed_at_ns && s.ctime_ns + kSettleNs < listed_at_ns;
}

std::int64_t now_ns() {
  struct timespec t {};
  ::clock_gettime(CLOCK_REALTIME, &t);
  return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

std::optional<std::string> read_vendor_id(const fs::path& root) {
  auto text = read_file_bounded(root / "vendor_id", 64);
  if (!text) return std::nullopt;
  std::string id(text->begin(), text->end());
  if (id.ends_with("\n")) id.pop_back();
  if (!valid_vendor_id(id)) return std::nullopt;
  return id;
}

std::string folder_name(std::uint32_t sequence, const codec::Manifest& m) {
  std::string name = std::to_string(sequence);
  name.insert(0, name.size() < 6 ? 6 - name.size() : 0, '0');
  name += '-';
  name += static_cast<char>(m.kind);
  name += '-';
  // NAME is ANS and may hold '/' or '.': only letters, digits, '-' and '_' reach the file name.
  for (char c : m.name) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
  name += "-v" + std::to_string(m.version);
  return name;
}

}  // namespace

Result<std::unique_ptr<DirectoryVendor>, std::string> DirectoryVendor::open(const fs::path& root) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return fail(root.string() + ": not a folder");
  auto id = read_vendor_id(root);
  // REQ-VND-010: the file vendor_id names the database's vendor; without it this is no database.
  if (!id) return fail((root / "vendor_id").string() + ": missing, unreadable or not a VENDOR_ID (1-8 letters and digits)");
  return std::unique_ptr<DirectoryVendor>(new DirectoryVendor(root, std::move(*id)));
}

Result<std::vector<codec::Offer>, tms::VendorError> DirectoryVendor::offers(const tms::OffersQuery& q) {
  if (q.vendor_id != vendor_id_) return fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  // REQ-VND-012: a terminals file lists the terminals the database knows; without it, all.
  std::error_code ec;
  const fs::path terminals = root_ / "terminals";
  if (fs::exists(terminals, ec) || ec) {
    auto text = read_file_bounded(terminals, kMaxTerminalsFile);
    if (!text) return fail(tms::VendorError::kUnavailable);
    if (!terminal_listed(std::string_view(reinterpret_cast<const char*>(text->data()), text->size()),
                         q.model_id, q.serial_no)) {
      return fail(tms::VendorError::kNotFound);
    }
  }
  auto folders = read_folders(root_, vendor_id_);
  if (!folders) return fail(tms::VendorError::kUnavailable);  // REQ-VND-011
  std::vector<codec::Offer> out;
  for (Folder& f : *folders) out.push_back(std::move(f.offer));
  return out;
}

// REQ-VND-015: the cached listing stands only while ROOT/packages, every package folder and every
// manifest have the identity and times they had when it was read, all of them settled. A publish
// renames a folder into ROOT/packages (its stamp changes); a folder removed or replaced, or a
// manifest rewritten, changes a stamp too. One stat per package and one for the folder per piece,
// instead of a listing and two reads of a file per package.
bool DirectoryVendor::cache_holds() const {
  if (!cache_valid_) return false;
  auto packages = stamp_of(root_ / "packages");
  if (!packages || !(*packages == packages_stamp_) || !settled(*packages, listed_at_ns_)) return false;
  for (const CachedPackage& p : cache_) {
    auto folder = stamp_of(p.folder);
    auto manifest = stamp_of(p.folder / "manifest");
    if (!folder || !manifest || !(*folder == p.folder_stamp) || !(*manifest == p.manifest_stamp)) return false;
    if (!settled(*folder, listed_at_ns_) || !settled(*manifest, listed_at_ns_)) return false;
  }
  return true;
}

void DirectoryVendor::refill_cache() {
  cache_valid_ = false;
  cache_.clear();
  ++listings_;
  listed_at_ns_ = now_ns();
  // Stamped before the reads: a change made while reading leaves a stamp at least this new, which
  // is not settled, so the next call lists afresh.
  auto packages = stamp_of(root_ / "packages");
  if (!packages) return;
  packages_stamp_ = *packages;
  std::vector<CachedPackage> stamped;
  std::error_code ec;
  for (fs::directory_iterator it(root_ / "packages", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) continue;
    auto folder = stamp_of(it->path());
    auto manifest = stamp_of(it->path() / "manifest");
    if (!folder || !manifest) return;
    stamped.push_back({it->path(), {}, *folder, *manifest});
  }
  if (ec) return;
  auto folders = read_folders(root_, vendor_id_);  // REQ-VND-011's checks, as for offers
  if (!folders || folders->size() != stamped.size()) return;
  for (Folder& f : *folders) {
    auto same = std::find_if(stamped.begin(), stamped.end(), [&](const CachedPackage& c) { return c.folder == f.path; });
    if (same == stamped.end()) return;
    same->manifest_octets = std::move(f.manifest_octets);
  }
  cache_ = std::move(stamped);
  cache_valid_ = true;
}

Result<Bytes, tms::VendorError> DirectoryVendor::piece(const tms::PieceQuery& q) {
  if (q.vendor_id != vendor_id_) return fail(tms::VendorError::kNotFound);  // REQ-TMS-027
  const Bytes wanted = codec::serialize(q.manifest);
  auto serve_from = [&](const fs::path& folder) -> Result<Bytes, tms::VendorError> {
    // REQ-VND-013: the piece's octets as the files hold them, read from the file now (never
    // cached); the engine checks their length.
    const PieceRange r = piece_range(q.manifest, q.section, q.index);
    bool past_end = false;
    auto data = read_file_range(folder / (q.section == codec::Section::kFit ? "fit" : "content"), r.offset, r.length,
                                past_end);
    if (data) return std::move(*data);
    return fail(past_end ? tms::VendorError::kNotFound : tms::VendorError::kUnavailable);
  };
  if (!cache_holds()) refill_cache();  // REQ-VND-015
  if (cache_valid_) {
    for (const CachedPackage& f : cache_) {
      if (f.manifest_octets == wanted) return serve_from(f.folder);
    }
    return fail(tms::VendorError::kNotFound);
  }
  // Not cacheable now (a folder changed while it was listed, or the database is damaged): the
  // listing of REQ-VND-011, read for this call alone.
  auto folders = read_folders(root_, vendor_id_);
  if (!folders) return fail(tms::VendorError::kUnavailable);
  for (const Folder& f : *folders) {
    if (f.manifest_octets == wanted) return serve_from(f.path);
  }
  return fail(tms::VendorError::kNotFound);
}

Result<fs::path, std::string> publish_to_directory(const fs::path& root, const SignedPackage& p) {
  // REQ-VND-014: nothing defective enters a database.
  if (auto defect = package_defect(p)) return fail(std::move(*defect));
  const codec::Manifest& m = p.offer.manifest;
  std::error_code ec;
  fs::create_directories(root / "packages", ec);
  if (ec) return fail((root / "packages").string() + ": " + ec.message());
  auto id = read_vendor_id(root);
  if (!id) {
    if (fs::exists(root / "vendor_id", ec)) return fail((root / "vendor_id").string() + ": not a VENDOR_ID");
    const std::string text = m.vendor_id + "\n";
    if (auto err = write_new_file_synced(root / "vendor_id", Bytes(text.begin(), text.end()))) return fail(*err);
    if (auto err = sync_directory(root)) return fail(*err);
    id = m.vendor_id;
  }
  // REQ-TMS-027: a database holds its own vendor's packages only.
  if (*id != m.vendor_id) return fail("the package is of vendor " + m.vendor_id + ", the database of vendor " + *id);
  auto folders = read_folders(root, *id);
  if (!folders) return fail(root.string() + ": the database holds a defective package folder; fix it first");
  const Bytes manifest = codec::serialize(m);
  std::uint32_t next = 1;
  for (const Folder& f : *folders) {
    if (f.manifest_octets == manifest) return fail("already published as " + f.path.string());
    const std::string name = f.path.filename().string();
    // A folder a script named otherwise does not count in the sequence.
    if (name.size() < 6 || !std::all_of(name.begin(), name.begin() + 6, [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    next = std::max(next, static_cast<std::uint32_t>(std::stoul(name.substr(0, 6))) + 1);
  }
  // Written under a '.' name that readers skip, synced, then renamed: all or nothing.
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = root / "packages" / (".publishing-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::create_directory(tmp, ec);
  if (ec) return fail(tmp.string() + ": " + ec.message());
  auto write_all = [&]() -> std::optional<std::string> {
    if (auto e = write_new_file_synced(tmp / "manifest", manifest)) return e;
    if (auto e = write_new_file_synced(tmp / "signature", p.offer.signature)) return e;
    if (auto e = write_new_file_synced(tmp / "fit", p.fit)) return e;
    if (auto e = write_new_file_synced(tmp / "content", p.content)) return e;
    return sync_directory(tmp);
  };
  const fs::path final_path = root / "packages" / folder_name(next, m);
  std::optional<std::string> err = write_all();
  if (!err) {
    fs::rename(tmp, final_path, ec);
    if (ec) err = final_path.string() + ": " + ec.message();
  }
  if (err) {
    fs::remove_all(tmp, ec);
    return fail(*err);
  }
  if (auto e = sync_directory(root / "packages")) return fail(*e);
  return final_path;
}

}  // namespace tmsproto::vendor
