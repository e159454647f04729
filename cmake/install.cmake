# cmake/install.cmake -- what `cmake --install BUILD --prefix P` installs
# (included from the top-level CMakeLists.txt; docs/install.md):
#   P/bin/dmdprof
#   P/lib/libdmd.a, libdmd.so.X.Y.Z (SONAME libdmd.so.X), libdmd_phase.a, libdmd_phase.so.X.Y.Z
#   P/include/dmdprof/   dmd.h dmd_phase.h dmd_engine.h dmd_trace.h dmd_report.h
#   P/lib/pkgconfig/dmdprof.pc            (relocatable: prefix from ${pcfiledir})
#   P/lib/cmake/dmdprof/                  find_package(dmdprof): dmdprof::dmd (shared),
#                                         dmdprof::dmd_static, dmdprof::dmd_phase, dmdprof::dmd_phase_static
#   P/share/doc/dmdprof/                  README.md, docs/*.md, examples/
# Nothing of core/, probes/ or cli/ is installed but the dmdprof binary.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DMDPROF_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/dmdprof)
set(DMDPROF_PUBLIC_HEADERS dmd.h dmd_phase.h dmd_engine.h dmd_trace.h dmd_report.h)
list(TRANSFORM DMDPROF_PUBLIC_HEADERS PREPEND ${PROJECT_SOURCE_DIR}/instrument/)

set_target_properties(dmd PROPERTIES EXPORT_NAME dmd_static)
set_target_properties(dmd_phase PROPERTIES EXPORT_NAME dmd_phase_static)
set_target_properties(dmd_shared PROPERTIES EXPORT_NAME dmd)
set_target_properties(dmd_phase_shared PROPERTIES EXPORT_NAME dmd_phase)
install(TARGETS dmd dmd_phase dmd_shared dmd_phase_shared EXPORT dmdprofTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${DMDPROF_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dmdprof)
install(TARGETS dmdprof RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# CMake package: the exported targets, a Config file that finds jansson (the
# libraries' one dependency; dmd_report.h includes <jansson.h>) and a version
# file (0.x: only the same minor version is compatible).
install(EXPORT dmdprofTargets NAMESPACE dmdprof:: DESTINATION ${DMDPROF_CMAKEDIR} FILE dmdprofTargets.cmake)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dmdprofConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/dmdprofConfig.cmake INSTALL_DESTINATION ${DMDPROF_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dmdprofConfigVersion.cmake VERSION ${PROJECT_VERSION}
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dmdprofConfig.cmake ${PROJECT_BINARY_DIR}/dmdprofConfigVersion.cmake
        DESTINATION ${DMDPROF_CMAKEDIR})

# pkg-config: prefix relative to the .pc file, so the tree can be moved.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "dmdprof: CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR must be relative to the prefix "
                      "(got '${CMAKE_INSTALL_LIBDIR}', '${CMAKE_INSTALL_INCLUDEDIR}')")
endif()
file(RELATIVE_PATH DMDPROF_PC_UP /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" DMDPROF_PC_UP "${DMDPROF_PC_UP}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/dmdprof.pc.in ${PROJECT_BINARY_DIR}/dmdprof.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/dmdprof.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Documentation and the examples (sources only; they build against the tree).
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
