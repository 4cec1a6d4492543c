# cmake --install: headers, libraries, a CMake package (find_package(hardalloc) gives
# hardalloc::hardalloc, hardalloc::static, hardalloc::prefixed, and the hardened twins
# hardalloc::hardened, hardalloc::hardened_static, hardalloc::hardened_prefixed) and pkg-config
# files (hardalloc, hardalloc-hardened).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(hardalloc_install_targets hardalloc_prefixed hardalloc_prefixed_static hardalloc_hardened_prefixed
    hardalloc_hardened_prefixed_static)
if(HARDALLOC_OVERRIDE_LIBS)
  list(APPEND hardalloc_install_targets hardalloc hardalloc_static hardalloc_hardened hardalloc_hardened_static)
endif()
install(TARGETS ${hardalloc_install_targets} EXPORT hardallocTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/hardalloc.h ${PROJECT_SOURCE_DIR}/include/hardalloc_hardened.h
  ${PROJECT_SOURCE_DIR}/include/hardalloc_api.inc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT hardallocTargets NAMESPACE hardalloc:: FILE hardallocTargets.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hardallocConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hardallocConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hardallocConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hardallocConfig.cmake ${PROJECT_BINARY_DIR}/hardallocConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
foreach(variant hardalloc hardalloc-hardened)
  set(HARDALLOC_PC_NAME ${variant})
  configure_file(${PROJECT_SOURCE_DIR}/cmake/hardalloc.pc.in ${PROJECT_BINARY_DIR}/${variant}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${variant}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

# hardalloc-run (tools/hardalloc-run.in): in the build tree it preloads the libraries of this
# build; installed, those beside it in ../lib. The CMake helper hardalloc_test_environment
# (cmake/hardallocTestEnvironment.cmake) comes with the package.
if(HARDALLOC_OVERRIDE_LIBS)
  set(HARDALLOC_RUN_LIBRARY_DIR ${PROJECT_BINARY_DIR}/src)
  configure_file(${PROJECT_SOURCE_DIR}/tools/hardalloc-run.in ${PROJECT_BINARY_DIR}/bin/hardalloc-run @ONLY
    FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(RELATIVE_PATH HARDALLOC_RUN_LIBRARY_DIR ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  configure_file(${PROJECT_SOURCE_DIR}/tools/hardalloc-run.in ${PROJECT_BINARY_DIR}/install/hardalloc-run @ONLY)
  install(PROGRAMS ${PROJECT_BINARY_DIR}/install/hardalloc-run DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/hardallocTestEnvironment.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/hardalloc)
endif()
