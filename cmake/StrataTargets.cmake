# Helpers that keep each module's CMakeLists.txt short.
#
# strata_module(NAME SOURCES ... DEPS ...) defines library strata_NAME.
# strata_test(NAME SOURCES ... DEPS ...) defines a gtest binary registered with ctest.
include_guard(GLOBAL)

function(strata_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(strata_${name} STATIC ${ARG_SOURCES})
  target_link_libraries(strata_${name} PUBLIC ${ARG_DEPS})
endfunction()

function(strata_test name)
  if(NOT STRATA_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()
