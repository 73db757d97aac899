# Memory (issue 3): mmap/munmap/mprotect/mremap/msync/madvise/mincore/brk.
# Each program checks its own results; "limit" turns on the checks that
# depend on the test instance's configured sizes.
list(APPEND APP_PROGRAMS mm_basic mm_protect mm_remap mm_shared_file mm_brk mm_commit mm_lazy_file)
foreach(variant ${VARIANTS})
  set(dir /usr/local/bin/tests/${variant})
  app_test(apps.${variant}.mm-basic --stdout "mm_basic ok" -- ${dir}/mm_basic limit)
  app_test(apps.${variant}.mm-protect --stdout "mm_protect ok" -- ${dir}/mm_protect)
  app_test(apps.${variant}.mm-remap --stdout "mm_remap ok" -- ${dir}/mm_remap)
  app_test(apps.${variant}.mm-shared-file --stdout "mm_shared_file ok" -- ${dir}/mm_shared_file)
  app_test(apps.${variant}.mm-brk --stdout "mm_brk ok" -- ${dir}/mm_brk limit)
  app_test(apps.${variant}.mm-commit --stdout "mm_commit ok" -- ${dir}/mm_commit)
  app_test(apps.${variant}.mm-lazy-file --stdout "mm_lazy_file ok" -- ${dir}/mm_lazy_file)
endforeach()
