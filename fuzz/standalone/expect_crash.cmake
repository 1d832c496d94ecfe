# Bite test of the standalone fuzz driver (run by ctest with cmake -P): PROGRAM is a target with a
# bug that the token in DICT reaches. The pass must fail, print where it saved the input, the file
# must hold that token, and running the file alone (the printed replay) must fail again.
# -DPROGRAM=<executable> -DDICT=<file> -DARTIFACT_DIR=<directory> -DTIMEOUT=<seconds per input>
file(REMOVE_RECURSE ${ARTIFACT_DIR})
file(MAKE_DIRECTORY ${ARTIFACT_DIR})
execute_process(COMMAND ${PROGRAM} --runs 200000 --dict ${DICT} --timeout ${TIMEOUT}
  --artifact-dir ${ARTIFACT_DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(rc EQUAL 0)
  message(FATAL_ERROR "the driver passed a target whose bug its dictionary reaches")
endif()
if(NOT out MATCHES "crash input written to ([^\n]+)")
  message(FATAL_ERROR "the driver failed (${rc}) without saying where it saved the input")
endif()
set(artifact ${CMAKE_MATCH_1})
file(STRINGS ${DICT} token REGEX "^\"")
string(REGEX REPLACE "^\"(.*)\"$" "\\1" token "${token}")
file(READ ${artifact} saved)
string(FIND "${saved}" "${token}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${artifact} does not hold the planted token ${token}")
endif()
execute_process(COMMAND ${PROGRAM} --timeout ${TIMEOUT} ${artifact}
  RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2
  ERROR_VARIABLE out2)
if(rc2 EQUAL 0)
  message(FATAL_ERROR "the saved input ${artifact} ran without a crash:\n${out2}")
endif()
message("bites: the pass failed (${rc}), saved ${artifact}, and its replay failed (${rc2})")
file(REMOVE_RECURSE ${ARTIFACT_DIR})
