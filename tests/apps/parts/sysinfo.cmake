# System information, file-system statistics, /dev/shm, scheduling
# attributes, capabilities and privileged calls (issue 9, section 3).
list(APPEND APP_PROGRAMS statfs dev_shm sysinfo sched_attrs privileged sort_big rlimits)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  # A 1 MiB ramfs to fill up: ENOSPC, not ENOMEM. (\x5b is "[": an unpaired
  # bracket would end the CMake list element.)
  app_test(apps.${variant}.statfs --stdout "statfs ok"
           --config-sed "s|\"mount\": .|\"mount\": \\x5b{\"target\": \"/tmp/small\", \"type\": \"ramfs\", \"options\": [\"size=1MB\"]},|"
           -- ${dir}/statfs /tmp/small)
  app_test(apps.${variant}.dev-shm --stdout "dev_shm ok" -- ${dir}/dev_shm)
  app_test(apps.${variant}.sysinfo --stdout "sysinfo ok" -- ${dir}/sysinfo)
  app_test(apps.${variant}.sched-attrs --stdout "sched_attrs ok" -- ${dir}/sched_attrs)
  app_test(apps.${variant}.privileged --stdout "privileged ok" -- ${dir}/privileged)
  app_test(apps.${variant}.rlimits --stdout "rlimits ok" -- ${dir}/rlimits)
  # Debian's GNU sort on an 11 MB file.
  app_test(apps.${variant}.sort-big --stdout "sort_big ok" -- ${dir}/sort_big /usr/bin/sort)
endforeach()
# An instance whose cella.json predates /dev/shm still gets one.
app_test(apps.sysinfo.dev-shm-implicit --stdout "dev_shm ok"
         --config-sed "s|\"/dev/shm\"|\"/mnt/other\"|"
         -- /usr/local/bin/tests/glibc-pie/dev_shm)
# Bad ramfs options are refused before boot, naming the key.
app_test(apps.sysinfo.ramfs-bad-option --exit 1 --stderr "mount\\[0\\].options\\[0\\]"
         --config-sed "s|\"mount\": .|\"mount\": \\x5b{\"target\": \"/mnt/bad\", \"type\": \"ramfs\", \"options\": [\"size=lots\"]},|"
         -- /usr/local/bin/tests/glibc-pie/sysinfo)
