# core/model.cmake -- dmdcore: parameters, the BPTT kernel, optimizer,
# training loop, checkpoints.  Included from core/CMakeLists.txt.
#
# The kernel sources rnn_kernel.c (the baseline schedule) and rnn_sched.c
# (the other schedules; it includes rnn_kernel.c's parts) are compiled
# several times (one source, no second copy of the math): plain float64 and float32 into dmdcore (which must
# not link the pricing engine), once per instruction-set clone on x86-64;
# instrumented float64 and float32 into dmdcore_dmd (only when the engine
# target `dmd` exists).
set(_core ${CMAKE_CURRENT_SOURCE_DIR})

# Plain kernels: on x86-64 (GCC/Clang) one compilation per instruction-set
# clone, each with its -march and its own register tiles (rnn_kernel.c,
# "Plain-build tiles"); core/rnn_isa.c picks one at run time (DMDPROF_ISA
# forces one).  Elsewhere, or with -DDMDPROF_ISA_CLONES=OFF, one portable
# compilation (clone "generic").
set(_ktargets)
if(DMDPROF_ISA_CLONES AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  set(_isa_avx512 -march=x86-64-v4)
  set(_isa_avx2 -march=x86-64-v3)
  set(_isa_baseline -march=x86-64)
  foreach(_isa avx512 avx2 baseline)
    foreach(_p 64 32)
      set(_k dmdcore_k${_p}_${_isa})
      add_library(${_k} OBJECT ${_core}/rnn_kernel.c ${_core}/rnn_sched.c ${_core}/rnn_lstm.c ${_core}/rnn_gru.c)
      target_compile_definitions(${_k} PRIVATE RNN_ISA_SFX=${_isa})
      target_compile_options(${_k} PRIVATE ${_isa_${_isa}})
      if(_p STREQUAL 32)
        target_compile_definitions(${_k} PRIVATE DMD_FLOAT32)
      endif()
      list(APPEND _ktargets ${_k})
    endforeach()
  endforeach()
  set(_multi_isa ON)
else()
  add_library(dmdcore_k64 OBJECT ${_core}/rnn_kernel.c ${_core}/rnn_sched.c ${_core}/rnn_lstm.c ${_core}/rnn_gru.c)
  add_library(dmdcore_k32 OBJECT ${_core}/rnn_kernel.c ${_core}/rnn_sched.c ${_core}/rnn_lstm.c ${_core}/rnn_gru.c)
  target_compile_definitions(dmdcore_k32 PRIVATE DMD_FLOAT32)
  set(_ktargets dmdcore_k64 dmdcore_k32)
  set(_multi_isa OFF)
endif()
# The clones the tests run the kernels under (tests/*/CMakeLists.txt).
if(_multi_isa)
  set_property(GLOBAL PROPERTY DMDPROF_KERNEL_CLONES auto avx512 avx2 baseline)
else()
  set_property(GLOBAL PROPERTY DMDPROF_KERNEL_CLONES auto generic)
endif()
set(_kobjs)
foreach(_k ${_ktargets})
  target_link_libraries(${_k} PRIVATE dmd_phase dmdbase)
  list(APPEND _kobjs $<TARGET_OBJECTS:${_k}>)
endforeach()

add_library(dmdcore STATIC ${_core}/model.c ${_core}/cells.c ${_core}/cells_gru.c ${_core}/cells_lstm.c ${_core}/ckpt.c ${_core}/rnn_isa.c ${_core}/rnn_sched_isa.c ${_kobjs})
target_include_directories(dmdcore PUBLIC ${_core})
target_link_libraries(dmdcore PUBLIC dmdbase dmd_phase dmd_csv m)
if(_multi_isa)
  target_compile_definitions(dmdcore PRIVATE RNN_MULTI_ISA)
endif()

if(TARGET dmd)
  add_library(dmdcore_kd64 OBJECT ${_core}/rnn_kernel.c ${_core}/rnn_sched.c ${_core}/rnn_lstm.c ${_core}/rnn_gru.c)
  add_library(dmdcore_kd32 OBJECT ${_core}/rnn_kernel.c ${_core}/rnn_sched.c ${_core}/rnn_lstm.c ${_core}/rnn_gru.c)
  target_compile_definitions(dmdcore_kd64 PRIVATE DMD_INSTRUMENT)
  target_compile_definitions(dmdcore_kd32 PRIVATE DMD_INSTRUMENT DMD_FLOAT32)
  foreach(_k dmdcore_kd64 dmdcore_kd32)
    target_link_libraries(${_k} PRIVATE dmd dmdbase)
  endforeach()
  add_library(dmdcore_dmd STATIC ${_core}/rnn_dmd.c ${_core}/rnn_measure.c ${_core}/rnn_floor.c ${_core}/analytic.c
    $<TARGET_OBJECTS:dmdcore_kd64> $<TARGET_OBJECTS:dmdcore_kd32>)
  target_link_libraries(dmdcore_dmd PUBLIC dmdcore dmd)
else()
  message(STATUS "dmdprof: engine target 'dmd' not present yet; dmdcore_dmd (instrumented kernel) not built")
endif()
