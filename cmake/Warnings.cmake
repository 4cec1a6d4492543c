# Warnings are errors in our own code. Call hardalloc_warnings(target) on every target we write.
# OSS-Fuzz and ClusterFuzzLite builds turn HARDALLOC_WERROR off (.clusterfuzzlite/build.sh): their
# compiler is newer than ours and may warn where ours does not; CI's presets keep it on.
option(HARDALLOC_WERROR "Treat compiler warnings as errors" ON)
function(hardalloc_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(HARDALLOC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
