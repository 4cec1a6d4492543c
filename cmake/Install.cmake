# cmake --install: headers, libraries, a CMake package (find_package(hardalloc) gives
# hardalloc::hardalloc, hardalloc::static, hardalloc::prefixed) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(hardalloc_install_targets hardalloc_prefixed hardalloc_prefixed_static)
if(HARDALLOC_OVERRIDE_LIBS)
  list(APPEND hardalloc_install_targets hardalloc hardalloc_static)
endif()
install(TARGETS ${hardalloc_install_targets} EXPORT hardallocTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/hardalloc.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT hardallocTargets NAMESPACE hardalloc:: FILE hardallocTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hardallocConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hardallocConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hardallocConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hardallocConfig.cmake ${PROJECT_BINARY_DIR}/hardallocConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
configure_file(${PROJECT_SOURCE_DIR}/cmake/hardalloc.pc.in ${PROJECT_BINARY_DIR}/hardalloc.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hardalloc.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
