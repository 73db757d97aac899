# File metadata and names: listings, times, owners and permissions,
# extended attributes, mknod and FIFOs, inotify. Each program checks its
# own results; the permission tests run as root and drop to other ids in a
# child.
list(APPEND APP_PROGRAMS fs_getdents fs_times fs_perms fs_xattr fs_fifo fs_notify dnotify)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.fs-getdents --stdout "fs_getdents ok" -- ${dir}/fs_getdents)
  app_test(apps.${variant}.fs-times --stdout "fs_times ok" -- ${dir}/fs_times)
  app_test(apps.${variant}.fs-perms --stdout "fs_perms ok" -- ${dir}/fs_perms)
  app_test(apps.${variant}.fs-xattr --stdout "fs_xattr ok" -- ${dir}/fs_xattr)
  app_test(apps.${variant}.fs-fifo --stdout "fs_fifo ok" -- ${dir}/fs_fifo)
  app_test(apps.${variant}.fs-notify --stdout "fs_notify ok" -- ${dir}/fs_notify)
  app_test(apps.${variant}.dnotify --stdout "dnotify ok" -- ${dir}/dnotify)
endforeach()
