# dmd_example.cmake -- what the examples' CMakeLists.txt share: find the
# installed dmdprof and build NAME (plain) and NAME_dmd (instrumented) from
# NAME.c.  -DDMDPROF_STATIC=ON links libdmd.a instead of libdmd.so.
#   cmake -S examples/dot -B build -DCMAKE_PREFIX_PATH=/path/to/prefix && cmake --build build
find_package(dmdprof 0.1 REQUIRED)
option(DMDPROF_STATIC "link the static libdmd" OFF)
function(dmd_example name)
  set(_sfx "")
  if(DMDPROF_STATIC)
    set(_sfx _static)
  endif()
  add_executable(${name} ${name}.c)                   # plain: only the phase markers are linked
  target_link_libraries(${name} PRIVATE dmdprof::dmd_phase${_sfx} m)
  add_executable(${name}_dmd ${name}.c)               # instrumented: priced under ByteDMD
  target_compile_definitions(${name}_dmd PRIVATE DMD_INSTRUMENT)
  target_link_libraries(${name}_dmd PRIVATE dmdprof::dmd${_sfx} m)
endfunction()
