# Runs a command and checks its exit status and output (for probes that must fail in a given way).
#   cmake "-DCMD=<command line>" -DSTATUS=<regex> -DOUTPUT=<regex> -P expect-exit.cmake
separate_arguments(cmd UNIX_COMMAND "${CMD}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 300)
message("${out}${err}")
if(NOT rc MATCHES "^(${STATUS})$")
  message(FATAL_ERROR "exit status '${rc}', expected ${STATUS}")
endif()
if(NOT "${out}${err}" MATCHES "${OUTPUT}")
  message(FATAL_ERROR "output does not match '${OUTPUT}'")
endif()
message("expect-exit: status ${rc} and output as expected")
