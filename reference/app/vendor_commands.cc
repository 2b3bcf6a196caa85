// `tmsproto vendor ...`: the vendor's own tools (spec/17-vendor-adapters.md): a package-signing key
// pair, and signing a package straight into the vendor's database.
#include <cstdio>
#include <memory>

#include "app/args.h"
#include "app/commands.h"
#include "common/hex.h"
#include "crypto/random.h"
#include "vendor/publish.h"
#include "vendor/sign_package.h"
#include "vendor/vendor_key.h"

namespace tmsproto::app {
namespace {

std::optional<codec::PackageKind> parse_kind(const std::string& s) {
  if (s == "A" || s == "application") return codec::PackageKind::kApplication;
  if (s == "P" || s == "parameters") return codec::PackageKind::kParameters;
  if (s == "D" || s == "data") return codec::PackageKind::kDataFile;
  if (s == "M" || s == "master") return codec::PackageKind::kMaster;
  return std::nullopt;
}

struct SignArgs {
  std::string key, kind = "A", name, vendor, model, content, to;
  std::uint32_t version = 1;
  std::uint16_t chunk = 4096;
};

int sign(const SignArgs& a) {
  const auto kind = parse_kind(a.kind);
  if (!kind) return fail("vendor sign", "unknown kind '" + a.kind + "' (A, P, D or M)");
  auto key = vendor::read_vendor_key(a.key);
  if (!key.ok()) return fail("vendor sign", key.error());
  auto content = read_text(a.content, std::size_t{1} << 30);
  if (!content.ok()) return fail("vendor sign", content.error());
  vendor::PackageDraft draft;
  draft.kind = *kind;
  draft.name = a.name;
  draft.vendor_id = a.vendor;
  draft.model_id = a.model;
  draft.version = a.version;
  draft.chunk_size = a.chunk;
  crypto::OsRandom rng;
  auto signed_package = vendor::sign_package(draft, Bytes(content->begin(), content->end()), key->private_key.view(), rng);
  if (!signed_package.ok()) return fail("vendor sign", signed_package.error());
  auto where = vendor::publish(a.to, *signed_package);
  if (!where.ok()) return fail("vendor sign", where.error());
  std::printf("signed %c %s v%u (%zu octets, pieces of %u) -> %s\n", static_cast<char>(*kind), a.name.c_str(),
              a.version, content->size(), a.chunk, where->c_str());
  return 0;
}

}  // namespace

void add_vendor_commands(CLI::App& app, cli::Chosen& chosen) {
  CLI::App* v = app.add_subcommand("vendor", "the vendor's tools: signing key, signing and publishing packages");
  v->require_subcommand(1);
  {
    struct A { std::string out, public_out; };
    auto a = std::make_shared<A>();
    auto* c = v->add_subcommand("keygen", "make an ECDSA P-256 package-signing key pair (file mode 0600)");
    c->add_option("--out", a->out, "the key file to create (never replaced)")->required();
    c->add_option("--public-out", a->public_out, "also write the public key in hex here (for tms add-vendor)");
    c->callback([&chosen, a] {
      chosen.run = [a] {
        crypto::OsRandom rng;
        auto pub = vendor::generate_vendor_key(a->out, rng);
        if (!pub.ok()) return fail("vendor keygen", pub.error());
        if (!a->public_out.empty()) {
          auto w = write_text(a->public_out, to_hex(*pub) + "\n");
          if (!w.ok()) return fail("vendor keygen", w.error());
        }
        std::printf("%s\n", to_hex(*pub).c_str());
        return 0;
      };
    });
  }
  {
    auto a = std::make_shared<SignArgs>();
    auto* c = v->add_subcommand("sign", "sign a package (manifest, signature, FIT) and publish it into a database");
    c->add_option("--key", a->key, "the vendor's key file (vendor keygen)")->required();
    c->add_option("--kind", a->kind, "A application, P parameters, D data file, M master application");
    c->add_option("--name", a->name, "NAME of the package")->required();
    c->add_option("--vendor", a->vendor, "VENDOR_ID")->required();
    c->add_option("--model", a->model, "MODEL_ID the package is for")->required();
    c->add_option("--version", a->version, "VERSION (rises with each release)")->required();
    c->add_option("--content", a->content, "the file to ship")->required();
    c->add_option("--chunk", a->chunk, "piece size in octets (4096)");
    c->add_option("--to", a->to, "the database: dir:PATH, sqlite:PATH or postgresql://...")->required();
    c->callback([&chosen, a] { chosen.run = [a] { return sign(*a); }; });
  }
}

}  // namespace tmsproto::app
