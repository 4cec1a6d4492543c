# hardalloc_test_environment(TESTS <test>... [HARDENED] [OPTIONS <opts>] [LOG_DIR <dir>] [NAME <name>])
#
# Runs the given ctest tests under hardalloc, as hardalloc-run does for a command: the library is
# prepended to LD_PRELOAD (so every process a test starts uses it too) and HARDALLOC_OPTIONS gets
# OPTIONS plus log_path=LOG_DIR/<test>, so each process of each test writes LOG_DIR/<test>.PID.
# Two tests are added around them as ctest fixtures: <name>_logs_clear empties LOG_DIR before
# they run, and <name>_logs_summary runs `hardalloc-run --summarize LOG_DIR` after them; it fails
# when any process reported, and its output is the summary (processes seen, reports by kind with
# their first lines and programs).
#
#   HARDENED  preload libhardalloc-hardened.so, which reports heap misuse (configuring fails
#             when it is missing)
#   OPTIONS   more HARDALLOC_OPTIONS, e.g. print_stats=1 (not log_path)
#   LOG_DIR   default ${CMAKE_CURRENT_BINARY_DIR}/hardalloc-logs
#   NAME      prefix of the two added tests, default hardalloc (use another for a second call)
#
# Comes with find_package(hardalloc) when the package has the preload library and hardalloc-run.
function(hardalloc_test_environment)
  cmake_parse_arguments(ARG "HARDENED" "OPTIONS;LOG_DIR;NAME" "TESTS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_TESTS)
    message(FATAL_ERROR "hardalloc_test_environment: usage: hardalloc_test_environment(TESTS <test>... "
                        "[HARDENED] [OPTIONS <opts>] [LOG_DIR <dir>] [NAME <name>]); got: ${ARGN}")
  endif()
  if(ARG_OPTIONS MATCHES "(^|[:,])[ \t]*log_path[ \t]*=")
    message(FATAL_ERROR "hardalloc_test_environment: OPTIONS must not set log_path: use LOG_DIR")
  endif()
  if(NOT ARG_LOG_DIR)
    set(ARG_LOG_DIR ${CMAKE_CURRENT_BINARY_DIR}/hardalloc-logs)
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME hardalloc)
  endif()

  get_target_property(library hardalloc::hardalloc LOCATION)
  if(ARG_HARDENED)
    get_filename_component(library_dir ${library} DIRECTORY)
    set(library ${library_dir}/libhardalloc-hardened.so)
    if(NOT EXISTS ${library})
      message(FATAL_ERROR "hardalloc_test_environment: HARDENED: no libhardalloc-hardened.so in ${library_dir}")
    endif()
  endif()

  set(clear_script ${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}_logs_clear.cmake)
  file(WRITE ${clear_script} "file(REMOVE_RECURSE \"${ARG_LOG_DIR}\")\nfile(MAKE_DIRECTORY \"${ARG_LOG_DIR}\")\n")
  add_test(NAME ${ARG_NAME}_logs_clear COMMAND ${CMAKE_COMMAND} -P ${clear_script})
  add_test(NAME ${ARG_NAME}_logs_summary COMMAND ${HARDALLOC_RUN_EXECUTABLE} --summarize ${ARG_LOG_DIR})
  set_tests_properties(${ARG_NAME}_logs_clear PROPERTIES FIXTURES_SETUP ${ARG_NAME}_logs)
  set_tests_properties(${ARG_NAME}_logs_summary PROPERTIES FIXTURES_CLEANUP ${ARG_NAME}_logs)

  foreach(test IN LISTS ARG_TESTS)
    string(MAKE_C_IDENTIFIER "${test}" log_name)
    # Quoted: a directory may hold the option separators ':' and ','.
    set(options "log_path='${ARG_LOG_DIR}/${log_name}'")
    if(ARG_OPTIONS)
      set(options "${ARG_OPTIONS},${options}")
    endif()
    set_property(TEST ${test} APPEND PROPERTY ENVIRONMENT_MODIFICATION
      "LD_PRELOAD=path_list_prepend:${library}" "HARDALLOC_OPTIONS=set:${options}")
    set_property(TEST ${test} APPEND PROPERTY FIXTURES_REQUIRED ${ARG_NAME}_logs)
  endforeach()
endfunction()
