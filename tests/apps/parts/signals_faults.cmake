# Faults and signal frames, masks of the waiting calls, epoll wake-ups,
# exec with an empty argv (issue 9, part A).
foreach(program fault_codes pwait_masks epoll_wakeup exec_argv restart_block)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
# The host refuses the LibOS's service thread at start (issue 9, part C).
add_test(NAME apps.host.thread-limit COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/thread_limit.sh ${CELLA}
         ${APP_BIN}/glibc-pie/hello)
set_tests_properties(apps.host.thread-limit PROPERTIES FIXTURES_REQUIRED apps PASS_REGULAR_EXPRESSION "^ok|skipped")
# posix_spawn of a program that no longer fits: ENOMEM to the caller, no
# child killed half-way through its exec (the default 512 MiB user space
# holds about ten of these children).
list(APPEND APP_PROGRAMS spawn_storm)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.spawn_storm --stdout "spawn_storm ok: spawned [0-9]+, refused [1-9]"
           -- /usr/local/bin/tests/${variant}/spawn_storm)
endforeach()
