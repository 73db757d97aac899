# File locks, creat, ioctl on every kind of file, and path edge cases
# (issue 9, part 1).
foreach(program file_locks file_edges file_ioctls)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
# Pseudo-terminals (/dev/ptmx, /dev/pts) and their line discipline.
list(APPEND APP_PROGRAMS pty)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.pty --stdout "pty ok" -- /usr/local/bin/tests/${variant}/pty)
endforeach()
