# Threads and signals (issue 3).
list(APPEND APP_PROGRAMS threads signals restart wait_for_sigint timers fpu_signal exit_group)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.threads --stdout "threads ok" -- ${dir}/threads)
  app_test(apps.${variant}.signals --stdout "signals ok" -- ${dir}/signals)
  app_test(apps.${variant}.restart --stdout "restart ok" -- ${dir}/restart)
  app_test(apps.${variant}.timers --stdout "timers ok" -- ${dir}/timers)
  app_test(apps.${variant}.fpu-signal --stdout "fpu_signal ok" -- ${dir}/fpu_signal)
  app_test(apps.${variant}.exit-group --exit 3 --stdout "exiting" -- ${dir}/exit_group)
endforeach()
# A signal sent to `cella run` from the host reaches the application.
app_test(apps.host-sigint --host-signal INT:300 --stdout "got SIGINT" -- /usr/local/bin/tests/glibc-pie/wait_for_sigint)
# ... and without a handler it ends it, as on Linux: 128+2.
app_test(apps.host-sigterm --host-signal TERM:300 --exit 143 --stderr "terminated by SIGTERM" -- /usr/local/bin/tests/glibc-pie/exit42 --wait)
