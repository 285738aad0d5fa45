# Precompiled headers (LINLI_PCH, on by default): a clean build parses the standard library,
# nlohmann/json and GoogleTest once per target instead of once per file (cmake/pch/*.h). Each
# library target compiles its own cmake/pch/common.h; the test binaries reuse the one compiled
# for the shared fakes (same flags), so the GoogleTest headers are parsed once in all. With
# LINLI_PCH=OFF every file is compiled on its own includes, which is how a missing #include
# shows up: scripts/build.sh keeps the default, the clang trees of scripts/sanitize.sh and
# scripts/fuzz.sh are built without it.
option(LINLI_PCH "Use precompiled headers (faster clean builds)" ON)

# GCC 12 reports -Warray-bounds, -Wstringop-overflow and -Wstringop-overread on std::string's
# operator+ (char_traits::copy inlined from basic_string's move constructor: "forming offset
# [32, N] is out of the bounds [0, 32]", "writing 34 bytes into a region of size 16") in at
# least 30 files of this tree once <string> comes from a precompiled header, and in none of them
# without one: the known false positives of GCC 12's late object-size passes on libstdc++'s
# small-string buffer, gone in GCC 13. Off for precompiled targets on GCC 12 only; LINLI_PCH=OFF
# and clang keep these warnings, and ASan checks the real bounds at run time.
set(LINLI_PCH_OPTIONS "")
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  set(LINLI_PCH_OPTIONS -Wno-array-bounds -Wno-stringop-overflow -Wno-stringop-overread)
endif()

function(linli_pch_library target)
  if(LINLI_PCH)
    target_precompile_headers(${target} PRIVATE ${CMAKE_SOURCE_DIR}/cmake/pch/common.h)
    target_compile_options(${target} PRIVATE ${LINLI_PCH_OPTIONS})
  endif()
endfunction()

function(linli_pch_tests first)
  if(LINLI_PCH)
    target_precompile_headers(${first} PRIVATE ${CMAKE_SOURCE_DIR}/cmake/pch/test.h)
    target_compile_options(${first} PRIVATE ${LINLI_PCH_OPTIONS})
    foreach(t ${ARGN})
      target_precompile_headers(${t} REUSE_FROM ${first})
      target_compile_options(${t} PRIVATE ${LINLI_PCH_OPTIONS})
    endforeach()
  endif()
endfunction()
