# System V IPC and POSIX message queues (issue 9): each between two processes.
foreach(program sysv_sem sysv_msg sysv_shm sysv_mutex sysv_ipcs posix_mq)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
# A sequential fork keeps the parent's attachments and shares their pages.
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.sysv_shm-fork --config-edit "fork=\"sequential\"" --stdout "sysv_shm fork ok"
           -- /usr/local/bin/tests/${variant}/sysv_shm fork)
endforeach()
