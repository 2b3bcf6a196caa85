// The SQLite replay cache against the in-memory one, the model the engine was verified with: on
// any sequence of requests, the same verdict at every step.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "sim/memory_ports.h"
#include "store/store_test_support.h"
#include "store/tms_store.h"
#include "testing/deterministic_random.h"

namespace tmsproto::store {
namespace {

struct Request {
  int terminal = 0;   // one of two serial numbers
  std::uint8_t t_rand = 0;
  std::int64_t advance_s = 0;  // the TMS's clock moves on by this much first
  std::int64_t window_s = 0;   // expires_s = now + window
};

// REQ-HS-013, REQ-HS-019, REQ-STORE-008: remembering, repeats, expiry and a full cache give the same
// verdicts from the store as from the memory model, for any capacity and any order of requests.
RC_GTEST_PROP(ReplayEquivalence, SqliteAnswersAsTheMemoryModelDoes, ()) {
  const auto capacity = *rc::gen::inRange<std::size_t>(1, 5);
  const auto requests = *rc::gen::container<std::vector<Request>>(rc::gen::build<Request>(
      rc::gen::set(&Request::terminal, rc::gen::inRange(0, 2)),
      rc::gen::set(&Request::t_rand, rc::gen::inRange<std::uint8_t>(0, 4)),
      rc::gen::set(&Request::advance_s, rc::gen::inRange<std::int64_t>(0, 40)),
      rc::gen::set(&Request::window_s, rc::gen::inRange<std::int64_t>(0, 100))));
  TempDir dir;
  crypto::DeterministicRandom rng(1);
  StoreOptions options;
  options.replay_capacity = capacity;
  auto store = TmsStore::open(dir.path(), rng, options);
  RC_ASSERT(store.ok());
  sim::MemoryReplayCache model(capacity);
  std::int64_t now = 1000;
  for (const Request& r : requests) {
    now += r.advance_s;
    const codec::Identity id{"VEND0001", "POS-X1", r.terminal == 0 ? "SN1" : "SN2"};
    const std::array<std::uint8_t, 8> t_rand{r.t_rand};
    const auto expected = model.remember(id, t_rand, now + r.window_s, now);
    RC_ASSERT((*store)->replay().remember(id, t_rand, now + r.window_s, now) == expected);
  }
}

}  // namespace
}  // namespace tmsproto::store
