// The fuzzing build mode (fuzz/README.md, "The fuzzing build mode"): with TMSPROTO_FUZZING_BUILD_MODE
// defined, the few translation units that include this header replace their slowest work by cheap
// deterministic stand-ins, as BoringSSL's BORINGSSL_UNSAFE_DETERMINISTIC_MODE does, so that the
// session fuzz targets reach ten thousand executions a second: PBKDF2 runs one iteration
// (pbkdf2.cc), ECDSA signatures are hashes anyone can compute (signature.cc), OsRandom is a fixed
// stream (random.cc), the test double DeterministicRandom a cheaper one
// (testing/deterministic_random.cc), and DES / TDES key schedules are kept and reused in clear
// (ltc.cc). It is UNSAFE: nothing built with it may ever be shipped.
//
// Only fuzz/CMakeLists.txt defines the macro, on a small object library it links into the
// *_fuzzmode targets alone (never into tmsproto_core, the tests or `tmsproto`), and only when the
// build is a fuzzing build (TMSPROTO_FUZZ with clang, or an OSS-Fuzz engine). Every object compiled
// in the mode holds kFuzzingBuildModeMarker; the ctest fuzz.product_has_no_fuzzing_build_mode fails
// when the `tmsproto` binary holds it.
#pragma once

#ifdef TMSPROTO_FUZZING_BUILD_MODE
#if !defined(__clang__)
#error "TMSPROTO_FUZZING_BUILD_MODE is for clang fuzzing builds only (fuzz/CMakeLists.txt)"
#endif

namespace tmsproto::crypto {
// Kept in the object (and so in every binary that links a stand-in) by [[gnu::used]].
[[gnu::used]] static const char kFuzzingBuildModeMarker[] =
    "tmsproto-fuzzing-build-mode: crypto stand-ins, UNSAFE FOR PRODUCTION";
}  // namespace tmsproto::crypto
#endif
