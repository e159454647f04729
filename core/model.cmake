# core/model.cmake -- dmdcore: parameters, the BPTT kernel, optimizer,
# training loop, checkpoints.  Included from core/CMakeLists.txt.
#
# The kernel source rnn_kernel.c is compiled four times (one source, no second
# copy of the math): plain float64 and float32 into dmdcore (which must not
# link the pricing engine), instrumented float64 and float32 into dmdcore_dmd
# (only when the engine target `dmd` exists).
set(_core ${CMAKE_CURRENT_SOURCE_DIR})

add_library(dmdcore_k64 OBJECT ${_core}/rnn_kernel.c)
add_library(dmdcore_k32 OBJECT ${_core}/rnn_kernel.c)
target_compile_definitions(dmdcore_k32 PRIVATE DMD_FLOAT32)
foreach(_k dmdcore_k64 dmdcore_k32)
  target_link_libraries(${_k} PRIVATE dmd_phase dmdbase)
endforeach()

add_library(dmdcore STATIC ${_core}/model.c ${_core}/ckpt.c
  $<TARGET_OBJECTS:dmdcore_k64> $<TARGET_OBJECTS:dmdcore_k32>)
target_include_directories(dmdcore PUBLIC ${_core})
target_link_libraries(dmdcore PUBLIC dmdbase dmd_phase m)

if(TARGET dmd)
  add_library(dmdcore_kd64 OBJECT ${_core}/rnn_kernel.c)
  add_library(dmdcore_kd32 OBJECT ${_core}/rnn_kernel.c)
  target_compile_definitions(dmdcore_kd64 PRIVATE DMD_INSTRUMENT)
  target_compile_definitions(dmdcore_kd32 PRIVATE DMD_INSTRUMENT DMD_FLOAT32)
  foreach(_k dmdcore_kd64 dmdcore_kd32)
    target_link_libraries(${_k} PRIVATE dmd dmdbase)
  endforeach()
  add_library(dmdcore_dmd STATIC ${_core}/rnn_dmd.c
    $<TARGET_OBJECTS:dmdcore_kd64> $<TARGET_OBJECTS:dmdcore_kd32>)
  target_link_libraries(dmdcore_dmd PUBLIC dmdcore dmd)
else()
  message(STATUS "dmdprof: engine target 'dmd' not present yet; dmdcore_dmd (instrumented kernel) not built")
endif()
