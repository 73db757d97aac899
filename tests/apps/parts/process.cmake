# Processes: spawn, vfork, wait, SIGCHLD, process groups, job control.
list(APPEND APP_PROGRAMS spawn)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.spawn --stdout "spawn ok" -- /usr/local/bin/tests/${variant}/spawn)
endforeach()
