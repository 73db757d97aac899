# Pipes, eventfd, poll/select/epoll (the in-process part of issue 4).
list(APPEND APP_PROGRAMS pipes)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.pipes --stdout "pipes ok" -- /usr/local/bin/tests/${variant}/pipes)
endforeach()
list(APPEND APP_PROGRAMS jobs)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.jobs --stdout "jobs ok" -- /usr/local/bin/tests/${variant}/jobs)
endforeach()
# execve in the calling process.
list(APPEND APP_PROGRAMS exec)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.exec --stdout "exec stage2 ok" --stdout "^from a script /usr/local/bin/tests/script.sh$"
           -- /usr/local/bin/tests/${variant}/exec)
endforeach()
# timerfd and signalfd (issue 11, readiness); signal-driven I/O.
foreach(program timerfd signalfd sigio)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "^${program} ok$" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
