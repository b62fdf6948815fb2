# relay_library(NAME [DEPS ...]): the library of one folder, from every .cpp in it (not in
# subfolders). Its test binary is made by relay_tests() in tests/.
function(relay_library name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)  # a folder not yet written: nothing to build, but others may name it
    add_library(${name} INTERFACE)
    target_link_libraries(${name} INTERFACE relay_flags ${ARG_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${srcs})
  target_link_libraries(${name} PUBLIC relay_flags ${ARG_DEPS})
endfunction()

# relay_tests(NAME DIR [DEPS ...] [LABELS ...]): one test binary from every *_test.cpp in DIR,
# each GoogleTest case registered with CTest.
function(relay_tests name dir)
  cmake_parse_arguments(ARG "" "" "DEPS;LABELS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*_test.cpp)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE relay_flags ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    RELAY_SOURCE_DIR="${CMAKE_SOURCE_DIR}" RELAY_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
