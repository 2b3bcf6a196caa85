// Staging (REQ-DEV-007, REQ-DEV-008): per manifest, its MANIFEST, its verified FIT and each
// verified piece in a file of its own, written durably before the engine asks for the next piece,
// so that a kill loses no verified piece (REQ-DL-020, REQ-DL-034). Nothing here touches what is
// installed (REQ-DL-024).
#include <charconv>

#include "codec/terminal_info.h"
#include "common/hex.h"
#include "crypto/digest.h"
#include "device/state_directory.h"
#include "session/download_math.h"

namespace tmsproto::device {
namespace {

std::string piece_name(std::uint32_t index) { return "piece-" + std::to_string(index); }

std::optional<std::uint32_t> piece_index(const std::string& file) {
  if (file.rfind("piece-", 0) != 0 || file.size() == 6 || file.size() > 16) return std::nullopt;
  std::uint32_t v = 0;
  const char* begin = file.data() + 6;
  const char* end = file.data() + file.size();
  const auto [p, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || p != end || (file[6] == '0' && file.size() > 7)) return std::nullopt;
  return v;
}

}  // namespace

// REQ-DEV-008: every staging folder is checked at open; a folder or piece that does not check is
// discarded — never offered to the engine as held — because staging is refetched, not trusted.
void StateDirectory::load_staging() {
  const auto root = dir_ / "staging";  // REQ-DEV-008
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) return;
  std::vector<std::filesystem::path> bad;
  std::vector<std::filesystem::path> stale;
  for (auto it = std::filesystem::directory_iterator(root, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    const auto folder = it->path();
    auto manifest_bytes = read_file(folder / "manifest", 4096);
    std::optional<codec::Manifest> m;
    if (manifest_bytes.ok() && to_hex(crypto::sha256(*manifest_bytes)) == folder.filename().string()) {
      auto parsed = codec::parse_manifest(*manifest_bytes);
      if (parsed.ok()) m = std::move(parsed).value();
    }
    if (!m) {
      // No manifest at all: a kill came between the folder and its first file (REQ-DEV-007's
      // order), which is no fault of the storage; a manifest that does not check is.
      std::error_code mec;
      (std::filesystem::exists(folder / "manifest", mec) ? bad : stale).push_back(folder);
      continue;
    }
    // Staging of a version that can no longer be applied is stale (REQ-DL-010, REQ-DL-052).
    const std::uint32_t floor = m->kind == codec::PackageKind::kMaster
                                    ? codec::master_version_floor(installed_version(m->kind, m->name), master_app())
                                    : installed_version(m->kind, m->name);
    if (m->version <= floor) {
      stale.push_back(folder);  // a kill between an apply's switch and its discard: no fault
      continue;
    }
    terminal::ManifestId id{};
    const auto raw = from_hex(folder.filename().string());
    std::copy(raw->begin(), raw->end(), id.begin());
    Staging s;
    s.manifest = *m;
    auto fit = read_file(folder / "fit", session::fit_length(*m) + 1);
    if (fit.ok() && fit->size() == session::fit_length(*m) && crypto::sha256(*fit) == m->fit_digest) {
      s.fit = std::move(*fit);
    }
    std::error_code pec;
    for (auto p = std::filesystem::directory_iterator(folder, pec); !pec && p != std::filesystem::directory_iterator();
         p.increment(pec)) {
      const auto index = piece_index(p->path().filename().string());
      if (!index) continue;
      bool good = false;
      if (s.fit && *index < session::data_piece_count(*m)) {
        auto data = read_file(p->path(), codec::kMaxChunk);
        good = data.ok() && data->size() == session::piece_length(*m, codec::Section::kData, *index) &&
               std::equal(s.fit->begin() + std::ptrdiff_t{32} * *index, s.fit->begin() + std::ptrdiff_t{32} * (*index + 1),
                          crypto::sha256(*data).begin());
      }
      if (good) {
        s.pieces.insert(*index);
      } else {
        staging_discarded_ = true;  // REQ-DEV-014
        std::error_code ignored;
        std::filesystem::remove(p->path(), ignored);  // a rotten or orphan piece is refetched
      }
    }
    staging_[id] = std::move(s);
  }
  if (!bad.empty()) staging_discarded_ = true;  // REQ-DEV-014
  bad.insert(bad.end(), stale.begin(), stale.end());
  for (const auto& folder : bad) {
    std::error_code ignored;
    std::filesystem::remove_all(folder, ignored);
  }
}

void StateDirectory::keep_only(const codec::Manifest& m, const terminal::ManifestId& id) {
  // REQ-DL-020: staging of any other manifest of the same (KIND, NAME) goes.
  for (auto it = staging_.begin(); it != staging_.end();) {
    if (it->first != id && it->second.manifest && it->second.manifest->kind == m.kind &&
        it->second.manifest->name == m.name) {
      if (auto r = io_.remove_all(staging_dir(it->first), "keep-only"); !r.ok()) note_error(r.error());
      it = staging_.erase(it);
    } else {
      ++it;
    }
  }
  Staging& s = staging_[id];
  if (s.manifest) return;  // staged in an earlier session: resume (REQ-DL-020)
  s.manifest = m;
  // REQ-DEV-007: the MANIFEST first, so that a FIT or piece is never on disk without what checks it.
  const Bytes manifest = codec::serialize(m);
  auto made = io_.make_dir(dir_ / "staging", "stage-manifest");
  if (made.ok()) made = io_.make_dir(staging_dir(id), "stage-manifest");
  if (made.ok()) made = io_.replace(staging_dir(id) / "manifest", manifest, "stage-manifest");
  if (!made.ok()) note_error(made.error());
}

std::optional<Bytes> StateDirectory::staged_fit(const terminal::ManifestId& id) {
  auto it = staging_.find(id);
  if (it == staging_.end()) return std::nullopt;
  return it->second.fit;
}

void StateDirectory::stage_fit(const terminal::ManifestId& id, ByteView fit) {
  Staging& s = staging_[id];
  s.fit = Bytes(fit.begin(), fit.end());
  // REQ-DEV-013: a FIT that cannot be written is kept for this session only.
  if (auto w = io_.replace(staging_dir(id) / "fit", fit, "stage-fit"); !w.ok()) note_error(w.error());
}

bool StateDirectory::has_piece(const terminal::ManifestId& id, std::uint32_t index) {
  auto it = staging_.find(id);
  return it != staging_.end() && (it->second.pieces.count(index) != 0 || it->second.volatile_pieces.count(index) != 0);
}

void StateDirectory::stage_piece(const terminal::ManifestId& id, std::uint32_t index, ByteView data) {
  Staging& s = staging_[id];
  // REQ-DEV-007: durable before the engine requests the next piece (this call returns first).
  auto w = io_.replace(staging_dir(id) / piece_name(index), data, "stage-piece");
  if (w.ok()) {
    s.pieces.insert(index);
    s.volatile_pieces.erase(index);
    return;
  }
  // REQ-DEV-013: the port has no error path; the piece stays in memory for this session, so a full
  // disk or read-only directory surfaces at apply as 22, not as a piece that vanished (18).
  note_error(w.error());
  s.volatile_pieces[index] = Bytes(data.begin(), data.end());
}

std::optional<Bytes> StateDirectory::read_piece(const terminal::ManifestId& id, std::uint32_t index) {
  auto it = staging_.find(id);
  if (it == staging_.end()) return std::nullopt;
  if (auto v = it->second.volatile_pieces.find(index); v != it->second.volatile_pieces.end()) return v->second;
  if (it->second.pieces.count(index) == 0) return std::nullopt;
  auto data = read_file(staging_dir(id) / piece_name(index), codec::kMaxChunk);
  if (!data.ok()) return std::nullopt;  // the engine's PKG_DIGEST check then refuses the package (18)
  return std::move(*data);
}

void StateDirectory::discard(const terminal::ManifestId& id) {
  staging_.erase(id);
  if (auto r = io_.remove_all(staging_dir(id), "discard"); !r.ok()) note_error(r.error());
}

std::size_t StateDirectory::volatile_pieces() const {
  std::size_t n = 0;
  for (const auto& [id, s] : staging_) n += s.volatile_pieces.size();
  return n;
}

}  // namespace tmsproto::device
