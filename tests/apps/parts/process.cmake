# Processes: spawn, vfork, wait, SIGCHLD, process groups, job control.
# Each of these prints "NAME ok" when every check passed.
foreach(program spawn posix_spawn job_control stop_race credentials)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
list(APPEND APP_PROGRAMS pipeline)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.pipeline --stdout "pipeline ok: 256 MiB through 10 processes, checksum [0-9a-f]+" -- /usr/local/bin/tests/${variant}/pipeline)
endforeach()
list(APPEND APP_PROGRAMS exit_with_children)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.exit_with_children --exit 3 --stdout "leaving children behind"
           -- /usr/local/bin/tests/${variant}/exit_with_children)
endforeach()
# fork with process.fork = "sequential" (by default it is ENOSYS, see spawn).
list(APPEND APP_PROGRAMS fork)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.fork --config-edit "fork=\"sequential\"" --stdout "fork ok" -- /usr/local/bin/tests/${variant}/fork)
endforeach()
