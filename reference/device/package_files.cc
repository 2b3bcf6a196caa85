// Installed packages, the record of last applies and the master application's two slots; apply()
// switches a package by one rename of a file that carries its VERSION with its content, so the
// version and the content can never disagree (REQ-DEV-009, REQ-SEC-009).
#include <charconv>
#include <limits>

#include "common/hex.h"
#include "crypto/digest.h"
#include "device/state_directory.h"
#include "device/state_record.h"
#include "session/download_math.h"

namespace tmsproto::device {
namespace {

constexpr std::string_view kPackageMagic = "tmsproto-package 1 ";
constexpr std::size_t kMaxPackage = 64u * 1024 * 1024 + 4096;  // LENGTH's limit (REQ-MSG-090) and a header

std::optional<std::uint32_t> number(std::string_view s, std::uint32_t least = 0) {
  std::uint64_t v = 0;
  if (s.empty() || s.size() > 10) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > std::numeric_limits<std::uint32_t>::max() || v < least) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(v);
}

std::string name_hex(const std::string& name) {
  return to_hex(ByteView(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()));
}

std::optional<std::string> name_of(const std::string& hex) {
  auto b = from_hex(hex);
  if (!b || b->empty() || b->size() > kPackageNameWidth) return std::nullopt;
  for (std::uint8_t c : *b) {
    if (c < 0x21 || c > 0x7E) return std::nullopt;  // NAME is ANS (REQ-MSG-010)
  }
  return std::string(b->begin(), b->end());
}

std::optional<codec::PackageKind> kind_of(std::string_view s) {
  if (s.size() != 1 || std::string_view("AMPD").find(s[0]) == std::string_view::npos) return std::nullopt;
  return static_cast<codec::PackageKind>(s[0]);
}

ByteView view(const std::string& s) { return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); }

}  // namespace

// REQ-DEV-011: each installed file's header names it and gives its length and SHA-256.
Result<void, std::string> StateDirectory::load_installed() {
  const auto folder = dir_ / "installed";
  std::error_code ec;
  if (!std::filesystem::exists(folder, ec)) return {};
  for (auto it = std::filesystem::directory_iterator(folder, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    const auto& path = it->path();
    auto file = read_file(path, kMaxPackage);
    if (!file.ok()) return fail(file.error());
    const std::string_view text(reinterpret_cast<const char*>(file->data()), file->size());
    const std::size_t nl = text.find('\n');
    if (text.substr(0, kPackageMagic.size()) != kPackageMagic || nl == std::string_view::npos || nl > 256) {
      return fail(path.string() + ": not an installed package (no header)");
    }
    std::vector<std::string> t;
    for (std::string_view rest = text.substr(kPackageMagic.size(), nl - kPackageMagic.size()); !rest.empty();) {
      const std::size_t sp = rest.find(' ');
      t.emplace_back(rest.substr(0, sp));
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
    }
    const char* const shape = ": header is not \"<KIND> <NAME hex> <VERSION> <LENGTH> <SHA-256>\"";
    if (t.size() != 5) return fail(path.string() + shape);
    const auto kind = kind_of(t[0]);
    const auto name = name_of(t[1]);
    const auto version = number(t[2], 1);
    const auto length = number(t[3]);
    if (!kind || !name || !version || !length || *kind == codec::PackageKind::kMaster) {
      return fail(path.string() + shape);
    }
    if (installed_file(*kind, *name) != path) return fail(path.string() + ": header names another package");
    const ByteView content = ByteView(*file).subspan(nl + 1);
    if (content.size() != *length) {
      return fail(path.string() + ": " + std::to_string(content.size()) + " octets of content, header says " + t[3]);
    }
    if (to_hex(crypto::sha256(content)) != t[4]) return fail(path.string() + ": content does not match its SHA-256");
    installed_[{*kind, *name}] = Installed{*version};
  }
  if (ec) return fail(folder.string() + ": " + ec.message());
  return {};
}

Result<void, std::string> StateDirectory::load_applies() {
  const auto path = dir_ / "applies";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  auto file = read_file(path, 1024 * 1024);
  if (!file.ok()) return fail(file.error());
  auto record = decode_record("applies", *file);
  if (!record.ok()) return fail(path.string() + ": " + record.error());  // REQ-DEV-011
  for (const auto& line : *record) {
    const std::string bad = path.string() + ": an entry is not \"<KIND> <NAME hex> <VERSION> <00|18|22>\"";
    if (line.size() != 4) return fail(bad);
    const auto kind = kind_of(line[0]);
    const auto name = name_of(line[1]);
    const std::uint32_t version = number(line[2], 1).value_or(0);
    const std::uint32_t result = number(line[3]).value_or(1);
    if (!kind || !name || version == 0 || (result != 0 && result != 18 && result != 22)) {  // REQ-DL-041: 00, 18, 22
      return fail(bad);
    }
    codec::LastApply a{{*kind, *name, version}, static_cast<ResponseCode>(result)};
    // REQ-DEV-009: an attempt recorded as failed whose version is the one installed (or, for the
    // master application, written into a slot) was killed after its switch: it succeeded.
    const bool switched = *kind == codec::PackageKind::kMaster
                              ? master_ && master_->name == *name &&
                                    (master_->slots.version[0] == version || master_->slots.version[1] == version)
                              : installed_version(*kind, *name) == version;
    if (a.result == ResponseCode::kApplyFailed && switched) a.result = ResponseCode::kSuccess;
    applies_[{*kind, *name}] = a;
  }
  return {};
}

// REQ-DEV-010: one line "<NAME hex> <running> <version 1> <version 2> <state>"; the slot files the
// record does not name are a kill's leftovers and go.
Result<void, std::string> StateDirectory::load_master() {
  const auto path = dir_ / "master";
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto file = read_file(path, 4096);
    if (!file.ok()) return fail(file.error());
    auto record = decode_record("master", *file);
    if (!record.ok()) return fail(path.string() + ": " + record.error());  // REQ-DEV-011
    // One shape check up front, so that every field below is parsed from a line that has it.
    const char* const shape = ": not \"<NAME hex> <1|2> <version 1> <version 2> <0|1|2>\"";
    if (record->size() != 1 || record->at(0).size() != 5) return fail(path.string() + shape);
    const auto& line = record->at(0);
    const auto name = name_of(line[0]);
    const std::uint32_t running = number(line[1], 1).value_or(0);
    const auto v1 = number(line[2]);
    const auto v2 = number(line[3]);
    const std::uint32_t state = number(line[4]).value_or(3);
    if (!name || running < 1 || running > 2 || !v1 || !v2 || state > 2) return fail(path.string() + shape);
    terminal::MasterSlots slots;
    slots.running = static_cast<std::uint8_t>(running);
    slots.version = {*v1, *v2};
    slots.state = static_cast<codec::SwitchState>(state);
    master_ = Master{*name, slots};
  }
  for (auto it = std::filesystem::directory_iterator(dir_, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    const std::string f = it->path().filename().string();
    if (f.rfind("master-slot-", 0) != 0) continue;
    // REQ-DEV-010: a slot file the record does not name was written by an apply a kill interrupted.
    const bool named = master_ && (it->path() == master_slot_file(1, master_->slots.version[0]) ||
                                   it->path() == master_slot_file(2, master_->slots.version[1]));
    std::error_code ignored;
    if (!named) std::filesystem::remove(it->path(), ignored);
  }
  return {};
}

Result<void, std::string> StateDirectory::write_applies(
    const std::map<std::pair<codec::PackageKind, std::string>, codec::LastApply>& applies) {
  std::vector<std::string> lines;
  for (const auto& [key, a] : applies) {
    lines.push_back(std::string(1, static_cast<char>(key.first)) + " " + name_hex(key.second) + " " +
                    std::to_string(a.package.version) + " " + std::to_string(static_cast<unsigned>(a.result)));
  }
  const std::string record = encode_record("applies", lines);
  auto w = io_.replace(dir_ / "applies", view(record), "applies");
  if (!w.ok()) return fail(w.error());
  return {};
}

Result<void, std::string> StateDirectory::write_master(const std::optional<Master>& m) {
  if (!m) return {};
  const std::string line = name_hex(m->name) + " " + std::to_string(m->slots.running) + " " +
                           std::to_string(m->slots.version[0]) + " " + std::to_string(m->slots.version[1]) + " " +
                           std::to_string(static_cast<unsigned>(m->slots.state));
  const std::string record = encode_record("master", {line});
  auto w = io_.replace(dir_ / "master", view(record), "master");
  if (!w.ok()) return fail(w.error());
  return {};
}

std::vector<codec::InstalledPackage> StateDirectory::installed() {
  std::map<std::pair<codec::PackageKind, std::string>, std::uint32_t> all;
  for (const auto& [key, p] : installed_) all[key] = p.version;
  // REQ-DL-051: the installed version of KIND M is the version that runs.
  if (master_ && master_->slots.running_version() != 0) {
    all[{codec::PackageKind::kMaster, master_->name}] = master_->slots.running_version();
  }
  std::vector<codec::InstalledPackage> out;
  for (const auto& [key, version] : all) out.push_back({key.first, key.second, version});
  return out;
}

std::uint32_t StateDirectory::installed_version(codec::PackageKind kind, const std::string& name) {
  if (kind == codec::PackageKind::kMaster) {
    return master_ && master_->name == name ? master_->slots.running_version() : 0;  // REQ-DL-051
  }
  auto it = installed_.find({kind, name});
  return it == installed_.end() ? 0 : it->second.version;
}

void StateDirectory::record_refused_apply(const codec::Manifest& m) {
  // REQ-DL-041: RESULT 18, which the record's format already holds (REQ-DEV-009).
  applies_[{m.kind, m.name}] = {{m.kind, m.name, m.version}, ResponseCode::kIntegrityFailed};
  if (auto w = write_applies(applies_); !w.ok()) note_error(w.error());
}

Result<void, ResponseCode> StateDirectory::apply(const codec::Manifest& m, const terminal::ManifestId& id) {
  // REQ-DEV-009, REQ-DL-041: the attempt is recorded as failed before anything switches; if even
  // that cannot be written, nothing is switched.
  auto next_applies = applies_;
  next_applies[{m.kind, m.name}] = {{m.kind, m.name, m.version}, ResponseCode::kApplyFailed};
  applies_ = next_applies;  // this run reports the attempt whatever the disk does
  if (auto w = write_applies(next_applies); !w.ok()) {
    note_error(w.error());
    return fail(ResponseCode::kApplyFailed);
  }
  // REQ-DL-030: the staged package, whole, checked against PKG_DIGEST before it replaces anything.
  Bytes content;
  const std::uint32_t n = session::data_piece_count(m);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto piece = read_piece(id, i);
    if (!piece) return fail(ResponseCode::kApplyFailed);
    content.insert(content.end(), piece->begin(), piece->end());
  }
  if (content.size() != m.length || crypto::sha256(content) != m.pkg_digest) return fail(ResponseCode::kApplyFailed);
  auto switched = m.kind == codec::PackageKind::kMaster ? switch_master(m, content) : switch_package(m, content);
  if (!switched.ok()) return switched;  // REQ-SEC-009: the old version stays
  applies_[{m.kind, m.name}].result = ResponseCode::kSuccess;
  // After the switch a failed record is corrected at the next open (REQ-DEV-009), so the apply stands.
  if (auto w = write_applies(applies_); !w.ok()) note_error(w.error());
  discard(id);
  return {};
}

Result<void, ResponseCode> StateDirectory::switch_package(const codec::Manifest& m, const Bytes& content) {
  if (auto d = io_.make_dir(dir_ / "installed", "apply"); !d.ok()) {
    note_error(d.error());
    return fail(ResponseCode::kApplyFailed);
  }
  // REQ-DEV-009: header and content in one file, switched by one rename (REQ-DEV-005).
  const std::string header = std::string(kPackageMagic) + static_cast<char>(m.kind) + " " + name_hex(m.name) + " " +
                             std::to_string(m.version) + " " + std::to_string(content.size()) + " " +
                             to_hex(crypto::sha256(content)) + "\n";
  Bytes file(header.begin(), header.end());
  file.insert(file.end(), content.begin(), content.end());
  if (auto w = io_.replace(installed_file(m.kind, m.name), file, "apply"); !w.ok()) {
    note_error(w.error());
    return fail(ResponseCode::kApplyFailed);  // REQ-DL-030: 22, the old version installed
  }
  installed_[{m.kind, m.name}] = Installed{m.version};  // REQ-DL-031
  return {};
}

Result<void, ResponseCode> StateDirectory::switch_master(const codec::Manifest& m, const Bytes& content) {
  Master next = master_ ? *master_ : Master{m.name, terminal::MasterSlots{}};
  next.name = m.name;
  const std::uint8_t slot = next.slots.other();
  const std::uint32_t replaced = next.slots.other_version();
  // REQ-DL-050: into the slot that is not running, under a name of its own version, so that the
  // slot file the record names is never overwritten (REQ-DEV-010).
  const auto path = master_slot_file(slot, m.version);
  if (auto w = io_.replace(path, content, "apply-master"); !w.ok()) {
    note_error(w.error());
    return fail(ResponseCode::kApplyFailed);  // the running slot untouched
  }
  // REQ-DL-050: checked there against PKG_DIGEST, then marked.
  auto written = read_file(path, kMaxPackage);
  if (!written.ok() || crypto::sha256(*written) != m.pkg_digest) {
    (void)io_.remove(path, "apply-master-undo");
    return fail(ResponseCode::kApplyFailed);
  }
  next.slots.install(m.version);
  if (auto w = write_master(next); !w.ok()) {
    note_error(w.error());
    (void)io_.remove(path, "apply-master-undo");
    return fail(ResponseCode::kApplyFailed);
  }
  master_ = next;
  if (replaced != 0 && replaced != m.version) (void)io_.remove(master_slot_file(slot, replaced), "apply-master-old");
  return {};
}

std::vector<codec::LastApply> StateDirectory::last_apply() {
  std::vector<codec::LastApply> out;
  for (const auto& [key, a] : applies_) out.push_back(a);
  return out;
}

std::optional<codec::MasterApp> StateDirectory::master_app() {
  if (!master_ || master_->slots.running_version() == 0) return std::nullopt;
  return master_->slots.report();  // REQ-DL-053
}

Result<void, std::string> StateDirectory::start_master(bool comes_up) {
  if (!master_ || master_->slots.state != codec::SwitchState::kPending) return {};
  Master next = *master_;
  next.slots.start(comes_up);  // REQ-DL-051
  if (auto w = write_master(next); !w.ok()) return fail(w.error());
  master_ = next;
  return {};
}

std::optional<Bytes> StateDirectory::installed_content(codec::PackageKind kind, const std::string& name) {
  if (kind == codec::PackageKind::kMaster) {
    if (!master_ || master_->name != name || master_->slots.running_version() == 0) return std::nullopt;
    auto r = read_file(master_slot_file(master_->slots.running, master_->slots.running_version()), kMaxPackage);
    if (!r.ok()) return std::nullopt;  // the factory's slot 1 has no file
    return std::move(*r);
  }
  if (installed_.count({kind, name}) == 0) return std::nullopt;
  auto file = read_file(installed_file(kind, name), kMaxPackage);
  if (!file.ok()) return std::nullopt;
  const auto nl = std::find(file->begin(), file->end(), std::uint8_t{'\n'});
  if (nl == file->end()) return std::nullopt;
  return Bytes(nl + 1, file->end());
}

}  // namespace tmsproto::device
