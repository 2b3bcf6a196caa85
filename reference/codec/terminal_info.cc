#include "codec/terminal_info.h"

#include <algorithm>

#include "codec/fields.h"
#include "codec/reader.h"
#include "codec/writer.h"
#include "common/try.h"
#include "protocol/constants.h"

namespace tmsproto::codec {
namespace {

constexpr std::size_t kPackageItem = 1 + kPackageNameWidth + 4;  // KIND ‖ NAME ‖ VERSION
constexpr std::size_t kLastApplyItem = kPackageItem + 2;         // ... ‖ RESULT
constexpr std::size_t kMasterAppItem = 10;

bool item_order(const InfoItem& a, const InfoItem& b) {
  if (a.tag != b.tag) return a.tag < b.tag;
  return std::lexicographical_compare(a.value.begin(), a.value.end(), b.value.begin(), b.value.end());
}

// HARDWARE_ID, FIRMWARE_ID, FAULT: 1-32 octets of ANS (0x21-0x7E).
Parsed<std::string> read_info_text(ByteView v, std::string_view field) {
  if (v.empty() || v.size() > kMaxInfoText) return malformed(field);
  for (std::uint8_t c : v) {
    if (c < 0x21 || c > 0x7E) return malformed(field);
  }
  return std::string(v.begin(), v.end());
}


bool same_package(const InstalledPackage& a, const InstalledPackage& b) {
  return a.kind == b.kind && a.name == b.name;
}

// Accumulates the items of one payload into a TerminalInfo, checking each as REQ-MSG-121 says.
class InfoBuilder {
 public:
  Result<void, ParseError> add(std::uint16_t tag, ByteView v) {
    Reader r(v);
    switch (static_cast<InfoTag>(tag)) {
      case InfoTag::kHardwareId: {
        if (seen_hardware_) return malformed("HARDWARE_ID");  // REQ-MSG-121: once
        seen_hardware_ = true;
        TMS_TRY(info_.hardware_id, read_info_text(v, "HARDWARE_ID"));
        return {};
      }
      case InfoTag::kFirmwareId: {
        if (seen_firmware_) return malformed("FIRMWARE_ID");
        seen_firmware_ = true;
        TMS_TRY(info_.firmware_id, read_info_text(v, "FIRMWARE_ID"));
        return {};
      }
      case InfoTag::kMasterApp: {
        if (info_.master_app || v.size() != kMasterAppItem) return malformed("MASTER_APP");
        MasterApp m;
        TMS_TRY(m.running_slot, r.u8("RUNNING_SLOT"));
        if (m.running_slot != 1 && m.running_slot != 2) return malformed("RUNNING_SLOT");  // REQ-MSG-122
        TMS_TRY(m.running_version, r.u32("RUNNING_VERSION"));
        TMS_TRY(std::uint8_t state, r.u8("SWITCH_STATE"));
        if (state > 0x02) return malformed("SWITCH_STATE");  // REQ-MSG-122
        m.state = static_cast<SwitchState>(state);
        TMS_TRY(m.other_version, r.u32("OTHER_VERSION"));
        if (m.state != SwitchState::kSettled && m.other_version == 0) return malformed("OTHER_VERSION");
        info_.master_app = m;
        return {};
      }
      case InfoTag::kBearer: {
        if (seen_bearer_ || v.size() != 1 || v[0] < 0x01 || v[0] > 0x08) return malformed("BEARER");
        seen_bearer_ = true;
        info_.bearer = static_cast<Bearer>(v[0]);
        return {};
      }
      case InfoTag::kTamper: {
        if (seen_tamper_ || v.size() != 1 || v[0] > 0x01) return malformed("TAMPER");
        seen_tamper_ = true;
        info_.tamper = v[0] == 0x01;
        return {};
      }
      case InfoTag::kPackage: {
        if (v.size() != kPackageItem) return malformed("PACKAGE");
        TMS_TRY(InstalledPackage p, read_installed_package(r));
        // REQ-MSG-122: one item per (KIND, NAME); items are sorted, so a repeat is adjacent.
        if (!info_.packages.empty() && same_package(info_.packages.back(), p)) return malformed("PACKAGE");
        if (p.kind == PackageKind::kMaster && master_package_) return malformed("PACKAGE");  // one KIND M
        if (p.kind == PackageKind::kMaster) master_package_ = p.version;
        info_.packages.push_back(std::move(p));
        return {};
      }
      case InfoTag::kLastApply: {
        if (v.size() != kLastApplyItem) return malformed("LAST_APPLY");
        LastApply a;
        TMS_TRY(a.package, read_installed_package(r));
        TMS_TRY(a.result, read_response_code(r, "RESULT"));
        if (a.result != ResponseCode::kSuccess && a.result != ResponseCode::kIntegrityFailed &&
            a.result != ResponseCode::kApplyFailed) {
          return malformed("RESULT");
        }
        if (!info_.last_apply.empty() && same_package(info_.last_apply.back().package, a.package)) {
          return malformed("LAST_APPLY");  // REQ-MSG-121: one per (KIND, NAME)
        }
        info_.last_apply.push_back(std::move(a));
        return {};
      }
      case InfoTag::kKeySlot: {
        if (v.size() != 4 && v.size() != 6) return malformed("KEY_SLOT");
        HeldKey k;
        k.slot = v[0];
        if (k.slot == 0x00 || k.slot == 0xFF) return malformed("SLOT");
        if (!info_.key_slots.empty() && info_.key_slots.back().slot == k.slot) return malformed("KEY_SLOT");
        k.kcv.assign(v.begin() + 1, v.end());
        info_.key_slots.push_back(std::move(k));
        return {};
      }
      case InfoTag::kFault: {
        TMS_TRY(std::string f, read_info_text(v, "FAULT"));
        info_.faults.push_back(std::move(f));
        return {};
      }
    }
    // REQ-MSG-121, REQ-MSG-123: vendor and unassigned items are bounded and kept as received.
    if (v.size() > kMaxOpaqueItem) return malformed("VALUE");
    info_.other.push_back(InfoItem{tag, Bytes(v.begin(), v.end())});
    return {};
  }

  Parsed<TerminalInfo> finish() && {
    // REQ-MSG-121: the mandatory items.
    if (!seen_hardware_) return malformed("HARDWARE_ID");
    if (!seen_firmware_) return malformed("FIRMWARE_ID");
    if (!seen_bearer_) return malformed("BEARER");
    if (!seen_tamper_) return malformed("TAMPER");
    // REQ-MSG-122: MASTER_APP exactly with a KIND M package, at its version.
    if (info_.master_app.has_value() != master_package_.has_value()) return malformed("MASTER_APP");
    if (info_.master_app && info_.master_app->running_version != *master_package_) {
      return malformed("RUNNING_VERSION");
    }
    return std::move(info_);
  }

 private:
  TerminalInfo info_;
  bool seen_hardware_ = false, seen_firmware_ = false, seen_bearer_ = false, seen_tamper_ = false;
  std::optional<std::uint32_t> master_package_;
};


}  // namespace

std::uint32_t master_version_floor(std::uint32_t installed, const std::optional<MasterApp>& master) {
  if (master && master->state != SwitchState::kSettled) return std::max(installed, master->other_version);
  return installed;
}

std::string_view name(Bearer b) {
  switch (b) {
    case Bearer::kEthernet: return "Ethernet";
    case Bearer::kModemAsync: return "dial-up modem, asynchronous";
    case Bearer::kModemSync: return "dial-up modem, synchronous";
    case Bearer::kGprs: return "GPRS";
    case Bearer::kCdma: return "CDMA";
    case Bearer::kRs232: return "RS232";
    case Bearer::kOtherCellular: return "other cellular";
    case Bearer::kWifi: return "Wi-Fi";
  }
  return "?";
}

Parsed<TerminalInfo> parse_terminal_info(ByteView payload) {
  // REQ-MSG-120: 4-8000 octets of whole items.
  if (payload.size() < 4 || payload.size() > kMaxTermInfo) return malformed("TERM_INFO");
  Reader r(payload);
  InfoBuilder b;
  std::optional<InfoItem> previous;
  while (r.remaining() > 0) {
    TMS_TRY(std::uint16_t tag, r.u16("TAG"));
    if (tag == 0x0000 || tag == 0xFFFF) return malformed("TAG");  // REQ-MSG-121
    TMS_TRY(std::uint16_t len, r.u16("LEN"));
    TMS_TRY(ByteView value, r.bytes(len, "VALUE"));
    InfoItem item{tag, Bytes(value.begin(), value.end())};
    // REQ-MSG-120: strictly ascending (TAG, VALUE), so no item twice and one order.
    if (previous && !item_order(*previous, item)) return malformed("ITEM");
    TMS_CHECK(b.add(tag, value));
    previous = std::move(item);
  }
  return std::move(b).finish();
}

Bytes serialize(const TerminalInfo& m) {
  std::vector<InfoItem> items;
  auto text = [&](InfoTag tag, const std::string& s) {
    items.push_back({static_cast<std::uint16_t>(tag), Bytes(s.begin(), s.end())});
  };
  auto add = [&](InfoTag tag, Writer&& w) {
    items.push_back({static_cast<std::uint16_t>(tag), std::move(w).take()});
  };
  text(InfoTag::kHardwareId, m.hardware_id);
  text(InfoTag::kFirmwareId, m.firmware_id);
  if (m.master_app) {
    Writer w;
    w.u8(m.master_app->running_slot);
    w.u32(m.master_app->running_version);
    w.u8(static_cast<std::uint8_t>(m.master_app->state));
    w.u32(m.master_app->other_version);
    add(InfoTag::kMasterApp, std::move(w));
  }
  add(InfoTag::kBearer, [&] { Writer w; w.u8(static_cast<std::uint8_t>(m.bearer)); return w; }());
  add(InfoTag::kTamper, [&] { Writer w; w.u8(m.tamper ? 0x01 : 0x00); return w; }());
  for (const InstalledPackage& p : m.packages) {
    Writer w;
    write_installed_package(w, p);
    add(InfoTag::kPackage, std::move(w));
  }
  for (const LastApply& a : m.last_apply) {
    Writer w;
    write_installed_package(w, a.package);
    write_response_code(w, a.result);
    add(InfoTag::kLastApply, std::move(w));
  }
  for (const HeldKey& k : m.key_slots) {
    Writer w;
    w.u8(k.slot);
    w.bytes(k.kcv);
    add(InfoTag::kKeySlot, std::move(w));
  }
  for (const std::string& f : m.faults) text(InfoTag::kFault, f);
  for (const InfoItem& i : m.other) items.push_back(i);
  std::sort(items.begin(), items.end(), item_order);  // REQ-MSG-120
  Writer w;
  for (const InfoItem& i : items) {
    w.u16(i.tag);
    w.u16(static_cast<std::uint16_t>(i.value.size()));
    w.bytes(i.value);
  }
  return std::move(w).take();
}

}  // namespace tmsproto::codec
