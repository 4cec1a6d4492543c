# Warnings are errors in our own code. Call hardalloc_warnings(target) on every target we write.
function(hardalloc_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter)
endfunction()
