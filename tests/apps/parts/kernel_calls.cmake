# Syscalls Linux serves beyond the usual families: pidfds, process_vm_*,
# kcmp, membarrier, futex_waitv, NUMA policy, protection keys, the LDT
# reads, sysfs, and the answers for features cella leaves out (issue 9, B).
foreach(program pidfd kernel_features process_advice netdb)
  list(APPEND APP_PROGRAMS ${program})
  foreach(variant ${VARIANTS})
    app_test(apps.${variant}.${program} --stdout "${program} ok" -- /usr/local/bin/tests/${variant}/${program})
  endforeach()
endforeach()
