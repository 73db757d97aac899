# Faults and signal frames, masks of the waiting calls, epoll wake-ups,
# exec with an empty argv (issue 9, part A).
foreach(program fault_codes pwait_masks epoll_wakeup exec_argv restart_block)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
