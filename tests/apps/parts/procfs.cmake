# procfs (/proc): each program checks its own results.
list(APPEND APP_PROGRAMS procfs_self procfs_maps procfs_fd procfs_system procfs_threads procfs_state procfs_records
     procfs_smaps procfs_sysctl)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.procfs-self --stdout "procfs_self ok" -- ${dir}/procfs_self alpha "two words")
  app_test(apps.${variant}.procfs-maps --stdout "procfs_maps ok" -- ${dir}/procfs_maps)
  app_test(apps.${variant}.procfs-fd --stdout "procfs_fd ok" -- ${dir}/procfs_fd)
  app_test(apps.${variant}.procfs-system --stdout "procfs_system ok" -- ${dir}/procfs_system)
  app_test(apps.${variant}.procfs-threads --stdout "procfs_threads ok" -- ${dir}/procfs_threads)
  app_test(apps.${variant}.procfs-state --stdout "procfs_state ok" -- ${dir}/procfs_state)
  app_test(apps.${variant}.procfs-records --stdout "procfs_records ok" -- ${dir}/procfs_records)
  app_test(apps.${variant}.procfs-smaps --stdout "procfs_smaps ok" -- ${dir}/procfs_smaps)
  app_test(apps.${variant}.procfs-sysctl --stdout "procfs_sysctl ok" -- ${dir}/procfs_sysctl)
endforeach()
# redis reads its RSS from /proc/self/stat ten times a second: 100 reads
# with 64 MiB mapped: 25 host mincore calls each (one or more a mapping),
# 89 when each asked about 1 MiB.
list(APPEND APP_PROGRAMS proc_stat_rss)
foreach(variant ${VARIANTS})
  app_test(apps.${variant}.proc_stat_rss --stdout "proc_stat_rss ok" -- /usr/local/bin/tests/${variant}/proc_stat_rss)
endforeach()
add_test(NAME apps.procfs.stat-rss-host-mincore COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/host_calls.sh mincore 4000
         /usr/local/bin/tests/glibc-pie/proc_stat_rss 100)
set_tests_properties(apps.procfs.stat-rss-host-mincore PROPERTIES FIXTURES_REQUIRED apps SKIP_RETURN_CODE 77
                     ENVIRONMENT "CELLA=${CELLA};INSTANCE=${INSTANCE}")
