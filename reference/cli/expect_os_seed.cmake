# cmake -DEXE=<tmsproto> -P expect_os_seed.cmake
#
# REQ-CRYPTO-016: without --seed, `tmsproto simulate` draws its seed from the OS generator
# (crypto::OsRandom) and prints it without "(reproducible)"; two runs draw different seeds.
set(seeds)
foreach(run 1 2)
  execute_process(COMMAND ${EXE} simulate --profile aes OUTPUT_VARIABLE out ERROR_VARIABLE err
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "tmsproto simulate (run ${run}) exited with ${rc}: ${err}")
  endif()
  string(REGEX MATCH "^tmsproto simulate: [^\n]*, seed ([0-9]+)([^\n]*)" first "${out}")
  if(NOT first)
    message(FATAL_ERROR "tmsproto simulate (run ${run}) printed no seed on its first line:\n${out}")
  endif()
  set(seed "${CMAKE_MATCH_1}")  # before the if(MATCHES) below resets CMAKE_MATCH_<n>
  if(CMAKE_MATCH_2 MATCHES "reproducible")
    message(FATAL_ERROR "run ${run} without --seed calls its seed reproducible: ${first}")
  endif()
  list(APPEND seeds ${seed})
endforeach()
list(GET seeds 0 a)
list(GET seeds 1 b)
if(a STREQUAL b)
  message(FATAL_ERROR "two runs without --seed drew the same seed ${a}: not from the OS generator")
endif()
message(STATUS "seeds drawn from the OS: ${a}, ${b}")
