// The out-of-process exchange (spec/17 17.5) against programs that misbehave on purpose
// (testdata/misbehaving_adapter.py): every misbehaviour is UNAVAILABLE, none hangs or crashes the
// TMS, and the next call starts the program again.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "common/hex.h"
#include "vendor/adapter_directory.h"
#include "vendor/exec_vendor.h"
#include "vendor/exec_wire.h"
#include "vendor/test_support.h"

namespace tmsproto::vendor {
namespace {

using testing::kModel;
using testing::kVendor;

// Long timeouts, so that a slow Python on a loaded machine never fails a test, except for the call
// timeout of the tests of a hung program, short so that they end soon. Nothing is asserted about time.
const ExecOptions kTestOptions{std::chrono::milliseconds(120000), std::chrono::milliseconds(120000)};
const ExecOptions kHangOptions{std::chrono::milliseconds(1000), std::chrono::milliseconds(120000)};

std::vector<std::string> misbehaving(const std::string& mode) {
  return {TMSPROTO_PYTHON, std::string(TMSPROTO_VENDOR_TESTDATA) + "/misbehaving_adapter.py", mode};
}

std::unique_ptr<ExecVendor> open_misbehaving(const std::string& mode, const ExecOptions& options = kTestOptions) {
  auto v = ExecVendor::open(misbehaving(mode), options);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error());
  return v.ok() ? std::move(*v) : nullptr;
}

tms::OffersQuery query() {
  tms::OffersQuery q;
  q.vendor_id = kVendor;
  q.model_id = kModel;
  q.serial_no = "S0001";
  return q;
}

tms::PieceQuery piece_query() {
  auto c = testing::make_catalogue();
  return {kVendor, c.packages[0].offer.manifest, codec::Section::kData, 0};
}

TEST(ExecVendor, GarbageAnswersAreUnavailableAndCostTheChildItsLife) {
  // REQ-VND-034: not JSON, another id, a bad hex string: UNAVAILABLE, and the child restarted.
  for (const char* mode : {"garbage", "wrong-id", "bad-hex"}) {
    SCOPED_TRACE(mode);
    auto v = open_misbehaving(mode);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);
    EXPECT_EQ(v->piece(piece_query()).error(), tms::VendorError::kUnavailable);
    EXPECT_EQ(v->starts(), 2u);  // the second call started a fresh child
  }
}

TEST(ExecVendor, ALineBeyondTheBoundIsUnavailable) {
  // REQ-VND-032: more than 1 MiB before the newline.
  auto v = open_misbehaving("long-line");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->piece(piece_query()).error(), tms::VendorError::kUnavailable);
}

TEST(ExecVendor, DeeplyNestedJsonIsRefusedNotRecursedInto) {
  // REQ-VND-034: garbage however it is shaped.
  auto v = open_misbehaving("deep");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);
}

TEST(ExecVendor, AHungChildIsTimedOutAndKilled) {
  // REQ-VND-033: the call returns UNAVAILABLE instead of waiting for ever; the next call starts a
  // new child (which hangs again).
  auto v = open_misbehaving("hang", kHangOptions);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);
  EXPECT_EQ(v->piece(piece_query()).error(), tms::VendorError::kUnavailable);
  EXPECT_EQ(v->starts(), 2u);
}

TEST(ExecVendor, ADeadChildIsUnavailableThenRestarted) {
  // REQ-VND-035: the call that finds the child gone fails; the next one starts it again.
  auto v = open_misbehaving("answer-once-then-exit");
  ASSERT_NE(v, nullptr);
  auto first = v->offers(query());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->empty());
  EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);  // the child had exited
  EXPECT_TRUE(v->offers(query()).ok());                                    // started again
  EXPECT_EQ(v->starts(), 2u);
  auto die = open_misbehaving("die");
  ASSERT_NE(die, nullptr);
  EXPECT_EQ(die->offers(query()).error(), tms::VendorError::kUnavailable);
}

TEST(ExecVendor, ARestartedChildOfAnotherVersionDoesNotServe) {
  // REQ-VND-035: the version is asked again at every start and must be the one accepted.
  testing::TempDir t;
  const auto file = t.path() / "version";
  auto set_version = [&](const char* v) { std::ofstream(file) << v; };
  set_version("1");
  auto v = open_misbehaving("version-file:" + file.string());  // answers once, then exits
  ASSERT_NE(v, nullptr);
  EXPECT_TRUE(v->offers(query()).ok());
  set_version("2");
  EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);  // the child had exited
  EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);  // restarted: version 2
  EXPECT_EQ(v->starts(), 2u);
  set_version("1");
  EXPECT_TRUE(v->offers(query()).ok());  // restarted: version 1 again
  EXPECT_EQ(v->starts(), 3u);
  EXPECT_EQ(v->interface_version(), 1u);
}

TEST(ExecVendor, TheAdaptersOwnErrorsMapToTheContractsErrors) {
  // REQ-VND-034: NOT_FOUND is NOT_FOUND; UNAVAILABLE and any other error are UNAVAILABLE; an
  // answered error keeps the child.
  auto nf = open_misbehaving("not-found");
  ASSERT_NE(nf, nullptr);
  EXPECT_EQ(nf->offers(query()).error(), tms::VendorError::kNotFound);
  EXPECT_EQ(nf->piece(piece_query()).error(), tms::VendorError::kNotFound);
  EXPECT_EQ(nf->starts(), 1u);
  for (const char* mode : {"unavailable", "odd-error"}) {
    auto v = open_misbehaving(mode);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kUnavailable);
    EXPECT_EQ(v->starts(), 1u);
  }
}

TEST(ExecVendor, OpenFailsClearlyWhenTheProgramCannotAnswer) {
  // REQ-VND-033: a program that does not answer interface_version within the timeout is refused
  // when the TMS is configured.
  auto hang = ExecVendor::open(misbehaving("hang-on-version"), ExecOptions{std::chrono::milliseconds(1000),
                                                                           std::chrono::milliseconds(1000)});
  ASSERT_FALSE(hang.ok());
  EXPECT_NE(hang.error().find("interface_version"), std::string::npos);
  auto missing = ExecVendor::open({"/nonexistent/vendor-adapter"}, kTestOptions);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot start"), std::string::npos);
  auto silent = ExecVendor::open({"true"}, kTestOptions);
  EXPECT_FALSE(silent.ok());
}

TEST(ExecVendor, TheChildInheritsNoDescriptorButStdinStdoutAndStderr) {
  // REQ-VND-031: a descriptor the TMS opened without close-on-exec is closed in the child.
  const int leaky = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaky, 3);
  auto v = open_misbehaving("fd-closed:" + std::to_string(leaky));
  ::close(leaky);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->offers(query()).error(), tms::VendorError::kNotFound);  // NOT_FOUND: the child found it closed
}

TEST(ExecVendor, AnotherInterfaceVersionIsRefusedByTheDirectory) {
  // REQ-TMS-023: the program answers 2; the directory refuses it when configured.
  auto v = open_misbehaving("version2");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->interface_version(), 2u);
  AdapterDirectory d;
  EXPECT_FALSE(d.add(kVendor, std::move(v)).ok());
  EXPECT_EQ(d.find(kVendor), nullptr);
}

TEST(ExecWire, RequestsCarryEveryFieldOfTheQuery) {
  // REQ-VND-030: the request objects of 17.5, binary as hex.
  tms::OffersQuery q = query();
  q.installed = {{codec::PackageKind::kParameters, "PARAMS", 4}};
  const std::string offers = offers_request(7, q);
  for (const char* part : {R"("id":7)", R"("op":"offers")", R"("vendor_id":"ACME")", R"("model_id":"POS-X1")",
                           R"("serial_no":"S0001")", R"("installed":[{"kind":"P","name":"PARAMS","version":4}])",
                           R"("report":")"}) {
    EXPECT_NE(offers.find(part), std::string::npos) << part << " in " << offers;
  }
  EXPECT_EQ(offers.find('\n'), std::string::npos);
  const std::string piece = piece_request(8, piece_query());
  for (const char* part : {R"("id":8)", R"("op":"piece")", R"("section":"data")", R"("index":0)", R"("manifest":"01)"}) {
    EXPECT_NE(piece.find(part), std::string::npos) << part << " in " << piece;
  }
  EXPECT_EQ(interface_version_request(1), R"({"id":1,"op":"interface_version"})");
}

TEST(ExecWire, AnswersAreReadStrictly) {
  // REQ-VND-030, REQ-VND-034.
  EXPECT_EQ(*read_interface_version_answer(R"({"id":3,"interface_version":1})", 3), 1u);
  EXPECT_EQ(read_interface_version_answer(R"({"id":4,"interface_version":1})", 3).error(), AnswerError::kGarbage);
  EXPECT_EQ(read_interface_version_answer(R"({"id":3,"interface_version":-1})", 3).error(), AnswerError::kGarbage);
  EXPECT_EQ(read_piece_answer(R"({"id":3,"data":"0aFF"})", 3).value(), (Bytes{0x0A, 0xFF}));
  EXPECT_EQ(read_piece_answer(R"({"id":3,"data":"0aF"})", 3).error(), AnswerError::kGarbage);
  EXPECT_EQ(read_piece_answer(R"({"id":3,"error":"NOT_FOUND"})", 3).error(), AnswerError::kNotFound);
  EXPECT_EQ(read_piece_answer(R"({"id":3,"error":"UNAVAILABLE"})", 3).error(), AnswerError::kUnavailable);
  EXPECT_EQ(read_piece_answer(R"({"id":3,"error":7})", 3).error(), AnswerError::kUnavailable);
  EXPECT_EQ(read_piece_answer(R"([1,2,3])", 3).error(), AnswerError::kGarbage);
  EXPECT_EQ(read_piece_answer("", 3).error(), AnswerError::kGarbage);
  // A member twice: which "id" or which "data" counts would be a guess.
  EXPECT_EQ(read_piece_answer(R"({"id":4,"id":3,"data":"0a"})", 3).error(), AnswerError::kGarbage);
  EXPECT_EQ(read_piece_answer(R"({"id":3,"data":"0a","data":"0b"})", 3).error(), AnswerError::kGarbage);
  EXPECT_EQ(read_offers_answer(R"({"id":3,"offers":{}})", 3, kVendor).error(), AnswerError::kGarbage);
  EXPECT_TRUE(read_offers_answer(R"({"id":3,"offers":[]})", 3, kVendor).value().empty());
  auto c = testing::make_catalogue();
  const auto& o = c.packages[0].offer;
  const std::string one = R"({"id":3,"offers":[{"manifest":")" + to_hex(codec::serialize(o.manifest)) +
                          R"(","signature":")" + to_hex(o.signature) + R"("}]})";
  EXPECT_EQ(read_offers_answer(one, 3, kVendor).value(), std::vector<codec::Offer>{o});
  // REQ-TMS-027: a candidate of another vendor makes the whole answer garbage.
  EXPECT_EQ(read_offers_answer(one, 3, "OTHER").error(), AnswerError::kGarbage);
}

}  // namespace
}  // namespace tmsproto::vendor
