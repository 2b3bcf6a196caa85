// The catalogue's group of forged key entries: a key delivered under a correct KEY_MAC, in a
// TR-31 block that verifies under K_KEK, whose header, slot or strength breaks one rule of the
// standard-slot registry or the strength rule (spec/05-keys.md 5.3-5.4). Every such key is refused
// with ABORT 18 and nothing stored (row T3, REQ-KEY-021). A scenario about a slot's rule names the
// slot it needs: without it in the terminal's slot table it is SKIP, since a key for a slot the
// table does not hold is refused whatever its header says.
#include <algorithm>

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

}  // namespace

void add_key_scenarios(std::vector<Scenario>& all) {
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
