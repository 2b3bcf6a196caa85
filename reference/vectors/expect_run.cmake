# cmake -DEXE=<program> -DARGS=<a;b;c> -DEXPECT_CODE=<n> -DEXPECT_OUTPUT=<regex> -P expect_run.cmake
# Runs the program and fails unless its exit status is EXPECT_CODE and its stdout+stderr match
# EXPECT_OUTPUT (ctest's own PASS_REGULAR_EXPRESSION ignores the exit status).
execute_process(COMMAND ${EXE} ${ARGS} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT code STREQUAL "${EXPECT_CODE}")
  message(FATAL_ERROR "exit status ${code}, expected ${EXPECT_CODE}; output:\n${all}")
endif()
if(NOT all MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}':\n${all}")
endif()
message(STATUS "ok: exit ${code}; output:\n${all}")
