# core/base.cmake -- dmdbase: the PRNG (rng.c), the seven tasks (tasks.c) and
# the LAPACKE linear algebra (linalg.c).  Included from core/CMakeLists.txt.
add_library(dmdbase STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/rng.c
  ${CMAKE_CURRENT_SOURCE_DIR}/tasks.c
  ${CMAKE_CURRENT_SOURCE_DIR}/linalg.c)
target_include_directories(dmdbase PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(dmdbase PUBLIC PkgConfig::LAPACKE m)
