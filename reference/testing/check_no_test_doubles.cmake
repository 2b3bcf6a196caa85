# cmake -DNM=<nm> -DCORE=<libtmsproto_core.a> -DTESTING=<libtmsproto_testing.a> -P check_no_test_doubles.cmake
#
# Fails when the product library CORE defines or refers to a symbol of a test double
# (DeterministicRandom, ScriptedRandom, RecordingRandom, anything in tmsproto::sim::), or when the
# test-only library TESTING does not define them (then the check would be looking at nothing).
foreach(var NM CORE TESTING)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "check_no_test_doubles.cmake: -D${var}=... is missing")
  endif()
endforeach()

set(doubles "DeterministicRandom|ScriptedRandom|RecordingRandom|tmsproto::sim::")

function(symbols_of archive out)
  execute_process(COMMAND ${NM} -C ${archive} OUTPUT_VARIABLE syms ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} -C ${archive} failed (${rc}): ${err}")
  endif()
  set(${out} "\n${syms}" PARENT_SCOPE)
endfunction()

symbols_of(${CORE} core)
string(REGEX MATCHALL "\n[^\n]*(${doubles})[^\n]*" hits "${core}")
if(hits)
  list(LENGTH hits n)
  string(REPLACE ";" "" listing "${hits}")
  string(LENGTH "${listing}" length)
  if(length GREATER 2000)
    string(SUBSTRING "${listing}" 0 2000 listing)
    string(APPEND listing "\n...")
  endif()
  message(NOTICE "nm -C ${CORE} (U = referred to, anything else = defined):${listing}")
  message(FATAL_ERROR "test doubles in the product library ${CORE}: ${n} symbols of "
                      "DeterministicRandom, ScriptedRandom, RecordingRandom or tmsproto::sim:: "
                      "(listed above). They belong in tmsproto_testing, which the product never links.")
endif()

symbols_of(${TESTING} testing)
foreach(expected "crypto::DeterministicRandom::fill" "vectors::ScriptedRandom::fill" "tmsproto::sim::")
  string(REGEX MATCH "\n[0-9a-fA-F]+ [TtWwVv] [^\n]*${expected}" found "${testing}")
  if(NOT found)
    message(FATAL_ERROR "${TESTING} defines no ${expected}: the test doubles are not where this check "
                        "expects them, so its verdict on ${CORE} would mean nothing")
  endif()
endforeach()
message(STATUS "${CORE}: no test double (${TESTING} defines DeterministicRandom, ScriptedRandom, sim::)")
