// The secure unit's stand-in: delivered keys in one file of mode 0600 (REQ-DEV-006). A real
// terminal keeps them in its secure element and never lets them out; the reference terminal keeps
// them in clear hex in a file only its user can read, which is why its injection file and state
// directory are for test terminals only (REQ-DEV-003).
#include <optional>

#include "common/hex.h"
#include "crypto/kcv.h"
#include "device/state_directory.h"
#include "device/state_record.h"

namespace tmsproto::device {
namespace {

constexpr const char* kKeysFile = "keys";
constexpr std::size_t kMaxKeysFile = 64 * 1024;

std::optional<std::uint8_t> slot_of(const std::string& s) {
  auto b = from_hex(s);
  if (!b || b->size() != 1 || (*b)[0] == 0x00 || (*b)[0] == 0xFF) return std::nullopt;  // 0x01-0xFE
  return (*b)[0];
}

}  // namespace

Result<void, std::string> StateDirectory::load_keys() {
  const auto path = dir_ / kKeysFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};  // no key delivered yet
  auto file = read_file(path, kMaxKeysFile);
  if (!file.ok()) return fail(file.error());
  auto record = decode_record("keys", *file);
  crypto::secure_wipe(*file);
  if (!record.ok()) return fail(path.string() + ": " + record.error());  // REQ-DEV-011
  std::string defect;
  for (auto& line : *record) {
    const auto slot = line.size() == 3 ? slot_of(line[0]) : std::nullopt;
    auto key = line.size() == 3 ? from_hex(line[2]) : std::nullopt;
    const bool ok = slot && (line[1] == "T" || line[1] == "A") && key && !key->empty() && keys_.count(*slot) == 0;
    if (ok) keys_.emplace(*slot, std::make_pair(line[1][0], crypto::SecretBytes(*key)));
    if (key) crypto::secure_wipe(*key);
    for (std::string& t : line) wipe(t);
    if (!ok && defect.empty()) defect = path.string() + ": an entry is not \"<slot> <T|A> <key hex>\" or names a slot twice";
  }
  if (!defect.empty()) {
    keys_.clear();
    return fail(defect);
  }
  return {};
}

Result<void, std::string> StateDirectory::write_keys(
    const std::map<std::uint8_t, std::pair<char, crypto::SecretBytes>>& keys) {
  std::vector<std::string> lines;
  for (const auto& [slot, k] : keys) {
    const std::uint8_t s[] = {slot};
    lines.push_back(to_hex(s) + " " + std::string(1, k.first) + " " + to_hex(k.second.view()));
  }
  std::string record = encode_record("keys", lines);
  for (std::string& l : lines) wipe(l);
  // REQ-DEV-006: one file replaced whole (REQ-DEV-005), mode 0600 whatever the umask.
  auto w = io_.replace(dir_ / kKeysFile, ByteView(reinterpret_cast<const std::uint8_t*>(record.data()), record.size()),
                       "keys", 0600);
  wipe(record);
  if (!w.ok()) return fail(w.error());
  return {};
}

Result<void, ResponseCode> StateDirectory::install(const std::vector<terminal::DeliveredKey>& keys) {
  // REQ-KEY-022: all or none — the new set is built aside and switched by one rename (REQ-DEV-006);
  // REQ-KEY-026: a slot installed again is replaced.
  std::map<std::uint8_t, std::pair<char, crypto::SecretBytes>> next;
  for (const auto& [slot, k] : keys_) next.emplace(slot, std::make_pair(k.first, k.second.clone()));
  for (const terminal::DeliveredKey& k : keys) {
    if (k.slot == 0x00 || k.slot == 0xFF || (k.algorithm != 'T' && k.algorithm != 'A') || k.key.empty()) {
      return fail(ResponseCode::kKeyStorageFailed);  // not a key the secure unit can hold
    }
    next.insert_or_assign(k.slot, std::make_pair(k.algorithm, k.key.clone()));
  }
  if (auto w = write_keys(next); !w.ok()) {
    note_error(w.error());
    return fail(ResponseCode::kKeyStorageFailed);  // REQ-KEY-022: ABORT 21; the old keys stay
  }
  keys_ = std::move(next);
  return {};
}

// REQ-DL-041: the KCV of each key held (REQ-CRYPTO-009: 3 octets for TDES, 5 for AES).
std::vector<codec::HeldKey> StateDirectory::held() {
  std::vector<codec::HeldKey> out;
  for (const auto& [slot, k] : keys_) {
    const bool aes = k.first == 'A';
    auto full = crypto::kcv(aes ? crypto::Cipher::kAes : crypto::Cipher::kTdes, k.second.view());
    if (!full.ok()) continue;  // a key the secure unit cannot check is not reported as held
    out.push_back({slot, Bytes(full->begin(), full->begin() + (aes ? 5 : 3))});
  }
  return out;
}

}  // namespace tmsproto::device
