// A dudect-style timing test of ct_equal (REQ-CRYPTO-014), after Reparaz, Balasch and
// Verbauwhede, "Dude, is my code constant time?" (DATE 2017). No functional test can see how long
// a comparison takes, so this one measures it.
//
// Two classes of inputs, interleaved at random: class 0 compares two equal 32-octet buffers,
// class 1 two buffers that differ in their first octet, the case in which an early-exit comparison
// returns soonest. Each call is timed with the cycle counter (lfence; rdtsc on x86, else
// steady_clock). As in dudect, a first batch only fixes the cropping thresholds; afterwards Welch's
// t statistic of the two classes is kept for the raw measurements and for the measurements below
// each of dudect's 100 percentile thresholds (cropping drops the long tail of interrupts and
// preemption, which only widens the variance). The largest |t| must stay below dudect's threshold
// of 10. (dudect's second-order test, on centred squares, is left out.)
//
// A negative control runs the same harness on an early-exit comparison and must give |t| > 10: a
// harness that cannot tell that one apart from ct_equal proves nothing, so the test fails then too.
//
// What it shows: on this machine, built by this compiler with these flags, ct_equal takes no
// detectably different time for equal inputs and for inputs that differ in the first octet, the
// pair an early exit separates most. What it does not show: anything about other CPUs, compilers or
// optimisation levels; a leak smaller than the noise lets this many measurements see; leaks through
// other channels (cache lines touched, power). Statistics cannot prove that there is no leak; they
// complement reading the code (the volatile accumulator in secret.cc) and the instructions the
// compiler made of it.
//
// ctest runs it under the label `timing`, alone (RUN_SERIAL, since parallel tests are noise), and
// not at all in sanitizer or coverage builds (see CMakeLists.txt): their instrumentation would be
// what it times.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

#include "common/bytes.h"
#include "crypto/secret.h"

namespace {

using tmsproto::ByteView;

constexpr std::size_t kLen = 32;                // a SHA-256 digest, the longest value compared
constexpr std::size_t kBatch = 20'000;          // measurements prepared and taken at a time
constexpr std::size_t kMaxMeasurements = 1'000'000;
constexpr std::size_t kMinMeasurements = 200'000;  // below this, no verdict on ct_equal
constexpr std::chrono::seconds kBudget{4};      // per function: a busy machine takes fewer samples
constexpr std::size_t kPercentiles = 100;       // as DUDECT_NUMBER_PERCENTILES
constexpr std::size_t kEnough = 10'000;         // a t statistic counts once it has this many
constexpr double kThreshold = 10.0;             // dudect's t_threshold_moderate

using Compare = bool (*)(ByteView, ByteView);

// The negative control: the comparison REQ-CRYPTO-014 forbids. The volatile reads keep the
// compiler from vectorising it or turning it into a memcmp call, which for 32 octets could be
// nearly constant time and would leave the control nothing to detect.
[[gnu::noinline]] bool early_exit_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  const volatile std::uint8_t* pa = a.data();
  const volatile std::uint8_t* pb = b.data();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (pa[i] != pb[i]) return false;
  }
  return true;
}

std::uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
  // The fences keep the timed call from being reordered across the reads of the counter.
  __builtin_ia32_lfence();
  const std::uint64_t t = __builtin_ia32_rdtsc();
  __builtin_ia32_lfence();
  return t;
#else
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
#endif
}

// Welch's t-test with running means and variances (Welford), as dudect's ttest_ctx_t.
class WelchT {
 public:
  void push(int cls, double x) {
    n_[cls] += 1;
    const double delta = x - mean_[cls];
    mean_[cls] += delta / n_[cls];
    m2_[cls] += delta * (x - mean_[cls]);
  }
  double count() const { return n_[0] + n_[1]; }
  double t() const {
    if (n_[0] < 2 || n_[1] < 2) return 0;
    const double se2 = m2_[0] / (n_[0] - 1) / n_[0] + m2_[1] / (n_[1] - 1) / n_[1];
    const double diff = mean_[0] - mean_[1];
    if (se2 == 0) return diff == 0 ? 0 : std::numeric_limits<double>::infinity();
    return diff / std::sqrt(se2);
  }
  double mean(int cls) const { return mean_[cls]; }

 private:
  std::array<double, 2> n_{};
  std::array<double, 2> mean_{};
  std::array<double, 2> m2_{};
};

struct Verdict {
  std::size_t measurements = 0;
  double max_abs_t = 0;
  std::size_t max_test = 0;  // 0: uncropped; k: cropped at the k-th percentile threshold
  double raw_t = 0;
  double mean_equal = 0;
  double mean_differ = 0;
};

class Harness {
 public:
  explicit Harness(std::uint64_t seed) : rng_(seed) {}

  Verdict run(Compare f) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<double> thresholds;
    std::vector<WelchT> tests(1 + kPercentiles);
    std::size_t taken = 0;
    measure_batch(f);  // warm-up: caches, branch predictors, clock frequency
    while (taken < kMaxMeasurements && std::chrono::steady_clock::now() - start < kBudget) {
      measure_batch(f);
      if (thresholds.empty()) {  // dudect spends the first batch on the thresholds only
        thresholds = percentile_thresholds();
        continue;
      }
      for (std::size_t i = 0; i < kBatch; ++i) {
        const double x = static_cast<double>(times_[i]);
        tests[0].push(class_[i], x);
        for (std::size_t k = 0; k < kPercentiles; ++k) {
          if (x < thresholds[k]) tests[1 + k].push(class_[i], x);
        }
      }
      taken += kBatch;
    }
    Verdict v;
    v.measurements = taken;
    v.raw_t = tests[0].t();
    v.mean_equal = tests[0].mean(0);
    v.mean_differ = tests[0].mean(1);
    for (std::size_t k = 0; k < tests.size(); ++k) {
      if (tests[k].count() < kEnough) continue;
      if (std::abs(tests[k].t()) > v.max_abs_t) {
        v.max_abs_t = std::abs(tests[k].t());
        v.max_test = k;
      }
    }
    return v;
  }

 private:
  // Inputs are drawn before the timing starts, so that only the comparison is timed.
  void prepare_batch() {
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> nonzero(1, 255);
    std::bernoulli_distribution coin(0.5);
    for (std::size_t i = 0; i < kBatch; ++i) {
      class_[i] = coin(rng_) ? 1 : 0;
      for (std::size_t j = 0; j < kLen; ++j) a_[i][j] = static_cast<std::uint8_t>(byte(rng_));
      b_[i] = a_[i];
      if (class_[i] == 1) b_[i][0] = static_cast<std::uint8_t>(b_[i][0] ^ nonzero(rng_));
    }
  }

  void measure_batch(Compare f) {
    prepare_batch();
    unsigned sink = 0;
    for (std::size_t i = 0; i < kBatch; ++i) {
      const std::uint64_t t0 = ticks();
      const bool same = f(a_[i], b_[i]);
      const std::uint64_t t1 = ticks();
      sink += same ? 1u : 0u;  // no branch on the result inside the timed region
      times_[i] = t1 - t0;
    }
    // The results are used, so no call can be dropped; and they must be right, or the timing of a
    // broken comparison would be meaningless.
    std::size_t expected = 0;
    for (int c : class_) expected += c == 0 ? 1 : 0;
    if (sink != expected) {
      std::fprintf(stderr, "comparison returned wrong results: %u equal of %zu\n", sink, expected);
      std::exit(2);
    }
  }

  // dudect's prepare_percentiles: thresholds at 1 - 0.5^(10 (k+1) / 100) of the first batch, dense
  // near the fast end where a leak is least blurred by noise.
  std::vector<double> percentile_thresholds() const {
    std::vector<std::uint64_t> sorted(times_.begin(), times_.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> out;
    for (std::size_t k = 0; k < kPercentiles; ++k) {
      const double p = 1 - std::pow(0.5, 10.0 * static_cast<double>(k + 1) / kPercentiles);
      const auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size()));
      out.push_back(static_cast<double>(sorted[std::min(idx, sorted.size() - 1)]));
    }
    return out;
  }

  std::mt19937_64 rng_;
  using Input = std::array<std::uint8_t, kLen>;
  std::vector<Input> a_ = std::vector<Input>(kBatch);
  std::vector<Input> b_ = std::vector<Input>(kBatch);
  std::vector<int> class_ = std::vector<int>(kBatch);
  std::vector<std::uint64_t> times_ = std::vector<std::uint64_t>(kBatch);
};

void print(const char* name, const Verdict& v) {
  std::printf("%-18s %7zu measurements, max |t| %9.2f (test %3zu; 0 is uncropped), "
              "uncropped t %9.2f, mean ticks equal / differ %.1f / %.1f\n",
              name, v.measurements, v.max_abs_t, v.max_test, v.raw_t, v.mean_equal, v.mean_differ);
}

}  // namespace

int main() {
  const std::uint64_t seed = std::random_device{}();
  std::printf("ct_equal timing test (dudect-style): %zu-octet inputs, seed %llu, threshold %.0f\n",
              kLen, static_cast<unsigned long long>(seed), kThreshold);
  Harness harness(seed);
  const Verdict ct = harness.run(&tmsproto::crypto::ct_equal);
  print("ct_equal", ct);
  const Verdict control = harness.run(&early_exit_equal);
  print("early-exit control", control);

  int status = 0;
  if (ct.measurements < kMinMeasurements) {
    std::printf("FAIL: only %zu measurements of ct_equal in %lld s (machine too busy?)\n",
                ct.measurements, static_cast<long long>(kBudget.count()));
    status = 1;
  } else if (ct.max_abs_t >= kThreshold) {
    std::printf("FAIL: ct_equal's time depends on its inputs (|t| = %.2f >= %.0f)\n", ct.max_abs_t,
                kThreshold);
    status = 1;
  }
  if (control.max_abs_t <= kThreshold) {
    std::printf("FAIL: the harness did not detect the early-exit control (|t| = %.2f <= %.0f), so "
                "it cannot vouch for ct_equal\n",
                control.max_abs_t, kThreshold);
    status = 1;
  }
  if (status == 0) std::printf("PASS\n");
  return status;
}
