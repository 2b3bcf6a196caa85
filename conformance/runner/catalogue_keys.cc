// The catalogue's group of forged key blocks: DWK_1 rebuilt under the DMK with another header or
// parity (REQ-CRYPTO-031, REQ-CRYPTO-018), and keys delivered under a correct KEY_MAC, in TR-31
// blocks that verify under K_KEK (or do not, REQ-CRYPTO-011), whose header, slot or strength breaks
// one rule of REQ-CRYPTO-035, the standard-slot registry or the strength rule (spec/05-keys.md
// 5.3-5.4). Every such key is refused with ABORT 18 and nothing stored (row T3, REQ-KEY-021).
// A scenario about a slot's rule names the slot it needs: without it in the terminal's slot table
// it is SKIP, since a key for a slot the table does not hold is refused whatever its header says.
#include <algorithm>

#include "codec/handshake_messages.h"
#include "codec/key_message.h"
#include "conformance/runner/catalogue.h"
#include "crypto/random.h"

namespace tmsproto::conformance {
namespace {

// The standard slots (spec/05-keys.md 5.4) and the vendor slot the scenario of REQ-KEY-014 needs.
constexpr std::uint8_t kTmk = 0x01;
constexpr std::uint8_t kPin = 0x02;
constexpr std::uint8_t kMac = 0x03;
constexpr std::uint8_t kData = 0x04;
constexpr std::uint8_t kVendor = 0x80;

using Edit = forge::SessionKeys::KeyEdit;

Scenario must(std::string name, std::vector<std::string> reqs, std::string description,
              std::optional<Profile> profile, std::vector<SessionPlan> sessions) {
  return Scenario{std::move(name), std::move(reqs), Level::kMust, std::move(description), profile,
                  std::move(sessions)};
}

// KEY_MESSAGE with the entry of `slot` rebuilt by `edit` under K_KEK (its KCV of the edited key),
// KEY_MAC recomputed; sent unchanged when the TMS delivered no key into `slot`, which fails the
// scenario visibly.
Change rewrap_slot(std::uint8_t slot, Edit edit) {
  return forge_message(MsgType::kKeyMessage, 0, [slot, edit](ByteView body, const Forgery& f) -> Bytes {
    auto m = codec::parse_key_message(body, f.keys.profile());
    if (!m.ok()) return {};
    auto e = std::find_if(m->entries.begin() + 1, m->entries.end(),
                          [slot](const codec::KeyEntry& x) { return x.slot == slot; });
    if (e == m->entries.end()) return {};
    crypto::OsRandom rng;
    *e = f.keys.rewrap(*e, edit, rng);
    if (e->key_block.empty()) return {};
    return f.keys.with_key_mac(*m);
  });
}

// KEY_MESSAGE with one more entry: the key of `from` rebuilt by `edit` and delivered into `slot`
// too, in its place in ascending order (REQ-MSG-060), KEY_MAC recomputed.
Change add_entry(std::uint8_t from, std::uint8_t slot, Edit edit) {
  return forge_message(MsgType::kKeyMessage, 0, [from, slot, edit](ByteView body, const Forgery& f) -> Bytes {
    auto m = codec::parse_key_message(body, f.keys.profile());
    if (!m.ok()) return {};
    auto source = std::find_if(m->entries.begin() + 1, m->entries.end(),
                               [from](const codec::KeyEntry& x) { return x.slot == from; });
    if (source == m->entries.end()) return {};
    crypto::OsRandom rng;
    codec::KeyEntry added = f.keys.rewrap(*source, edit, rng);
    if (added.key_block.empty()) return {};
    added.slot = slot;
    auto at = std::find_if(m->entries.begin() + 1, m->entries.end(),
                           [slot](const codec::KeyEntry& x) { return x.slot > slot; });
    m->entries.insert(at, std::move(added));
    return f.keys.with_key_mac(*m);
  });
}

Scenario slot_rule(std::string name, std::vector<std::string> reqs, std::string description, std::uint8_t slot,
                   std::string because, Change change, std::optional<Profile> profile = std::nullopt,
                   std::optional<profile::SlotRule> rule = std::nullopt) {
  Scenario s{std::move(name),
             std::move(reqs),
             Level::kMust,
             std::move(description),
             profile,
             {key(aborts(ResponseCode::kIntegrityFailed, std::move(because)), std::move(change))}};
  if (slot != 0) s.slots[slot] = rule;
  return s;
}

// DWK_1 rebuilt under the DMK with `edit`, TAC_1 recomputed (REQ-CRYPTO-031).
Change rebuilt_dwk1(forge::SessionKeys::KeyEdit edit) {
  return forge_message(MsgType::kHsAuthRequest, 0, [edit](ByteView body, const Forgery& f) -> Bytes {
    auto m = codec::parse_hs_auth_request(body);
    if (!m.ok()) return {};
    crypto::OsRandom rng;
    return f.keys.with_dwk1(*m, edit, rng);
  });
}

// REQ-CRYPTO-018: every parity bit (the low bit of each octet) of a DES or TDES key inverted.
void invert_parity(keyblock::Tr31Header&, Bytes& key) {
  for (auto& o : key) o ^= 0x01;
}

// KEY_MESSAGE with every entry (from `first` on) rebuilt by `edit`, KEY_MAC recomputed.
Change rewrap_entries(std::size_t first, forge::SessionKeys::KeyEdit edit) {
  return forge_message(MsgType::kKeyMessage, 0, [first, edit](ByteView body, const Forgery& f) -> Bytes {
    auto m = codec::parse_key_message(body, f.keys.profile());
    if (!m.ok() || m->entries.size() <= first) return {};
    crypto::OsRandom rng;
    for (std::size_t i = first; i < m->entries.size(); ++i) {
      m->entries[i] = f.keys.rewrap(m->entries[i], edit, rng);
      if (m->entries[i].key_block.empty()) return {};
    }
    return f.keys.with_key_mac(*m);
  });
}

Change either(Change a, Change b) {
  return [a, b](MsgType t, std::size_t n, ByteView body, const Forgery& f) -> std::optional<Replacement> {
    if (auto r = a(t, n, body, f)) return r;
    return b(t, n, body, f);
  };
}

void add_dwk1_and_parity(std::vector<Scenario>& all) {
  const auto refused = [](std::string why) { return aborts(ResponseCode::kTmsAuthFailed, std::move(why)); };
  all.push_back(must("handshake.dwk1_exportable", {"REQ-CRYPTO-011", "REQ-CRYPTO-031", "REQ-HS-020"},
                     "DWK_1 is rebuilt under the DMK with exportability E in its TR-31 header, its MAC and TAC_1 "
                     "recomputed: the header is not exactly the one required, ABORT 11",
                     std::nullopt,
                     {program({Publication{}}, refused("REQ-CRYPTO-031: any other DWK_1 header is 11"),
                              rebuilt_dwk1([](keyblock::Tr31Header& h, Bytes&) { h.exportability = 'E'; }))}));
  all.push_back(must("handshake.dwk1_random_pb", {"REQ-CRYPTO-031", "REQ-HS-020"},
                     "in the AES128 profile DWK_1 is rebuilt with random characters instead of '0' in its PB block "
                     "(same length), its MAC and TAC_1 recomputed: ABORT 11",
                     Profile::kAes128,
                     {program({Publication{}}, refused("REQ-CRYPTO-031: the PB data are '0' characters, never random"),
                              rebuilt_dwk1([](keyblock::Tr31Header& h, Bytes&) {
                                for (auto& b : h.optional_blocks) {
                                  if (b.id == "PB") b.data = std::string("7A3F9C21").substr(0, b.data.size());
                                }
                              }))}));
  all.push_back(must("handshake.dwk1_without_binding", {"REQ-CRYPTO-031", "REQ-HS-020"},
                     "DWK_1 is rebuilt with its session-binding block `10` renamed `11` (a proprietary block of the "
                     "same length, so no binding block), its MAC and TAC_1 recomputed: ABORT 11",
                     std::nullopt,
                     {program({Publication{}}, refused("REQ-CRYPTO-031: exactly the binding block, then PB"),
                              rebuilt_dwk1([](keyblock::Tr31Header& h, Bytes&) {
                                for (auto& b : h.optional_blocks) {
                                  if (b.id == "10") b.id = "11";
                                }
                              }))}));
  all.push_back(must("handshake.parity_inverted.legacy", {"REQ-CRYPTO-018"},
                     "in the LEGACY profile DWK and DSK arrive with every parity bit inverted (DWK_1 = E_DES(DMK, "
                     "DWK') and the DSK's block rebuilt, TAC_1 and KEY_MAC recomputed): the terminal ignores parity "
                     "and completes",
                     Profile::kLegacy,
                     {program({Publication{}}, completes(),
                              either(rebuilt_dwk1(invert_parity), rewrap_entries(0, invert_parity)))}));
  all.push_back(must("key.parity_inverted.tdes", {"REQ-CRYPTO-018"},
                     "in the TDES profile every delivered key arrives with every parity bit inverted, each key block "
                     "and KCV rebuilt under K_KEK and KEY_MAC recomputed: the terminal ignores parity and completes",
                     Profile::kTdes, {key(completes(), rewrap_entries(1, invert_parity))}));
  all.push_back(must("key.dsk_tr31_mac_changed", {"REQ-CRYPTO-011"},
                     "in a program download the DSK's key block has the last character of its TR-31 MAC changed, "
                     "KEY_MAC recomputed over it: the key block does not verify, ABORT 18 (row T4)",
                     std::nullopt,
                     {program({},
                              aborts(ResponseCode::kIntegrityFailed,
                                     "REQ-CRYPTO-011: a key block whose MAC fails is 18"),
                          reseal_key_message([](codec::KeyMessage& m) {
                            auto& c = m.entries.back().key_block.back();
                            c = c == '0' ? '1' : '0';
                          }))}));
  all.push_back(must("key.dsk_key_version_01", {"REQ-CRYPTO-035"},
                     "in a program download the DSK is rewrapped under K_KEK with key version `01` in its header, "
                     "its KCV and KEY_MAC recomputed: the header is not exactly the DSK's, ABORT 18 (row T4)",
                     std::nullopt,
                     {program({},
                              aborts(ResponseCode::kIntegrityFailed,
                                     "REQ-CRYPTO-035: the DSK's key version is 00; another is 18"),
                          forge_message(MsgType::kKeyMessage, 0, [](ByteView body, const Forgery& f) -> Bytes {
                            auto m = codec::parse_key_message(body, f.keys.profile());
                            if (!m.ok()) return {};
                            crypto::OsRandom rng;
                            m->entries.back() = f.keys.rewrap(
                                m->entries.back(), [](keyblock::Tr31Header& h, Bytes&) { h.key_version = "01"; }, rng);
                            if (m->entries.back().key_block.empty()) return {};
                            return f.keys.with_key_mac(*m);
                          }))}));
}

}  // namespace

void add_key_scenarios(std::vector<Scenario>& all) {
  add_dwk1_and_parity(all);
  all.push_back(slot_rule(
      "key.reserved_slot", {"REQ-KEY-030", "REQ-KEY-039"},
      "KEY_MESSAGE also delivers the TMK's key into the reserved slot 0x05, in ascending order under a "
      "recomputed KEY_MAC: no key is accepted into a reserved slot, ABORT 18, nothing stored",
      0, "REQ-KEY-030: a key for a reserved slot is 18",
      add_entry(kTmk, 0x05, [](keyblock::Tr31Header&, Bytes&) {})));
  all.push_back(slot_rule(
      "key.mac_slot_aes_key", {"REQ-KEY-031", "REQ-KEY-039", "REQ-KEY-021"},
      "in the AES128 profile the MAC slot's 16 octets arrive as an AES key (algorithm A, usage M6) where the "
      "slot table says TDES: the header does not match its slot, ABORT 18",
      kMac, "REQ-KEY-031: a standard slot's key of another algorithm than the table's is 18",
      rewrap_slot(kMac, [](keyblock::Tr31Header& h, Bytes&) {
        h.algorithm = h.algorithm == 'A' ? 'T' : 'A';
        h.key_usage = "M6";  // the usage of an AES or 3-key TDES MAC key, so only the algorithm is wrong
      }),
      Profile::kAes128));
  all.push_back(slot_rule("key.tmk_usage_p0", {"REQ-KEY-032", "REQ-KEY-039"},
                          "the TMK (slot 0x01) arrives with key usage P0 instead of K0, rewrapped under K_KEK with "
                          "KEY_MAC recomputed: ABORT 18",
                          kTmk, "REQ-KEY-032: the TMK slot carries K0 only",
                          rewrap_slot(kTmk, [](keyblock::Tr31Header& h, Bytes&) { h.key_usage = "P0"; })));
  all.push_back(slot_rule("key.tmk_mode_e", {"REQ-KEY-032", "REQ-KEY-039"},
                          "the TMK (slot 0x01) arrives with mode of use E (wrap) instead of D, rewrapped under K_KEK "
                          "with KEY_MAC recomputed: ABORT 18",
                          kTmk, "REQ-KEY-032: the TMK slot carries mode D only",
                          rewrap_slot(kTmk, [](keyblock::Tr31Header& h, Bytes&) { h.mode_of_use = 'E'; })));
  all.push_back(slot_rule("key.pin_mode_d", {"REQ-KEY-033", "REQ-KEY-039"},
                          "the PIN key (slot 0x02) arrives with mode of use D (decrypt) instead of E, rewrapped under "
                          "K_KEK with KEY_MAC recomputed: ABORT 18",
                          kPin, "REQ-KEY-033: the PIN slot carries mode E only",
                          rewrap_slot(kPin, [](keyblock::Tr31Header& h, Bytes&) { h.mode_of_use = 'D'; })));
  all.push_back(slot_rule("key.mac_usage_other_algorithm", {"REQ-KEY-034", "REQ-KEY-039"},
                          "the MAC key (slot 0x03) arrives with the key usage of the other MAC algorithm (M6 for a "
                          "16-octet TDES key, M3 otherwise), rewrapped under K_KEK with KEY_MAC recomputed: ABORT 18",
                          kMac, "REQ-KEY-034: M3 for T 16, M6 for T 24 and every A",
                          rewrap_slot(kMac, [](keyblock::Tr31Header& h, Bytes&) {
                            h.key_usage = h.key_usage == "M3" ? "M6" : "M3";
                          })));
  all.push_back(slot_rule("key.data_usage_d1", {"REQ-KEY-035", "REQ-KEY-039"},
                          "the DATA key (slot 0x04) arrives with key usage D1 instead of D0, rewrapped under K_KEK "
                          "with KEY_MAC recomputed: ABORT 18",
                          kData, "REQ-KEY-035: the DATA slot carries D0 only",
                          rewrap_slot(kData, [](keyblock::Tr31Header& h, Bytes&) { h.key_usage = "D1"; })));
  // REQ-KEY-014: the vendor slot of the reference terminal's table holds a 16-octet AES key (128
  // bits), which the TDES profile (K_KEK 80 bits) cannot deliver; the suite's TMS leaves it out of
  // the key set there, and forges it: the TMK's octets as that slot's AES key, header as the slot.
  all.push_back(slot_rule(
      "key.stronger_than_kek.tdes", {"REQ-KEY-014"},
      "in the TDES profile KEY_MESSAGE also delivers a 16-octet AES key (128 bits) into the vendor slot 0x80, "
      "whose rule is exactly that, wrapped under the 80-bit K_KEK with KEY_MAC recomputed: ABORT 18",
      kVendor, "REQ-KEY-014: a key stronger than the profile's K_KEK is 18",
      add_entry(kTmk, kVendor, [](keyblock::Tr31Header& h, Bytes&) {
        h.algorithm = 'A';
        h.key_usage = "K1";
        h.mode_of_use = 'D';
      }),
      Profile::kTdes, profile::SlotRule{"K1", 'A', 'D', 16}));
}

}  // namespace tmsproto::conformance
