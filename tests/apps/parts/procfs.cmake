# procfs (/proc): each program checks its own results.
list(APPEND APP_PROGRAMS procfs_self procfs_maps procfs_fd procfs_system)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.procfs-self --stdout "procfs_self ok" -- ${dir}/procfs_self alpha "two words")
  app_test(apps.${variant}.procfs-maps --stdout "procfs_maps ok" -- ${dir}/procfs_maps)
  app_test(apps.${variant}.procfs-fd --stdout "procfs_fd ok" -- ${dir}/procfs_fd)
  app_test(apps.${variant}.procfs-system --stdout "procfs_system ok" -- ${dir}/procfs_system)
endforeach()
