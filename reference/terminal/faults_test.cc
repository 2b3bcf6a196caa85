// The list of the reference terminal's fault switches (faults.h): what `terminal --list-faults`
// prints and `--fault` takes. That each is caught is ctest conformance.mutation_score.
#include "terminal/faults.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "terminal/ports.h"

namespace tmsproto::terminal {
namespace {

// Checks REQ-CONF-040: every fault has a kebab-case name of its own, the one REQ ID it violates
// and a one-line description, and `--fault NAME` finds it by that name and no other.
TEST(Faults, EachHasItsOwnNameARequirementAndOneLine) {
  ASSERT_FALSE(all_faults().empty());
  std::set<std::string> names;
  for (const FaultInfo& f : all_faults()) {
    const std::string name(f.name);
    EXPECT_TRUE(std::regex_match(name, std::regex("[a-z0-9]+(-[a-z0-9]+)+"))) << name;
    EXPECT_TRUE(names.insert(name).second) << name << " twice";
    EXPECT_TRUE(std::regex_match(std::string(f.requirement), std::regex("REQ-[A-Z]+-[0-9]{3}"))) << name;
    EXPECT_FALSE(f.description.empty()) << name;
    EXPECT_EQ(f.description.find('\n'), std::string_view::npos) << name;
    EXPECT_EQ(fault_named(f.name), f.fault);
    EXPECT_EQ(info(f.fault).name, f.name);
  }
  EXPECT_EQ(fault_named("skip-everything"), std::nullopt);
  EXPECT_EQ(fault_named("SKIP-TAC-CHECK"), std::nullopt);
  EXPECT_EQ(fault_named(""), std::nullopt);
}

// Checks REQ-CONF-043: a terminal's configuration has no fault on unless one is added, and a set
// holds exactly what was added.
TEST(Faults, OffByDefaultAndASetHoldsWhatWasAdded) {
  const Config config;
  EXPECT_TRUE(config.faults.empty());
  for (const FaultInfo& f : all_faults()) EXPECT_FALSE(config.faults.has(f.fault)) << f.name;
  Faults some;
  some.add(Fault::kSkipKeyMac);
  EXPECT_FALSE(some.empty());
  for (const FaultInfo& f : all_faults()) EXPECT_EQ(some.has(f.fault), f.fault == Fault::kSkipKeyMac) << f.name;
}

}  // namespace
}  // namespace tmsproto::terminal
