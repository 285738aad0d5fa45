# Included by the top-level CMakeLists.txt before any target when LINLI_FUZZ=ON: the libFuzzer
# targets need clang, and every library they link must carry libFuzzer's coverage
# instrumentation and the sanitizers, so the flags apply to the whole tree. The normal (gcc)
# build never sees this file.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LINLI_FUZZ=ON needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (got ${CMAKE_CXX_COMPILER_ID} "
                      "${CMAKE_CXX_COMPILER})")
endif()
set(LINLI_FUZZ_SANITIZERS "address,undefined" CACHE STRING
    "Sanitizers the fuzz build runs with (-fsanitize=...)")
add_compile_options(-fsanitize=fuzzer-no-link,${LINLI_FUZZ_SANITIZERS}
                    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
add_link_options(-fsanitize=${LINLI_FUZZ_SANITIZERS})
